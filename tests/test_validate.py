"""validate: the real build passes every check; each check fires on a table corrupted for it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq
import pytest

from conftest import REPO, SEED_DOC_ID
from warnews.release import build_tables
from warnews import registry
from warnews.schema import arrow_schema
from warnews.validate import validate_tables


@pytest.fixture(scope="module")
def tables():
    built, _ = build_tables(REPO, "1.0.0")
    return built


def _set(table: pyarrow.Table, column: str, row: int, value) -> pyarrow.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    return table.set_column(table.schema.get_field_index(column), table.schema.field(column),
                            pyarrow.array(values, table.schema.field(column).type))


def _failed(tables, root: Path = REPO) -> dict[str, list[str]]:
    return {r.check: [str(f) for f in r.failures] for r in validate_tables(tables, root) if not r.passed}


# Checks that a build of all 10 tables runs: the 374 entries of corpus/v1.1.2/validation.json, plus 7
# for the quotes' speaker columns: a dtype check for each of the 4, ge for speaker_start and
# speaker_end, and speaker_span_is_whole; plus 38 for the turns table: columns_match_schema, 12
# dtypes, 11 not_nullable (all but speaker_role), turn_id's uniqueness, 10 column checks (doc_id's
# pattern, 4 bounds, 3 lengths, the entity-id list, the layer list) and 3 dataframe checks
# (span_is_not_empty, id_matches_span, label_comes_before_its_utterance); less 1 since
# mentions.entity_id may be null (an unlinked name); plus 3 for documents.input_kind (dtype,
# not_nullable, isin); plus 20 for the merges table (1.8.0): columns_match_schema, 6 dtypes, 6
# not_nullable, 6 column checks and mentions_or_speakers.
N_CHECKS = 374 + 7 + 38 - 1 + 3 + 9 + 20  # 1.6.0: language_detected, language_confidence, extra


def test_the_build_passes_every_check(tables):
    results = validate_tables(tables, REPO)
    assert [r.check for r in results if not r.passed] == []
    names = [r.check for r in results]
    assert len(names) == N_CHECKS
    assert len(set(names)) == len(names)
    assert {"documents: columns_match_schema", "documents.doc_id: field_uniqueness", "documents.text: text_is_nfc",
            "edits.rule: rule_is_known", "entities.wikidata: str_matches", "claims: id_matches_span",
            "raw_file_matches_sha256", "edits_rebuild_clean_text", "spans_match_document_text",
            "entity_references_resolve", "mentions_do_not_overlap"} <= set(names)


CORRUPTIONS = {
    "doc_id form": ("documents", "doc_id", "News Az 1", ["documents.doc_id: str_matches",
                                                         "documents: doc_id_matches_outlet_date_and_sha256"]),
    "doc_id not derived from its fields": ("documents", "doc_id", "news-az-20241215-3517843f41",
                                           ["documents: doc_id_matches_outlet_date_and_sha256"]),
    "text not NFC": ("documents", "text", "Cafe\u0301 in Kyiv.", ["documents.text: text_is_nfc"]),
    "text empty": ("documents", "text", "", ["documents.text: str_length"]),
    "published before 2014": ("documents", "published", dt.date(2013, 12, 31),
                              ["documents.published: greater_than_or_equal_to"]),
    "published in the future": ("documents", "published", dt.date.today() + dt.timedelta(days=1),
                                ["dates_not_after_as_of"]),
    "unknown language": ("documents", "language", "xx", ["documents.language: isin"]),
    "raw file of another sha256": ("documents", "raw_sha256", "0" * 64, ["raw_file_matches_sha256"]),
    "null outlet": ("documents", "outlet", None, ["documents.outlet: not_nullable"]),
    "unknown rule": ("edits", "rule", "strip_everything", ["edits.rule: rule_is_known"]),
    "merged rule with unknown part": ("edits", "rule", "normalize_nfc+guess", ["edits.rule: rule_is_known"]),
    "edit text changed": ("edits", "clean_text", "X", ["edits: span_lengths_match_texts",
                                                       "edits_match_raw_and_clean_text", "edits_rebuild_clean_text"]),
    "span text not the document's": ("mentions", "text", "Kyiv", ["spans_match_document_text"]),
    "span outside the document": ("mentions", "end", 10_000, ["spans_match_document_text", "mentions: id_matches_span"]),
    "unknown entity": ("mentions", "entity_id", "atlantis", ["entity_references_resolve"]),
    "unknown speaker": ("quotes", "speaker_entity_ids", ["atlantis"], ["entity_references_resolve"]),
    "speaker list with a non-id": ("quotes", "speaker_entity_ids", ["Not An Id"],
                                   ["quotes.speaker_entity_ids: is_list_of_entity_ids", "entity_references_resolve"]),
    "unknown source": ("quotes", "source_id", "news-az-20241214-3517843f41/sources/gold/0-5",
                       ["source_references_resolve"]),
    "erratum affecting nothing": ("errata", "affected_ids", ["nothing"], ["errata_affected_ids_resolve"]),
    "layer not named as layers are": ("mentions", "layer", "manual", ["mentions.layer: str_matches",
                                                                       "mentions: id_matches_span"]),
    "id not derived from the span": ("claims", "claim_id", "claim-1", ["claims: id_matches_span"]),
    "empty span": ("dates", "end", 0, ["dates: span_is_not_empty", "spans_match_document_text"]),
    "unknown claim kind": ("claims", "kind", "rumour", ["claims.kind: isin"]),
    "made-up wikidata id": ("entities", "wikidata", "Ukraine", ["entities.wikidata: str_matches"]),
    "edit to an unknown document": ("edits", "doc_id", "news-az-20241214-0000000000", ["edits_resolve_to_documents",
                                                                                      "edits_rebuild_clean_text"]),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_each_check_fires_on_a_corrupted_table(case, tables):
    table, column, value, expected = CORRUPTIONS[case]
    row = 0 if table in ("documents", "errata") else 1
    broken = dict(tables, **{table: _set(tables[table], column, row, value)})
    failed = _failed(broken)
    for check in expected:
        assert check in failed, f"{check} did not fire; fired: {sorted(failed)}"
    # Every failure reads `doc_id: check: message` and names the corrupted document: the seed, or
    # the corrupted doc_id itself. Only entities have no doc_id; their failures name `-`.
    doc_ids = {SEED_DOC_ID, value} if column == "doc_id" else {SEED_DOC_ID}
    for check, messages in failed.items():
        named = {"-"} if check.startswith(("entities.", "entities:")) else doc_ids
        for m in messages:
            doc_id, _, message = m.partition(f": {check}: ")
            assert doc_id in named and message.strip(), m


def test_overlapping_mentions_of_one_layer_fail(tables):
    mentions = tables["mentions"].to_pylist()
    first = next(m for m in mentions if m["layer"] == "gold" and m["text"] == "Volodymyr Zelenskyy")
    shorter = dict(first, start=first["start"] + 10, text="Zelenskyy")
    shorter["mention_id"] = first["mention_id"].replace(f"/{first['start']}-", f"/{shorter['start']}-")
    broken = pyarrow.Table.from_pylist(mentions + [shorter], schema=tables["mentions"].schema)
    failed = _failed(dict(tables, mentions=broken))
    assert list(failed) == ["mentions_do_not_overlap"]
    assert failed["mentions_do_not_overlap"] == [f"{SEED_DOC_ID}: mentions_do_not_overlap: gold mentions [10, 29) and [20, 29) overlap"]


def test_an_edit_removed_breaks_the_rebuild(tables):
    failed = _failed(dict(tables, edits=tables["edits"].slice(1)))
    assert failed["edits_rebuild_clean_text"] == [
        f"{SEED_DOC_ID}: edits_rebuild_clean_text: raw text + edits differs from text at offset 0: "
        "' President Volodymyr Zelenskyy' vs 'President Volodymyr Zelenskyy '"]


def test_a_duplicated_document_fails_uniqueness(tables):
    docs = pyarrow.concat_tables([tables["documents"], tables["documents"]])
    assert "documents.doc_id: field_uniqueness" in _failed(dict(tables, documents=docs))


def test_an_extra_column_fails_the_strict_schema(tables):
    docs = tables["documents"].append_column("sentiment", pyarrow.array([0.5]))
    assert "documents: columns_match_schema" in _failed(dict(tables, documents=docs))


def test_a_missing_raw_file_is_named(tables, tmp_path):
    failed = _failed(tables, root=tmp_path)
    assert any("raw file raw/news-az/" in m and "is missing" in m for m in failed["raw_file_matches_sha256"])


def test_validate_command_prints_failures_and_exits_1(tables, repo_copy, run):
    code, out, _ = run(repo_copy, "build")
    assert code == 0
    staged = repo_copy / "build" / "staging" / "documents.parquet"
    broken = _set(pq.read_table(staged), "text", 0, "Cafe\u0301.")
    pq.write_table(broken.cast(arrow_schema("documents", registry.rule_layers())), staged)
    code, out, _ = run(repo_copy, "validate")
    lines = out.strip().splitlines()
    assert code == 1
    assert f"{SEED_DOC_ID}: documents.text: text_is_nfc: text: text_is_nfc failed for 'Cafe\u0301.'" in lines
    assert re.match(r"^FAILED: \d+ failure\(s\) in \d+ of \d+ checks \(rows: documents 1, edits 11, entities 16, ", lines[-1])


def test_validate_command_counts_one_failure_of_one_check(repo_copy, run):
    assert run(repo_copy, "build")[0] == 0
    staged = repo_copy / "build" / "staging" / "documents.parquet"
    broken = _set(pq.read_table(staged), "language", 0, "xx")  # one cell that only the language list rejects
    pq.write_table(broken.cast(arrow_schema("documents", registry.rule_layers())), staged)
    code, out, _ = run(repo_copy, "validate")
    lines = out.strip().splitlines()
    assert code == 1
    assert lines[0].startswith(f"{SEED_DOC_ID}: documents.language: isin: ")
    # mentions: the 31 gold ones, and the same 31 spans from each of the two mention layers; quotes:
    # the 12 gold ones and 12 from each of the two quote layers
    assert lines[1:] == [f"FAILED: 1 failure(s) in 1 of {N_CHECKS} checks (rows: documents 1, edits 11, entities 16, "
                         "mentions 93, quotes 36, claims 17, events 3, dates 5, sources 2, errata 1, turns 0, merges 9)"]


def test_validate_command_passes_on_the_release(run):
    code, out, _ = run(REPO, "validate", "1.0.0")
    assert code == 0
    assert re.match(r"^PASSED: \d+ checks on 2 tables \(rows: documents 1, edits 11\)$", out.strip().splitlines()[-1])


def test_validate_without_a_build_says_what_to_do(repo_copy, run):
    code, _, err = run(repo_copy, "validate")
    assert code == 1 and "run `warnews build` first" in err


def test_a_column_added_later_is_required_of_new_builds_only():
    """documents.input_kind came in 1.5.0: the 1.4.0 release passes without it, but the same
    tables checked as this code's own build fail `columns_match_schema`."""
    folder = REPO / "corpus" / "v1.4.0"
    tables = {p.stem: pq.read_table(p) for p in folder.glob("*.parquet")}
    as_of = dt.date.fromisoformat(json.loads((folder / "build.json").read_text())["settings"]["as_of"])
    older = validate_tables(tables, REPO, as_of, version="1.4.0")
    assert [r.check for r in older if not r.passed] == []
    assert not any(r.check.startswith("documents.input_kind") for r in older)
    own = validate_tables(tables, REPO, as_of)
    assert "documents: columns_match_schema" in [r.check for r in own if not r.passed]
