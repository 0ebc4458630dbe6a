"""Benchmark: entities across the primary statements (issue 21, deliverable 3).

Runs the rule mention layer (or, with --spacy, the spaCy one) and the rule quote finder on every
text of ../shared/corpora/primary-statements (1,631 Kremlin and president.gov.ua releases, read
as they are: no import or build), links mentions and quotation speakers with lexicon.identity
as a build does, and prints:

- the number of entities linked to (curated, automatic people and organisations, places);
- the ten most-quoted people (quotations grouped by the speaker_name's last word in plain
  letters cut to its first five, a deliberately looser grouping than the one under test, so
  that transliteration variants fall in one group; check the spellings printed) and whether
  all of each group's quotes and mentions carry ONE entity id;
- 50 merges drawn with a fixed seed (random.Random(21)) among the spellings that differ from
  their entity's name, for a check by hand.

    python bench/entities.py [--shared ../shared] [--spacy] [--seed 21] [--sample 50]

Imports the standard library and warnews only (spaCy through warnews with --spacy). The texts
are the publishers': nothing of them is written anywhere.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, defaultdict
from pathlib import Path

from warnews.knowledge import load_entities
from warnews.layers.mentions import mentions_v4
from warnews.lexicon.gazetteer import Knowledge
from warnews.lexicon.identity import PERSON_PREFIX, Spellings, is_automatic, plain, speaker_entity_ids
from warnews.lexicon.names import is_person_name
from warnews.quoting.attribution import find_quotations
from warnews.registry import Document

REPO = Path(__file__).resolve().parents[1]
DOC_ID = "bench-20220101-0000000000"


def texts(shared: Path):
    for path in sorted((shared / "corpora" / "primary-statements").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            yield record["url"], record["text"]


def group_of(name: str) -> str:
    """A person's group for the check: the first letter of the first word and the first five
    letters of the last, in plain letters (`Volodymyr Zelenskyy`, `Vladimir Zelensky`: v zelen)."""
    words = name.split()
    return f"{plain(words[0])[:1]} {plain(words[-1])[:5]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--spacy", action="store_true", help="the spaCy mention layer instead of the rule one")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--sample", type=int, default=50)
    args = parser.parse_args()
    knowledge = Knowledge.of(load_entities(REPO))
    mention_layer = mentions_v4
    if args.spacy:
        from warnews.layers.spacy_mentions import spacy_mentions as mention_layer  # noqa: F811
    spellings = Spellings({e.entity_id: e.type for e in knowledge.entities.values()})
    quoted: Counter = Counter()  # group -> quotes
    group_names: dict[str, Counter] = defaultdict(Counter)  # group -> speaker_name -> quotes
    group_ids: dict[str, Counter] = defaultdict(Counter)  # group -> entity id (or None) -> quotes
    mentioned: dict[str, Counter] = defaultdict(Counter)  # group -> entity id (or None) -> person mentions
    linked_ids: set[str] = set()
    started, n = time.perf_counter(), 0
    for url, text in texts(args.shared):
        n += 1
        doc = Document(DOC_ID, text, None)
        rows = [{**r, "text": text[r["start"]:r["end"]]} for r in mention_layer(doc, knowledge, {})]
        quotes = []
        for q in find_quotations(text, knowledge.demonyms):
            ids = speaker_entity_ids(text, q.speaker_name, q.speaker_type, knowledge)
            quotes.append({"speaker_name": q.speaker_name, "speaker_entity_ids": ids})
            if q.speaker_name and q.speaker_type in (None, "PERSON") and len(q.speaker_name.split()) >= 2 \
                    and is_person_name(q.speaker_name, knowledge.demonyms):
                g = group_of(q.speaker_name)
                quoted[g] += 1
                group_names[g][q.speaker_name] += 1
                group_ids[g][ids[0] if ids else None] += 1
        spellings.add_document({"mentions": rows, "quotes": quotes})
        linked_ids.update(r["entity_id"] for r in rows if r["entity_id"])
        linked_ids.update(i for q in quotes for i in q["speaker_entity_ids"])
        for r in rows:
            if r["label"] == "PERSON" and len(r["text"].split()) >= 2:  # full names: `Zelenskyy` alone has no first letter
                mentioned[group_of(r["text"])][r["entity_id"]] += 1
    elapsed = time.perf_counter() - started
    automatic = sorted(i for i in linked_ids if is_automatic(i))
    print(f"{n} documents in {elapsed:.0f} s ({'spaCy' if args.spacy else 'rule'} mentions)")
    print(f"entities linked: {len(linked_ids)} ({sum(i in knowledge.entities for i in linked_ids)} curated, "
          f"{sum(i.startswith(PERSON_PREFIX) for i in automatic)} automatic people, "
          f"{sum(not i.startswith(PERSON_PREFIX) for i in automatic)} automatic organisations, "
          f"{sum(not is_automatic(i) and i not in knowledge.entities for i in linked_ids)} places from package data)")
    print("\nthe ten most-quoted people (group: spellings quoted; entity ids of its quotes and of its mentions)")
    one = 0
    for g, count in quoted.most_common(10):
        quote_ids = {i for i in group_ids[g] if group_ids[g][i]}
        mention_ids = {i for i in mentioned[g] if i}
        ids = (quote_ids | mention_ids) - {None}
        ok = len(ids) == 1
        one += ok
        names = ", ".join(f"{name} ({c})" for name, c in group_names[g].most_common(5))
        unlinked = group_ids[g].get(None, 0)
        print(f"  {count:5d} quotes  {'ONE' if ok else 'NOT ONE'}  {sorted(ids)}  unlinked quotes {unlinked}, "
              f"unlinked mentions {mentioned[g].get(None, 0)}\n        {names}")
    print(f"one entity each: {one}/10")
    merges = spellings.merge_rows(knowledge)
    names = {e: spellings.clean_name(e, n) for e, n in spellings.names().items()}
    for e in knowledge.entities.values():
        names[e.entity_id] = e.name
    candidates = [m for m in merges if m["spelling"] != names.get(m["entity_id"]) and m["rule"] != "curated name"]
    print(f"\nmerges: {len(merges)} (entity, spelling) pairs, {len(candidates)} where the spelling is not the "
          f"entity's name; by rule: {dict(sorted(Counter(m['rule'] for m in candidates).items()))}")
    sample = random.Random(args.seed).sample(candidates, min(args.sample, len(candidates)))
    print(f"{len(sample)} drawn with seed {args.seed} for a check by hand (entity id, its name <- spelling [rule], mentions):")
    for i, m in enumerate(sorted(sample, key=lambda m: (m["entity_id"], m["spelling"])), 1):
        print(f"  {i:2d}. {m['entity_id']}  {names.get(m['entity_id'], '?')!r} <- {m['spelling']!r} "
              f"[{m['rule']}] {m['mentions']}+{m['speakers']}")


if __name__ == "__main__":
    main()
