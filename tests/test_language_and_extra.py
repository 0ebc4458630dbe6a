"""A declared language wins over the detector, whose reading is recorded beside it; every field of a
record beyond the mapped ones reaches the documents table (`extra`). Records are synthetic
(test_import's generated English paragraphs)."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import SEED_RAW
from test_import import FLAGS, records, write_jsonl
from warnews.errors import WarnewsError
from warnews.ingest import parse_sidecar


@pytest.fixture
def collection(tmp_path):
    root = tmp_path / "collection"
    (root / "raw").mkdir(parents=True)
    return root


def _documents(root):
    return pd.read_parquet(root / "build" / "staging" / "documents.parquet").set_index("url")


def test_a_declared_language_is_kept_and_what_lingua_reads_is_recorded(collection, tmp_path, run):
    source = write_jsonl(tmp_path / "a.jsonl", records(3))  # English texts, declared German
    code, out, err = run(collection, "import", str(source), *FLAGS, "--language", "de")
    assert code == 0 and "imported 3 of 3 records" in out, out + err
    code, _, err = run(collection, "build", "--version", "1.0.0")
    assert code == 0, err
    documents = _documents(collection)
    assert set(documents["language"]) == {"de"}
    assert set(documents["language_detected"]) == {"en"}
    assert documents["language_confidence"].between(0.5, 1).all()


def test_without_a_declaration_the_detector_decides(collection, tmp_path, run):
    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(2))), *FLAGS)[0] == 0
    assert run(collection, "build", "--version", "1.0.0")[0] == 0
    documents = _documents(collection)
    assert list(documents["language"]) == list(documents["language_detected"]) == ["en", "en"]


def test_every_other_field_of_a_record_reaches_the_documents_table(collection, tmp_path, run):
    rows = [{**r, "summary": f"Summary {i}", "location": "Kyiv", "views": 12, "tags": ["a", "b"]}
            for i, r in enumerate(records(2))]
    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", rows)), *FLAGS)[0] == 0
    assert run(collection, "build", "--version", "1.0.0")[0] == 0
    documents = _documents(collection)
    extra = {url: [(p["key"], p["value"]) for p in pairs] for url, pairs in documents["extra"].items()}
    assert extra["https://example.org/a/0"] == [("location", "Kyiv"), ("summary", "Summary 0"), ("tags", '["a", "b"]'),
                                                 ("views", "12")]
    from datasets import load_dataset

    loaded = load_dataset("parquet", data_files=str(collection / "build" / "staging" / "documents.parquet"))["train"]
    assert {p["key"] for p in loaded[0]["extra"]} == {"location", "summary", "tags", "views"}


def test_records_without_other_fields_have_an_empty_extra(collection, tmp_path, run):
    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(1))), *FLAGS)[0] == 0
    assert run(collection, "build", "--version", "1.0.0")[0] == 0
    assert [list(pairs) for pairs in _documents(collection)["extra"]] == [[]]


@pytest.mark.parametrize("extra", [{"views": 12}, ["a"], {"": "x"}])
def test_a_sidecar_extra_that_is_not_text_is_refused_by_name(extra):
    from test_ingest import _good_sidecar  # a valid sidecar mapping

    with pytest.raises(WarnewsError, match=rf"{SEED_RAW}: field 'extra' is .*; expected a mapping of field names"):
        parse_sidecar({**_good_sidecar(), "extra": extra}, SEED_RAW)


def test_the_language_is_read_once_at_import_stored_with_the_record_and_trusted_by_the_build(
        collection, tmp_path, run, monkeypatch):
    import json

    from warnews import pipeline, shards

    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(2))), *FLAGS)[0] == 0
    shard = next((collection / "raw").rglob("*.jsonl.zst"))
    stored = [json.loads(shards.line(shard, n))["language_read"] for n in (1, 2)]
    assert [s["language"] for s in stored] == ["en", "en"] and all(0.5 <= s["confidence"] <= 1 for s in stored)
    assert {s["reader"] for s in stored} == {"cld2_lingua_v1"}

    def no_detector(text):
        raise AssertionError("the build ran a language detector on an imported record")

    monkeypatch.setattr(pipeline, "read_language", no_detector)
    code, _, err = run(collection, "build", "--version", "1.0.0", "--jobs", "1")
    assert code == 0, err
    documents = _documents(collection)
    assert [(d, c) for d, c in zip(documents["language_detected"], documents["language_confidence"])] == \
        [(s["language"], s["confidence"]) for s in stored]
    build = json.loads((collection / "build" / "staging" / "build.json").read_text())
    assert build["language_read"] == {"with_the_record": 2, "by_the_build": 0, "readers": {"cld2_lingua_v1": 2}}


def test_a_raw_file_without_a_stored_reading_is_read_by_the_build_which_says_so(repo_copy, run):
    import json

    code, out, err = run(repo_copy, "build", "--jobs", "1")  # the seed's sidecar was written before readings were stored
    assert code == 0, err
    assert "language: read by this build for 1 of 1 documents" in out
    build = json.loads((repo_copy / "build" / "staging" / "build.json").read_text())
    assert build["language_read"] == {"with_the_record": 0, "by_the_build": 1, "readers": {"cld2_lingua_v1": 1}}
    documents = pd.read_parquet(repo_copy / "build" / "staging" / "documents.parquet")
    assert list(documents["language_detected"]) == ["en"]


R = {"reader": "cld2_lingua_v1"}


@pytest.mark.parametrize("read", [{**R, "language": "xx", "confidence": 0.9}, {**R, "language": "en", "confidence": 2},
                                  {**R, "language": "en", "confidence": None}, {**R, "language": "en"},
                                  {"language": "en", "confidence": 0.9}, {**R, "reader": "", "language": "en",
                                                                          "confidence": 0.9}, "en"])
def test_a_stored_reading_that_warnews_cannot_have_written_is_refused_by_name(read):
    from test_ingest import _good_sidecar

    with pytest.raises(WarnewsError, match=rf"{SEED_RAW}: field 'language_read' is .*; expected \{{reader: "):
        parse_sidecar({**_good_sidecar(), "language_read": read}, SEED_RAW)
    assert parse_sidecar({**_good_sidecar(), "language_read": {**R, "language": None, "confidence": None}},
                         SEED_RAW).language_read == ("cld2_lingua_v1", None, None)
