"""gold: anchors resolve exactly or fail loudly; the seed's gold layer says what a reader sees."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pyarrow.parquet as pq
import pytest
import yaml

from conftest import NEXT, REPO, SEED_DOC_ID, shared, snapshot
from warnews.errors import WarnewsError
from warnews.gold import find_anchor, load_gold
from warnews.knowledge import load_entities

TEXT = "Russia said. Russians said Russia. The Koreans and North Koreans."


@pytest.mark.parametrize("anchor,spans", [
    ({"text": "Russians"}, [(13, 21)]),
    ({"text": "Russia", "occurrence": 2}, [(27, 33)]),  # whole words only: not inside "Russians"
    ({"text": "Russia", "occurrence": [1, 2]}, [(0, 6), (27, 33)]),
    ({"text": "Russia", "occurrence": "all"}, [(0, 6), (27, 33)]),
    ({"text": "Koreans", "prefix": "The "}, [(39, 46)]),
    ({"text": "said", "suffix": " Russia."}, [(22, 26)]),
])
def test_anchor_resolves(anchor, spans):
    assert find_anchor(TEXT, anchor, "a.yaml:1") == spans
    assert all(TEXT[s:e] == anchor["text"] for s, e in spans)


@pytest.mark.parametrize("anchor,message", [
    ({"text": "Ukraine"}, r"a\.yaml:1: anchor 'Ukraine' not found"),
    ({"text": "Russia"}, r"a\.yaml:1: anchor 'Russia' is ambiguous: found 2 times; add occurrence"),
    ({"text": "Russia", "occurrence": 3}, r"anchor 'Russia' occurs 2 times, not 3"),
    ({"text": "Russia", "occurrence": 0}, r"occurrence must be a number from 1"),
    ({"text": "Koreans", "prefix": "the "}, r"anchor 'Koreans' not found"),
    ({"text": ""}, r"an anchor needs a non-empty 'text'"),
])
def test_bad_anchor_is_refused(anchor, message):
    with pytest.raises(WarnewsError, match=message):
        find_anchor(TEXT, anchor, "a.yaml:1")


@pytest.fixture(scope="module")
def seed_gold():
    text = pq.read_table(REPO / "corpus" / "v1.1.0" / "documents.parquet").column("text")[0].as_py()
    return text, load_gold(REPO, SEED_DOC_ID, text, load_entities(REPO))


def test_every_gold_span_is_its_text(seed_gold):
    text, gold = seed_gold
    for table, rows in gold.items():
        for r in rows:
            assert text[r["start"]:r["end"]] == r["text"], (table, r)


def test_the_six_quotations_and_their_speakers(seed_gold):
    _, gold = seed_gold
    quoted = {r["text"]: r for r in gold["quotes"] if r["kind"] != "indirect"}
    assert len(quoted) == 6
    assert quoted["maximally"]["kind"] == "partial"
    calls = quoted["everything to be done to deescalate,"]
    assert calls["speaker_entity_ids"] == ["china", "brazil"] and calls["reported_by_entity_id"] == "volodymyr-zelenskyy"
    sybiha = next(r for t, r in quoted.items() if t.startswith("Right now"))
    assert sybiha["speaker_entity_ids"] == ["andrii-sybiha"]  # as printed; the erratum says who likely spoke
    assert sum(r["kind"] == "indirect" for r in gold["quotes"]) == 6


def test_dates_are_kept_apart(seed_gold):
    _, gold = seed_gold
    hur = next(r for r in gold["quotes"] if r["speaker_entity_ids"] == ["defence-intelligence-of-ukraine"])
    assert (hur["statement_date"], hur["statement_date_precision"], hur["statement_date_basis"]) == (
        dt.date(2024, 12, 14), "day", "explicit")
    for event in gold["events"]:  # the text never says when the events happened
        assert event["event_date"] is None and event["event_date_precision"] == "unknown"
        assert event["event_not_after"] == dt.date(2024, 12, 14)
    assert {(d["text"], d["kind"]) for d in gold["dates"]} == {
        ("December 14", "explicit"), ("Dec. 14", "explicit"), ("That same day", "anaphoric")}


def test_the_reporting_chain_traces_outlet_source_speaker(seed_gold):
    _, gold = seed_gold
    sources = {s["source_id"]: s for s in gold["sources"]}
    claim = next(c for c in gold["claims"] if c["text"].startswith("the occupiers are preparing"))
    chain, link = [], sources[claim["source_id"]]
    while link is not None:
        chain.append((link["relayed_by_entity_id"], link["text"]))
        link = sources.get(link["via_source_id"])
    assert chain == [("defence-intelligence-of-ukraine", "Ukrainian intelligence"), ("news-az", "local media")]


def test_the_erratum_is_published_beside_the_text():
    errata = pq.read_table(REPO / "corpus" / "v1.1.0" / "errata.parquet").to_pylist()
    (erratum,) = errata
    assert erratum["kind"] == "misattribution" and erratum["confidence"] == "high"
    assert erratum["speaker_as_printed_entity_id"] == "andrii-sybiha"
    assert erratum["speaker_likely_entity_id"] == "andrii-kovalenko"
    assert len(erratum["evidence"]) == 2 and all(e["url"].startswith("https://") for e in erratum["evidence"])
    quotes = {q["quote_id"]: q for q in pq.read_table(REPO / "corpus" / "v1.1.0" / "quotes.parquet").to_pylist()}
    affected = [quotes[i]["text"] for i in erratum["affected_ids"] if i in quotes]
    assert any(t.startswith("Right now, there are a lot of rumors") for t in affected)


def test_entities_without_a_known_wikidata_id_have_none():
    entities = load_entities(REPO)
    assert entities["andrii-kovalenko"].wikidata is None and entities["europe"].wikidata is None


def test_no_wikidata_id_is_invented():
    """Every QID we publish is the one the curated source gives, and none is added where it gives none."""
    curated_file = shared("knowledge", "entities.yaml")
    curated = {e["id"]: e.get("wikidata") for e in yaml.safe_load(curated_file.read_text(encoding="utf-8"))}
    entities = load_entities(REPO)
    assert entities
    for entity_id, entity in entities.items():
        assert entity.wikidata == curated.get(entity_id), entity_id


def _break_gold(root, old: str, new: str) -> None:
    path = root / "annotations" / f"{SEED_DOC_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


GOLD_ERRORS = {
    "missing anchor": ("{text: Putin, entity: vladimir-putin}", "{text: Putins, entity: vladimir-putin}",
                       r"annotations/news-az-20241214-3517843f41\.yaml:\d+: mentions: anchor 'Putins' not found"),
    "ambiguous anchor": ("{text: Zelenskyy, occurrence: [2, 3], entity: volodymyr-zelenskyy}",
                         "{text: Zelenskyy, entity: volodymyr-zelenskyy}",
                         r"\.yaml:\d+: mentions: anchor 'Zelenskyy' is ambiguous: found 3 times"),
    "unknown entity": ("{text: Asia, entity: asia}", "{text: Asia, entity: asia-continent}",
                       r"\.yaml:\d+: mentions: entity 'asia-continent' is not an entity id"),
    "duplicate gold span": ("{text: Asia, entity: asia}", "{text: Asia, entity: asia}\n  - {text: Asia, entity: asia}",
                            r"mentions: gold spans 'Asia' \[\d+, \d+\) and 'Asia' \[\d+, \d+\) coincide"),
    "overlapping mentions": ("{text: North Korea, entity: north-korea}",
                             "{text: North Korea, entity: north-korea}\n  - {text: Korea, prefix: 'North ', occurrence: 1, entity: north-korea}",
                             r"mentions: gold spans .* overlap"),
    "unknown key": ("kind: fact,\n     claimants: [volodymyr-zelenskyy], source: local-media, statement_date: {value: 2024-12-14, precision: day, basis: explicit}}",
                    "kind: fact, certainty: high,\n     claimants: [volodymyr-zelenskyy], source: local-media, statement_date: {value: 2024-12-14, precision: day, basis: explicit}}",
                    r"claims: unknown key\(s\) certainty"),
    "unknown quote kind": ("    kind: partial\n", "    kind: paraphrase\n", r"quotes: kind 'paraphrase' is not one of direct"),
    "invalid YAML": ("mentions:\n", "mentions: [\n", r"\.yaml: line \d+: not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(GOLD_ERRORS))
def test_bad_gold_stops_the_build_and_changes_nothing(case, repo_copy, run):
    old, new, message = GOLD_ERRORS[case]
    _break_gold(repo_copy, old, new)
    before = snapshot(repo_copy / "corpus")
    code, _, err = run(repo_copy, "release", NEXT)
    assert code == 1 and re.search(message, err), err
    assert snapshot(repo_copy / "corpus") == before


def test_a_gold_file_without_its_document_is_refused(repo_copy, run):
    shutil.copy(repo_copy / "annotations" / f"{SEED_DOC_ID}.yaml", repo_copy / "annotations" / "news-az-20241214-0000000000.yaml")
    code, _, err = run(repo_copy, "build")
    assert code == 1 and "news-az-20241214-0000000000.yaml: no document has doc_id news-az-20241214-0000000000" in err
