"""Entities across the corpus (lexicon.identity): one id per person or organisation whatever the
spelling, made from the name alone; the merges table a build writes. Every sentence here is
synthetic, written for these tests (the people named are made up or named only as spellings)."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from warnews import schema
from warnews.knowledge import Entity
from warnews.lexicon.gazetteer import Knowledge, linked_mentions
from warnews.lexicon.identity import (RULES, Spellings, fold, is_automatic, person_key, speaker_entity_ids)

EMPTY = Knowledge.of({})


def _entity(entity_id, type_, name, aliases=()):
    return Entity(entity_id, type_, name, tuple(aliases), (), None, None, None, None, (), None, None, None,
                  "synthetic entity of the tests")


CURATED = Knowledge.of({"oksana-testenko": _entity("oksana-testenko", "PERSON", "Oksana Testenko", ["Testenko"]),
                        "example-agency": _entity("example-agency", "ORG", "Example Agency of Defence")})


def _link(text: str, names: list[tuple[str, str]], knowledge=EMPTY) -> dict[str, str | None]:
    """Printed name -> entity id of each (name, label), found at its first occurrence."""
    spans = []
    for name, label in names:
        at = text.index(name)
        spans.append((at, at + len(name), label))
    return {text[r["start"]:r["end"]]: r["entity_id"] for r in linked_mentions(text, spans, knowledge)}


def test_transliteration_variants_in_different_documents_are_one_entity():
    ids = set()
    for spelling in ("Volodymyr Zelensky", "Volodymyr Zelenskiy", "Volodymyr Zelenskyy", "Vladimir Zelenskyi"):
        text = f"Synthetic test sentence: {spelling} said the talks went on."
        ids.add(_link(text, [(spelling, "PERSON")])[spelling])
    assert len(ids) == 1 and is_automatic(ids.pop())
    assert fold("Podolyak") == fold("Podoliak") and fold("Zelenskyy") == fold("Zelensky")
    assert fold("Zelenska") == fold("Zelenskaya") == fold("Zelenskyy")  # one family name: the first name tells who
    assert person_key(["Olena", "Zelenska"]) != person_key(["Volodymyr", "Zelenskyy"])
    assert person_key(["Serhiy", "Testov"]) == person_key(["Sergei", "Testov"])  # the table of first names


def test_people_who_share_a_surname_stay_distinct():
    text = "Synthetic test text. Joe Biden met Hunter Biden on Monday. Biden said nothing."
    linked = _link(text, [("Joe Biden", "PERSON"), ("Hunter Biden", "PERSON")])
    assert linked["Joe Biden"] != linked["Hunter Biden"] and None not in linked.values()
    # a bare surname in a text naming both could be either: no entity
    at = text.index("Biden said")
    (row,) = [r for r in linked_mentions(text, [(at, at + 5, "PERSON")], EMPTY)]
    assert row["entity_id"] is None
    # ... and a bare surname the text gives no full name for is no entity either
    assert _link("Synthetic test text. Biden spoke.", [("Biden", "PERSON")])["Biden"] is None


def test_a_surname_alone_after_the_full_name_links_to_it():
    text = "Synthetic test text. Dmitro Examplov spoke on Tuesday. Later Examplov said more."
    first = _link(text, [("Dmitro Examplov", "PERSON")])["Dmitro Examplov"]
    at = text.index("Examplov said")
    rows = linked_mentions(text, [(at, at + len("Examplov"), "PERSON")], EMPTY)
    assert first is not None and rows[0]["entity_id"] == first
    # the same person in another document, under his Russian first name
    other = _link("Synthetic test text. Dmitry Examplov arrived.", [("Dmitry Examplov", "PERSON")])
    assert other["Dmitry Examplov"] == first


def test_titles_are_stripped_and_a_first_name_is_needed():
    text = "Synthetic test text. Prime Minister Nadia Testova and Nuclear Physics."
    linked = _link(text, [("Prime Minister Nadia Testova", "PERSON"), ("Nuclear Physics", "PERSON")])
    assert linked["Prime Minister Nadia Testova"] == _link("Synthetic test text: Nadia Testova.",
                                                            [("Nadia Testova", "PERSON")])["Nadia Testova"]
    assert linked["Nuclear Physics"] is None  # no first name: not a person's full name


def test_a_curated_name_links_to_the_curated_id_in_any_spelling():
    text = "Synthetic test text. Oksana Testenko and the Example Agency of Defense spoke; Testenko left."
    linked = _link(text, [("Oksana Testenko", "PERSON"), ("Example Agency of Defense", "ORG")], CURATED)
    assert linked == {"Oksana Testenko": "oksana-testenko", "Example Agency of Defense": "example-agency"}
    variant = _link("Synthetic test text: Oksana Testenko.", [("Oksana Testenko", "PERSON")], CURATED)
    assert variant["Oksana Testenko"] == "oksana-testenko"


def test_organisations_fold_case_article_possessive_and_spelling():
    one = _link("Synthetic test text: the Zorvat Ministry of Defence said.", [("Zorvat Ministry of Defence", "ORG")])
    two = _link("Synthetic test text: The Zorvat Ministry of Defense's report.",
                [("The Zorvat Ministry of Defense's", "ORG")])
    assert set(one.values()) == set(two.values()) == {"org-zorvat-ministry-of-defense"}
    # a generic name is a different body in each country's news: no entity across the corpus
    assert _link("Synthetic test text: the Ministry of Defence said.", [("Ministry of Defence", "ORG")]) == {
        "Ministry of Defence": None}
    assert set(_link("Synthetic test text: Examplegaz said.", [("Examplegaz", "ORG")]).values()) == {"org-examplegaz"}


def test_quote_speakers_get_the_ids_mentions_get():
    text = "Synthetic test text. Oleksandr Probnik said it was over. Probnik added more."
    mention = _link(text, [("Oleksandr Probnik", "PERSON")])["Oleksandr Probnik"]
    assert speaker_entity_ids(text, "Oleksandr Probnik", "PERSON", EMPTY) == [mention]
    assert speaker_entity_ids(text, "Probnik", None, EMPTY) == [mention]
    assert speaker_entity_ids(text, "the ministry", None, EMPTY) == []
    assert speaker_entity_ids(text, "Oksana Testenko", "PERSON", CURATED) == ["oksana-testenko"]


def test_the_merges_table_lists_every_spelling_with_its_rule():
    spellings = Spellings()
    docs = ["Synthetic test text. Mykhailo Testoliak spoke. Testoliak left.", "Synthetic test text. Mikhail Testolyak came."]
    for text in docs:
        names = [n for n in ("Mykhailo Testoliak", "Mikhail Testolyak") if n in text]
        spans = [(text.index(n), text.index(n) + len(n), "PERSON") for n in names]
        if "Testoliak left" in text:
            at = text.index("Testoliak left")
            spans.append((at, at + len("Testoliak"), "PERSON"))
        rows = [{**r, "text": text[r["start"]:r["end"]]} for r in linked_mentions(text, spans, EMPTY)]
        spellings.add_document({"mentions": rows})
    merges = {m["spelling"]: m for m in spellings.merge_rows(EMPTY)}
    assert len({m["entity_id"] for m in merges.values()}) == 1
    assert merges["Testoliak"]["rule"] == "shorter form in document"
    assert {merges["Mykhailo Testoliak"]["rule"], merges["Mikhail Testolyak"]["rule"]} == {"same name", "transliteration"}
    (row,) = spellings.entity_rows(set())
    assert row["wikidata"] is None and row["type"] == "PERSON" and len(row["aliases"]) == 2
    assert RULES == schema.MERGE_RULES


def test_a_curated_id_may_not_look_automatic():
    from warnews.errors import WarnewsError

    with pytest.raises(WarnewsError, match="automatic"):
        Knowledge.of({"person-x": _entity("person-x", "PERSON", "X Y")})


# --- a build ------------------------------------------------------------------------------------

_TEXTS = [
    "Synthetic test record one. President Volodymyr Zelensky met Joe Biden and Hunter Biden in Kyiv. Joe Biden "
    "said the talks were useful. Hunter Biden said nothing. Zelensky said more. The Ministry of Defence agreed.",
    "Synthetic test record two. President Volodymyr Zelenskiy said he spoke to Mykhailo Testoliak. Mykhailo "
    "Testoliak said nothing new. Testoliak left.",
    "Synthetic test record three. Vladimir Zelenskyy said Mikhail Testolyak met the Ministry of Defense. Mikhail "
    "Testolyak said so.",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A collection outside the repository, with three synthetic records, built twice."""
    from warnews.cli import main
    from warnews.registry import rule_layers

    folder = tmp_path_factory.mktemp("identity") / "collection"
    assert main(["--root", str(folder), "init", str(folder), "--title", "Synthetic", "--author", "Test, A",
                 "--license", "CC-BY-4.0", "--description", "Synthetic records of the identity tests."]) == 0
    layers = [name for name in ("rule:dates_v1", "rule:mentions_v4") if name in rule_layers()]
    config = folder / "warnews.yaml"
    lines = config.read_text().splitlines()
    start = lines.index("layers:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    config.write_text("\n".join(lines[:start + 1] + [f"  - {n}" for n in layers] + lines[end:]) + "\n")
    records = folder.parent / "records.jsonl"
    records.write_text("".join(json.dumps({"text": t, "title": f"Synthetic {i}", "url": f"https://example.org/{i}",
                                           "published": f"2024-01-0{i + 1}"}) + "\n" for i, t in enumerate(_TEXTS)))
    assert main(["--root", str(folder), "import", str(records), "--outlet", "example-wire", "--outlet-name",
                 "Example Wire", "--domain", "example.org", "--country", "GB", "--license", "CC-BY-4.0",
                 "--language", "en", "--quiet"]) == 0
    builds = []
    for _ in range(2):
        assert main(["--root", str(folder), "build", "--no-cache"]) == 0
        staging = folder / "build" / "staging"
        builds.append({p.name: p.read_bytes() for p in sorted(staging.glob("*.parquet"))})
    return folder, builds


def test_a_build_writes_a_merges_table_that_validates_and_links_spellings(built):
    from warnews.validate import validate_tables

    folder, builds = built
    staging = folder / "build" / "staging"
    tables = {name: pq.read_table(staging / f"{name}.parquet") for name in schema.TABLES}
    failed = [r for r in validate_tables(tables, folder, None) if r.failures]
    assert not failed, failed
    merges = tables["merges"].to_pandas()
    entities = tables["entities"].to_pandas().set_index("entity_id")
    assert set(merges["entity_id"]) <= set(entities.index)
    zelensky = merges[merges["spelling"].str.contains("Zelensk")]
    assert zelensky["entity_id"].nunique() == 1 and len(zelensky) >= 3
    mentions = tables["mentions"].to_pandas()
    bidens = mentions[mentions["text"].isin(["Joe Biden", "Hunter Biden"])].drop_duplicates("text")
    assert bidens["entity_id"].nunique() == 2
    automatic = entities[[is_automatic(i) for i in entities.index]]
    assert automatic["wikidata"].isna().all() and len(automatic) > 0


def test_a_build_twice_gives_byte_identical_files(built):
    _, (first, second) = built
    assert "merges.parquet" in first and first == second
