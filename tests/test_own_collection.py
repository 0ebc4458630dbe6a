"""The whole path a user follows with her own collection, in a folder outside the repository:
init, import of a folder of .txt files with a manifest and of JSON Lines with several outlets,
build, release, verify, load_dataset of every table, publish --dry-run refusing texts it may not
send, a text-free copy and its hydration. The JSON Lines are the first records of the real
primary statements in ../shared/corpora (CC BY 4.0, never copied into the repository); the .txt
files are synthetic (test_import's generated paragraphs), marked so in their license note."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import shared, snapshot
from test_import import paragraph
from warnews.layout import count_rows, read_table, table_files
from warnews.schema import TABLES
from warnews.versions import release_files

RECORDS_PER_OUTLET = 15
OUTLETS = {  # slug: (the records' `source`, name, domain, country, file)
    "kremlin": ("en.kremlin.ru", "President of Russia", "en.kremlin.ru", "RU", "kremlin-en.jsonl"),
    "president-ua": ("president.gov.ua", "President of Ukraine", "president.gov.ua", "UA", "president-ua-en.jsonl"),
}


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """A collection made by `warnews init` and filled by two imports, then built and released."""
    from warnews.cli import main

    folder = tmp_path_factory.mktemp("own") / "my-collection"
    assert main(["--root", str(folder), "init", str(folder), "--title", "Presidential statements",
                 "--author", "Example, Researcher", "--license", "CC-BY-4.0",
                 "--description", "English statements of two presidents' offices."]) == 0
    (folder / "outlets").mkdir()
    lines = []
    for slug, (_, name, domain, country, file) in OUTLETS.items():
        (folder / "outlets" / f"{slug}.yaml").write_text(
            f"outlet: {slug}\noutlet_name: {name}\noutlet_domain: {domain}\noutlet_country: {country}\n")
        with shared("corpora", "primary-statements", file).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if len(record["text"].split()) > 80:  # statements, not one-line notices
                    lines.append({**record, "outlet": slug})
                if sum(r["outlet"] == slug for r in lines) == RECORDS_PER_OUTLET:
                    break
    statements = folder.parent / "statements.jsonl"
    statements.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    articles = folder.parent / "articles"
    articles.mkdir()
    with (folder.parent / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title", "url", "published", "section"])
        for i in range(3):
            (articles / f"article-{i}.txt").write_text(paragraph(500 + i, 80), encoding="utf-8")
            writer.writerow([f"article-{i}.txt", f"Synthetic article {i}", f"https://example.org/{i}",
                             f"2024-03-0{i + 1}", "world"])
    return folder, statements, articles


def _main(folder, *args):
    from warnews.cli import main

    return main(["--root", str(folder), *args])


def test_a_users_collection_goes_from_init_to_a_verified_release(collection, capsys):
    folder, statements, articles = collection
    assert _main(folder, "import", str(statements), "--outlet-field", "outlet", "--collection", "statements",
                 "--license", "CC-BY-4.0", "--language", "en", "--quiet") == 0
    assert _main(folder, "import", str(articles), "--manifest", str(folder.parent / "manifest.csv"),
                 "--outlet", "example-wire", "--outlet-name", "Example Wire", "--domain", "example.org",
                 "--country", "GB", "--license", "publisher-copyright", "--language", "en",
                 "--license-note", "Synthetic text written by the tests.", "--quiet") == 0
    assert _main(folder, "build") == 0
    assert _main(folder, "release", "1.0.0", "--no-git") == 0
    assert _main(folder, "verify", "1.0.0") == 0
    out = capsys.readouterr().out
    release = folder / "corpus" / "v1.0.0"
    files = len(release_files(release)) + 1  # and the manifest
    assert f"{files} of {files} files byte-identical" in out
    # two imports, two shards: each table of documents in two parts, one per shard
    assert sorted(p.name for p in (release / "documents").iterdir()) == ["example-wire-00000.parquet",
                                                                         "statements-00000.parquet"]
    documents = pd.read_parquet(release / "documents")
    assert len(documents) == 2 * RECORDS_PER_OUTLET + 3
    assert documents.groupby("outlet").size().to_dict() == {"example-wire": 3, "kremlin": RECORDS_PER_OUTLET,
                                                            "president-ua": RECORDS_PER_OUTLET}
    facts = documents.drop_duplicates("outlet").set_index("outlet")
    assert facts.loc["president-ua", "outlet_country"] == "UA" and facts.loc["kremlin", "outlet_domain"] == "en.kremlin.ru"
    synthetic = documents[documents.outlet == "example-wire"].set_index("url")
    assert synthetic.loc["https://example.org/1", "published"].isoformat() == "2024-03-02"
    assert [(p["key"], p["value"]) for p in synthetic.loc["https://example.org/1", "extra"]] == [("section", "world")]
    statement_extra = {p["key"] for pairs in documents[documents.outlet == "kremlin"]["extra"] for p in pairs}
    assert {"datetime", "source"} <= statement_extra  # the records' other fields are kept
    # the card, changelog and citation describe this collection's release
    assert "## [1.0.0]" in (folder / "CHANGELOG.md").read_text()
    assert "version: 1.0.0" in (folder / "CITATION.cff").read_text()
    assert "Presidential statements" in (release / "report.html").read_text()


def test_the_release_names_the_collection_not_warnews(collection):
    """Schema metadata, croissant.json and the BibTeX entry carry the collection's own title,
    authors and license (from its CITATION.cff), not the repository's."""
    from warnews import card

    folder = collection[0]
    release = folder / "corpus" / "v1.0.0"
    for table, path in table_files(release):
        meta = pq.read_schema(path).metadata
        assert meta[b"warnews.citation"].decode() == "Example, Researcher. Presidential statements (version 1.0.0) [Data set]."
        license = meta[b"warnews.license"].decode()
        assert license.startswith("Annotations, metadata and cleaning records: CC-BY-4.0.") and "MIT" not in license
    croissant = json.loads((release / "croissant.json").read_text())
    assert croissant["name"] == "Presidential statements"
    assert croissant["license"] in ("https://creativecommons.org/licenses/by/4.0/",  # JSON-LD: one value, no list
                                    ["https://creativecommons.org/licenses/by/4.0/"])
    assert croissant["description"].startswith("English statements of two presidents' offices.")
    assert "warnews" not in croissant["citeAs"]
    bibtex = card.citation_entry(folder, "1.0.0", "bibtex")
    assert bibtex.startswith("@misc{presidential_statements_1_0_0,") and "warnews" not in bibtex


def test_every_table_of_the_release_loads_with_datasets(collection, tmp_path, monkeypatch):
    """Through the collection's own card, as a user of the published dataset does: every table
    with rows is a config and loads; one without is named in the card and read with pyarrow."""
    from datasets import get_dataset_config_names, load_dataset

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    folder = collection[0]
    release = folder / "corpus" / "v1.0.0"
    configs = set(get_dataset_config_names(str(folder)))
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        rows = count_rows(release, table)
        if rows == 0:
            assert table not in configs and f"`{table}`" in readme.split("Without rows in this release:")[1]
            assert pq.read_table(release / f"{table}.parquet").num_rows == 0
            continue
        loaded = load_dataset(str(folder), table, split="train", cache_dir=str(tmp_path / "hf" / "datasets"))
        assert loaded.num_rows == rows, table
        configs.discard(table)
    assert not configs  # no config the card offers that is not a table of the release


def test_publishing_refuses_texts_it_may_not_send_and_the_text_free_copy_hydrates(collection, capsys):
    folder = collection[0]
    code = _main(folder, "publish", "--repo-id", "someone/presidential-statements", "--dry-run")
    err = capsys.readouterr().err
    assert code == 1 and "publisher-copyright" in err and "3 document" in err
    assert _main(folder, "publish", "--repo-id", "someone/presidential-statements", "--dry-run",
                 "--without-text") == 0
    textfree = folder.parent / "textfree"
    assert _main(folder, "strip-text", "1.0.0", "--out", str(textfree)) == 0
    stripped = read_table(textfree, "documents")
    assert stripped.column("text").null_count == stripped.column("extra").null_count == 2 * RECORDS_PER_OUTLET + 3
    hydrated = folder.parent / "hydrated"
    assert _main(folder, "hydrate", "--from", str(folder), "--into", str(hydrated), str(textfree)) == 0
    assert snapshot(hydrated) == snapshot(folder / "corpus" / "v1.0.0")
