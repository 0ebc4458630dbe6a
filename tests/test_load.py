"""What a user does first: load the release with datasets and pandas, offline, and check it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import REPO, SEED_DOC_ID, SEED_RAW
from warnews.clean import Edit, rebuild
from warnews.release import releases

NEWEST = releases(REPO)[-1]

START = "President Volodymyr Zelenskyy confirmed on December 14"
END = "like everyone else,” Sybiha said."


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    return tmp_path / "hf" / "datasets"


def test_load_dataset_gives_the_seed_with_its_clean_text(offline):
    from datasets import load_dataset

    docs = load_dataset(str(REPO), "documents", split="train", cache_dir=str(offline))
    assert docs.num_rows == 1
    row = docs[0]
    assert row["doc_id"] == SEED_DOC_ID
    assert row["text"].startswith(START) and row["text"].endswith(END)
    assert row["url"] is None and row["title"] is None
    assert row["published"] == dt.date(2024, 12, 14)


def test_documents_is_the_default_config_and_edits_loads(offline):
    from datasets import load_dataset

    default = load_dataset(str(REPO), split="train", cache_dir=str(offline))
    assert default.column_names[0] == "doc_id" and "text" in default.column_names
    edits = load_dataset(str(REPO), "edits", split="train", cache_dir=str(offline))
    # the leading space, the page chrome, 8 glued sentences, the outlet trailer (tests/test_clean.py)
    assert edits.num_rows == 11 and set(edits["doc_id"]) == {SEED_DOC_ID}


def test_the_readme_check_against_the_raw_page_works(offline, monkeypatch):
    """The README's snippet, as written: the clean text is the raw file with the edits applied."""
    from datasets import load_dataset

    monkeypatch.chdir(REPO)
    docs = load_dataset(str(REPO), "documents", split="train", cache_dir=str(offline))
    edits = load_dataset(str(REPO), "edits", split="train", cache_dir=str(offline))
    doc = docs[0]
    raw = open(doc["raw_path"], encoding="utf-8", newline="").read()
    doc_edits = [Edit(**{k: e[k] for k in Edit.__dataclass_fields__}) for e in edits if e["doc_id"] == doc["doc_id"]]
    assert rebuild(raw, doc_edits) == doc["text"]


def test_pandas_reads_the_release():
    docs = pd.read_parquet(REPO / "corpus" / f"v{NEWEST}" / "documents.parquet")
    assert list(docs["doc_id"]) == [SEED_DOC_ID]
    text = docs.loc[0, "text"]
    assert text.startswith(START) and text.endswith(END)
    assert docs.loc[0, "raw_path"] == SEED_RAW
    # counted by hand in tests/test_annotate.py
    assert (docs.loc[0, "n_words"], docs.loc[0, "n_sentences"], docs.loc[0, "n_chars"]) == (308, 19, len(text))
    exact = pd.read_parquet(REPO / "corpus" / f"v{NEWEST}" / "documents.parquet", dtype_backend="pyarrow")
    assert str(exact["published"].dtype) == "date32[day][pyarrow]"


def test_the_annotation_tables_load_as_configs(offline):
    from datasets import load_dataset

    quotes = load_dataset(str(REPO), "quotes", split="train", cache_dir=str(offline))
    gold = [q for q in quotes if q["layer"] == "gold"]
    assert len(gold) == 12 and any(q["text"] == "maximally" for q in gold)
    assert {tuple(q["speaker_entity_ids"]) for q in gold} >= {("volodymyr-zelenskyy",), ("china", "brazil")}
    errata = load_dataset(str(REPO), "errata", split="train", cache_dir=str(offline))
    assert errata[0]["evidence"][0]["url"].startswith("https://")


def test_every_config_of_the_card_loads(offline):
    """What the card offers, `load_dataset` gives: no config of it fails to load (a table
    without rows is left out of the configs, as the card says)."""
    from datasets import get_dataset_config_names, load_dataset

    names = get_dataset_config_names(str(REPO))
    assert "documents" in names and "edits" in names
    for name in names:
        assert load_dataset(str(REPO), name, split="train", cache_dir=str(offline)).num_rows > 0, name


def test_an_older_release_stays_loadable(offline):
    from datasets import load_dataset

    old = load_dataset("parquet", data_files=str(REPO / "corpus" / "v1.0.0" / "documents.parquet"), split="train",
                       cache_dir=str(offline))
    assert old[0]["doc_id"] == SEED_DOC_ID and old[0]["first_version"] == "1.0.0"


def test_the_readme_errata_snippet_works(monkeypatch):
    monkeypatch.chdir(REPO)
    quotes = pd.read_parquet(f"corpus/v{NEWEST}/quotes.parquet")
    gold = quotes[quotes["layer"] == "gold"]
    errata = pd.read_parquet(f"corpus/v{NEWEST}/errata.parquet")
    affected = {i for ids in errata["affected_ids"] for i in ids}
    hit = gold[gold["quote_id"].isin(affected)]
    assert len(hit) == 2 and all(list(s) == ["andrii-sybiha"] for s in hit["speaker_entity_ids"])
    assert errata.loc[0, "speaker_likely_entity_id"] == "andrii-kovalenko"
