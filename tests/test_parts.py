"""Tables written in parts aligned with the shards, as a user's collection of several imports
has them: each part holds its shard's rows sorted by key, the parts read as the whole table with
pandas, pyarrow, datasets and Croissant, the manifest and verify follow them, a text-free copy
hydrates back to them, and a build after one more import rewrites that import's part alone. The
records are synthetic (test_import's generated paragraphs)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from test_import import paragraph
from warnews import layout
from warnews.errors import WarnewsError
from warnews.parts import group_parts
from warnews.schema import CORPUS_TABLES, TABLES
from warnews.versions import check_manifest

SOURCES = 3  # imports, each one shard
RECORDS = 7  # per import
FLAGS = ["--outlet", "example-wire", "--outlet-name", "Example Wire", "--domain", "example.org", "--country", "GB",
         "--license", "CC-BY-4.0", "--language", "en", "--quiet"]
PART_TABLES = [name for name in TABLES if name not in CORPUS_TABLES]


def _main(folder: Path, *args: str) -> int:
    from warnews.cli import main

    return main(["--root", str(folder), *args])


def _import(folder: Path, n: int, records: int = RECORDS) -> None:
    source = folder.parent / f"source-{n}.jsonl"
    rows = [{"text": paragraph(100 * n + i, 70) + ' "We will not give up," the minister said.',
             "title": f"Synthetic title {n}.{i}", "url": f"https://example.org/{n}/{i}",
             "published": f"2024-0{1 + (n + i) % 9}-1{i % 10}"} for i in range(records)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert _main(folder, "import", str(source), *FLAGS) == 0


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "collection"
    assert _main(folder, "init", str(folder), "--title", "Synthetic wire", "--author", "Example, Researcher",
                 "--license", "CC-BY-4.0", "--description", "Synthetic records written by the tests.") == 0
    for n in range(SOURCES):
        _import(folder, n)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_shard_is_a_part_of_every_document_table_and_the_parts_read_as_the_whole(collection):
    assert _main(collection, "build") == 0
    staging = collection / "build" / "staging"
    build = json.loads((staging / "build.json").read_text())
    shards = sorted(p.relative_to(collection).as_posix() for p in (collection / "raw").rglob("*.jsonl.zst"))
    assert len(shards) == SOURCES
    assert sorted(part["raw"] for part in build["parts"].values()) == shards
    names = [Path(s).parent.name + "-" + Path(s).name.removesuffix(".jsonl.zst") for s in shards]
    for name in PART_TABLES:
        rows = build["tables"][name]["rows"]
        if rows == 0:  # one file without rows, as in a build of one part
            assert build["tables"][name]["file"] == f"{name}.parquet" and not (staging / name).exists()
            assert pq.read_table(staging / f"{name}.parquet").num_rows == 0
            continue
        assert build["tables"][name]["file"] == f"{name}/*.parquet" and not (staging / f"{name}.parquet").exists()
        parts = sorted((staging / name).iterdir())
        assert {p.stem for p in parts} <= set(names) and all(pq.read_metadata(p).num_rows > 0 for p in parts)
        keys = TABLES[name].keys
        for part in parts:  # sorted by key within a part
            table = pq.read_table(part).to_pylist()
            assert [tuple(r[k] for k in keys) for r in table] == sorted(tuple(r[k] for k in keys) for r in table)
        assert sum(pq.read_metadata(p).num_rows for p in parts) == rows == len(pd.read_parquet(staging / name))
    documents = layout.read_table(staging, "documents").to_pylist()
    assert len(documents) == SOURCES * RECORDS and [p.stem for p in sorted((staging / "documents").iterdir())] == names
    for part in sorted((staging / "documents").iterdir()):  # a part holds its shard's records
        raw = {r["raw_path"].split("#")[0] for r in pq.read_table(part, columns=["raw_path"]).to_pylist()}
        assert raw == {build["parts"][part.stem]["raw"]}
    for name in CORPUS_TABLES:  # made of the whole corpus: one file
        assert (staging / f"{name}.parquet").is_file() and not (staging / name).exists()


def test_a_build_after_one_more_import_rewrites_that_part_alone_and_equals_a_build_from_scratch(collection, capsys):
    assert _main(collection, "build") == 0
    staging = collection / "build" / "staging"
    before = _files(staging)
    _import(collection, SOURCES, records=1)
    capsys.readouterr()
    assert _main(collection, "build") == 0
    out = capsys.readouterr().out
    assert f"{SOURCES * RECORDS} in {SOURCES} of {SOURCES + 1} parts copied from the part cache" in out
    incremental = _files(staging)
    new = [f for f in incremental if f not in before]
    assert new and all(f.endswith(f"-{SOURCES:05d}.parquet") for f in new if "/" in f)
    for name, data in before.items():
        if "/" in name:  # every part of the shards before is copied unchanged
            assert incremental[name] == data, name
    assert _main(collection, "build", "--no-cache") == 0
    assert _files(staging) == incremental


def test_a_damaged_part_in_the_part_cache_is_built_again(collection, capsys):
    assert _main(collection, "build") == 0
    staging = collection / "build" / "staging"
    before = _files(staging)
    kept = sorted((collection / "build" / "cache" / "parts").glob("*/documents.parquet"))
    assert len(kept) == SOURCES
    data = bytearray(kept[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept[0].write_bytes(bytes(data))
    capsys.readouterr()
    assert _main(collection, "build") == 0
    assert f"in {SOURCES - 1} of {SOURCES} parts copied from the part cache" in capsys.readouterr().out
    assert _files(staging) == before
    assert len(list((collection / "build" / "cache" / "parts").glob("*/documents.parquet"))) == SOURCES


def test_a_release_in_parts_is_verified_loaded_described_and_hydrated(collection, capsys, tmp_path):
    assert _main(collection, "release", "1.0.0", "--no-git") == 0
    folder = collection / "corpus" / "v1.0.0"
    manifest = (folder / "MANIFEST.sha256").read_text().splitlines()
    listed = [line.split("  ", 1)[1] for line in manifest]
    assert sum(name.startswith("documents/") for name in listed) == SOURCES and "documents.parquet" not in listed
    assert check_manifest(folder) == []
    capsys.readouterr()
    assert _main(collection, "verify", "1.0.0") == 0
    assert f"{len(listed) + 1} of {len(listed) + 1} files byte-identical" in capsys.readouterr().out
    part = folder / listed[[n.startswith("documents/") for n in listed].index(True)]
    saved = part.read_bytes()
    part.write_bytes(saved[:-1] + bytes([saved[-1] ^ 1]))
    assert any(str(part) in problem for problem in check_manifest(folder))
    part.write_bytes(saved)

    from datasets import load_dataset

    readme = (collection / "README.md").read_text()
    assert "path: corpus/v1.0.0/documents/*.parquet" in readme
    documents = load_dataset(str(collection), "documents", split="train")
    assert len(documents) == SOURCES * RECORDS
    assert documents["doc_id"] == layout.read_table(folder, "documents").column("doc_id").to_pylist()

    import mlcroissant as mlc

    croissant = json.loads((folder / "croissant.json").read_text())
    sets = {d["@id"]: d for d in croissant["distribution"]}
    assert sets["documents-parquet"]["@type"] == "cr:FileSet" and sets["documents-parquet"]["includes"] == \
        "documents/*.parquet"
    assert sets["entities-parquet"]["@type"] == "cr:FileObject"
    records = list(mlc.Dataset(str(folder / "croissant.json")).records("documents"))
    assert sorted(r["documents/doc_id"].decode() for r in records) == sorted(documents["doc_id"])

    textfree, hydrated = tmp_path / "text-free", tmp_path / "hydrated"
    assert _main(collection, "strip-text", "1.0.0", "--out", str(textfree)) == 0
    assert all(v is None for v in layout.read_table(textfree, "documents", ["text"]).column("text").to_pylist())
    assert sorted(p.name for p in (textfree / "documents").iterdir()) == sorted(p.name for p in (folder / "documents").iterdir())
    assert _main(collection, "hydrate", str(textfree), "--from", str(collection), "--into", str(hydrated)) == 0
    assert _files(hydrated) == _files(folder)


def test_two_folders_that_would_share_a_part_name_are_refused(tmp_path):
    raw = tmp_path / "raw"
    ordered = [("a", raw / "wire-x" / "00001.jsonl.zst#1", ""), ("b", raw / "wire" / "x-00001.jsonl.zst#1", "")]
    with pytest.raises(WarnewsError, match="raw/wire-x/00001.jsonl.zst and raw/wire/x-00001.jsonl.zst|"
                                           "raw/wire/x-00001.jsonl.zst and raw/wire-x/00001.jsonl.zst"):
        group_parts(tmp_path, ordered)
    files = [("c", raw / "news-az" / "a.txt", ""), ("d", raw / "other" / "b.txt", "")]
    assert list(group_parts(tmp_path, files)) == ["files"]  # raw files outside shards: one part
