"""`warnews import`, the sharded raw store and the duplicate index. The records are written by
these tests (synthetic English paragraphs made from word lists, not news); the real collections
in ../shared/corpora are imported by bench/real_collections.py and by the last test here."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import itertools
import json
import os
import random
import re
from pathlib import Path

import pandas as pd
import pytest
import zstandard

from conftest import shared, snapshot
from warnews.dedup import DuplicateIndex
from warnews import shards
from warnews.ingest import find_raw_files, read_raw

FLAGS = ["--outlet", "example-wire", "--outlet-name", "Example Wire", "--domain", "example.org", "--country", "GB",
         "--license", "CC-BY-4.0", "--quiet"]
_WORDS = ("government officials said the ministry would review the agreement after talks in the capital on "
          "energy supplies prices security border trade grain ports shipping weather winter summer council "
          "report analysts expected further measures next week while residents waited for news about power").split()


def paragraph(seed: int, words: int = 60) -> str:
    """A synthetic English paragraph: the same seed gives the same words."""
    rng = random.Random(seed)
    body = " ".join(rng.choice(_WORDS) for _ in range(words))
    return f"Synthetic record {seed}. " + body[0].upper() + body[1:] + "."


def records(n: int, start: int = 0) -> list[dict]:
    return [{"text": paragraph(i), "title": f"Synthetic title {i}", "url": f"https://example.org/a/{i}",
             "published": f"2024-0{1 + i % 9}-1{i % 10}"} for i in range(start, start + n)]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    elif path.name.endswith(".zst"):  # two frames, as parallel compressors (pzstd) write
        half = data.index(b"\n") + 1
        data = zstandard.ZstdCompressor().compress(data[:half]) + zstandard.ZstdCompressor().compress(data[half:])
    path.write_bytes(data)
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty corpus outside the repository: a raw/ folder and nothing else."""
    root = tmp_path / "corpus"
    (root / "raw").mkdir(parents=True)
    return root


def _import(run, root: Path, *args: str):
    return run(root, "import", *args, *FLAGS)


@pytest.mark.parametrize("name", ["records.jsonl", "records.jsonl.gz", "records.jsonl.zst"])
def test_json_lines_plain_gzip_and_zstd_come_in_as_one_shard(name, corpus, run, tmp_path):
    source = write_jsonl(tmp_path / name, records(5))
    code, out, err = _import(run, corpus, str(source))
    assert code == 0, err
    assert "imported 5 of 5 records; refused 0" in out
    (shard,) = (corpus / "raw" / "example-wire").iterdir()
    assert shard.name == "00000.jsonl.zst"
    docs = [read_raw(corpus, ref) for ref in find_raw_files(corpus)]
    assert sorted(d.text for d in docs) == sorted(r["text"] for r in records(5))
    assert {d.meta.url for d in docs} == {r["url"] for r in records(5)}
    assert all(d.meta.language == "en" and d.meta.outlet == "example-wire" for d in docs)


def test_fields_are_mapped_by_flags_or_by_a_yaml_file(corpus, run, tmp_path):
    rows = [{"body": r["text"], "headline": r["title"], "link": r["url"], "date": r["published"]} for r in records(3)]
    source = write_jsonl(tmp_path / "renamed.jsonl", rows)
    code, _, err = _import(run, corpus, str(source), "--text", "body", "--title", "headline", "--url", "link",
                           "--published", "date")
    assert code == 0, err
    titles = sorted(read_raw(corpus, ref).meta.title for ref in find_raw_files(corpus))
    assert titles == sorted(r["title"] for r in records(3))

    other = corpus.parent / "other"
    (other / "raw").mkdir(parents=True)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("fields:\n  text: body\n  title: headline\n  url: link\n  published: date\n")
    code, _, err = _import(run, other, str(source), "--mapping", str(mapping))
    assert code == 0, err
    assert snapshot(other / "raw") == snapshot(corpus / "raw")  # the same records, the same shard bytes


def test_csv_and_a_folder_of_files_and_a_web_archive(corpus, run, tmp_path):
    table = tmp_path / "records.csv"
    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "title", "url", "published"])
        writer.writeheader()
        writer.writerows(records(3))
    folder = tmp_path / "pages"
    folder.mkdir()
    for i, row in enumerate(records(2, start=10)):
        (folder / f"story-{i}.txt").write_text(row["text"], encoding="utf-8")
    archive = tmp_path / "crawl.warc.gz"
    _write_warc(archive, [(f"https://example.org/page/{i}", _page(i)) for i in (20, 21)])
    code, out, err = _import(run, corpus, str(table), str(folder), str(archive), "--published-date", "2024-05-06",
                             "--collection", "mixed")
    assert code == 0, err
    assert "imported 7 of 7 records" in out
    docs = {read_raw(corpus, ref).meta.url: read_raw(corpus, ref) for ref in find_raw_files(corpus)}
    page = docs["https://example.org/page/20"]
    assert page.text.startswith("Page 20\nSynthetic record 20.")  # the article: headline and body
    assert "Home" not in page.text and "All rights reserved" not in page.text  # not the page's navigation
    assert page.meta.published.isoformat() == "2024-05-06" and page.meta.title == "Page 20"
    lines = [json.loads(line) for ref in find_raw_files(corpus)[:1] for line in shards.lines(ref.with_name(
        ref.name.split("#")[0]))]
    assert {line["format"] for line in lines} == {"txt", "html"}


def _page(i: int) -> bytes:
    return (f"<html><head><title>Page {i}</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
            f"</nav><article><h1>Page {i}</h1><p>{paragraph(i, 80)}</p><p>{paragraph(i + 100, 80)}</p></article>"
            "<footer>All rights reserved</footer></body></html>").encode("utf-8")


def _write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2024-06-01T10:00:00Z"}))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=image))


def test_bad_records_are_refused_with_their_reason_and_the_rest_come_in(corpus, run, tmp_path):
    good = records(3)
    lines = [json.dumps(r) for r in good]
    lines.insert(1, json.dumps({**records(1, start=50)[0], "published": "14/05/2024"}))
    lines.insert(2, json.dumps({**records(1, start=51)[0], "text": ""}))
    lines.insert(3, "{not json")
    lines.append(json.dumps(good[0]))  # the same bytes again
    lines.append(json.dumps({**records(1, start=52)[0], "published": "2999-01-01"}))
    source = tmp_path / "mixed.jsonl"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data += json.dumps(records(1, start=53)[0]).replace("Synthetic", "Synth\\u00e9tic").encode("utf-8")[:-30] + \
        b"\xff\xfe" + b'"}\n'  # a line with bytes that are not UTF-8
    source.write_bytes(data)
    code, out, err = _import(run, corpus, str(source), "--verbose")
    assert code == 0, err
    refused = dict(line.split(": ", 1) for line in out.splitlines() if line.startswith("refused "))
    assert refused["refused mixed.jsonl:2"].startswith("bad date:")
    assert refused["refused mixed.jsonl:3"].startswith("empty text:")
    assert refused["refused mixed.jsonl:4"].startswith("bad record: not a JSON object")
    assert refused["refused mixed.jsonl:7"] == "duplicate: the same bytes as mixed.jsonl:1"
    assert refused["refused mixed.jsonl:8"].startswith("bad date:") and "future" in refused["refused mixed.jsonl:8"]
    assert refused["refused mixed.jsonl:9"].startswith("not UTF-8:")
    assert "imported 3 of 9 records; refused 6" in out
    assert len(find_raw_files(corpus)) == 3


def test_a_dry_run_reports_and_writes_nothing_under_raw(corpus, run, tmp_path):
    source = write_jsonl(tmp_path / "records.jsonl", records(4) + [records(1)[0]])
    before = snapshot(corpus / "raw")
    code, out, err = _import(run, corpus, str(source), "--dry-run")
    assert code == 0, err
    assert "would import 4 of 5 records; refused 1 (duplicate 1)" in out
    assert snapshot(corpus / "raw") == before


def test_near_duplicates_are_refused_or_kept_and_listed(corpus, run, tmp_path):
    first = records(2)
    source = write_jsonl(tmp_path / "first.jsonl", first)
    assert _import(run, corpus, str(source))[0] == 0
    copy = {**first[0], "text": first[0]["text"] + " Updated at noon.", "url": "https://example.org/copy"}
    second = write_jsonl(tmp_path / "second.jsonl", [copy, records(1, start=30)[0]])
    code, out, _ = _import(run, corpus, str(second), "--verbose")
    assert code == 0
    (line,) = [line for line in out.splitlines() if line.startswith("refused ")]
    assert line.startswith("refused second.jsonl:1: near-duplicate: estimated similarity")
    assert "raw/example-wire/00000.jsonl.zst#" in line
    assert "imported 1 of 2 records" in out
    code, out, _ = _import(run, corpus, str(second), "--keep-near-duplicates")
    assert code == 0 and "imported 1 of 2 records" in out  # the other is now an exact duplicate
    assert any(line.startswith("kept near-duplicate second.jsonl:1") for line in out.splitlines())
    assert len(list((corpus / "raw" / "example-wire").iterdir())) == 3  # each import adds a shard, never edits one


def test_shards_are_the_same_bytes_from_the_same_records(tmp_path, run):
    source = write_jsonl(tmp_path / "records.jsonl", records(30))
    built = []
    for name in ("a", "b"):
        root = tmp_path / name
        (root / "raw").mkdir(parents=True)
        assert _import(run, root, str(source))[0] == 0
        built.append({k: v for k, v in snapshot(root / "raw").items()})
    assert built[0] == built[1] and list(built[0]) == ["example-wire/00000.jsonl.zst"]


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_more_processes_write_the_same_shards_and_refuse_the_same_records(jobs, tmp_path, run, monkeypatch):
    """Workers check windows of records ahead of the parent; duplicates within a window and across
    windows, near-duplicates and bad records come out as with one process."""
    monkeypatch.setattr("warnews.importer.WINDOW", 7)
    rows = records(40)
    rows[3] = dict(rows[0])  # the same bytes within the first window
    rows[30] = dict(rows[1])  # and four windows later
    rows[20] = {**rows[2], "text": rows[2]["text"] + " Updated at noon.", "url": "https://example.org/near"}
    rows[10] = {**rows[10], "published": "14/05/2024"}
    rows[15] = {**rows[15], "text": "\u200b"}
    source = write_jsonl(tmp_path / "records.jsonl", rows)
    seen = []
    for n in ("1", jobs):
        root = tmp_path / f"jobs-{n}"
        (root / "raw").mkdir(parents=True)
        code, out, err = _import(run, root, str(source), "--verbose", "--jobs", n)
        assert code == 0, err
        seen.append((out, snapshot(root / "raw")))
    assert seen[0] == seen[1]
    out = seen[0][0]
    assert "refused records.jsonl:4: duplicate: the same bytes as records.jsonl:1" in out
    assert "refused records.jsonl:31: duplicate: the same bytes as records.jsonl:2" in out
    assert "refused records.jsonl:21: near-duplicate" in out
    assert "refused records.jsonl:11: bad date" in out and "refused records.jsonl:16: empty text" in out
    assert "imported 35 of 40 records" in out


def test_a_record_builds_like_the_same_text_as_a_file(tmp_path, run):
    """doc_id, raw_sha256, clean text and edits do not depend on how the raw text is stored."""
    text = "  Synthetic record 7.The ministry said talks would go on.\u200b " + paragraph(7) + "\n"
    as_record = tmp_path / "shards"
    (as_record / "raw").mkdir(parents=True)
    source = write_jsonl(tmp_path / "one.jsonl", [{"text": text, "published": "2024-05-06", "title": "T",
                                                   "url": "https://example.org/7"}])
    assert _import(run, as_record, str(source), "--language", "en")[0] == 0
    as_file = tmp_path / "files"
    (as_file / "raw").mkdir(parents=True)
    raw = tmp_path / "seven.txt"
    raw.write_text(text, encoding="utf-8")
    code, _, err = run(as_file, "add", str(raw), "--outlet", "example-wire", "--outlet-name", "Example Wire",
                       "--domain", "example.org", "--country", "GB", "--license", "CC-BY-4.0", "--published",
                       "2024-05-06", "--language", "en", "--title", "T", "--url", "https://example.org/7")
    assert code == 0, err
    tables = []
    for root in (as_record, as_file):
        code, _, err = run(root, "build", "--version", "1.0.0")
        assert code == 0, err
        staged = root / "build" / "staging"
        tables.append({name: pd.read_parquet(staged / f"{name}.parquet") for name in ("documents", "edits")})
    record_docs, file_docs = tables[0]["documents"], tables[1]["documents"]
    assert record_docs.loc[0, "raw_path"] == "raw/example-wire/00000.jsonl.zst#1"
    assert file_docs.loc[0, "raw_path"].startswith("raw/example-wire/2024-05-06-")
    for column in ("doc_id", "raw_sha256", "text", "n_words"):
        assert record_docs.loc[0, column] == file_docs.loc[0, column]
    assert record_docs.loc[0, "raw_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    pd.testing.assert_frame_equal(tables[0]["edits"], tables[1]["edits"])
    assert len(tables[0]["edits"]) >= 3  # white space, the glued sentence, the zero-width space
    code, out, err = run(as_record, "validate")
    assert code == 0 and "PASSED" in out, out + err


def test_validation_finds_a_changed_shard(tmp_path, run):
    root = tmp_path / "c"
    (root / "raw").mkdir(parents=True)
    assert _import(run, root, str(write_jsonl(tmp_path / "r.jsonl", records(3))))[0] == 0
    assert run(root, "build", "--version", "1.0.0")[0] == 0
    shard = root / "raw" / "example-wire" / "00000.jsonl.zst"
    whole = zstandard.ZstdDecompressor().decompressobj(read_across_frames=True).decompress(shard.read_bytes())
    lines = whole.split(b"\n")
    lines[1] = lines[1].replace(b"Synthetic record", b"Synthetic recorD")
    shard.write_bytes(zstandard.ZstdCompressor().compress(b"\n".join(lines)))
    code, out, _ = run(root, "validate")
    assert code == 1
    assert "raw_file_matches_sha256" in out and "00000.jsonl.zst#2" in out


def test_a_build_notices_a_shard_rewritten_with_its_old_size_and_time(tmp_path, run):
    """The build remembers each shard's records by the shard's size, times and inode; a shard
    rewritten to the same size with its modification time set back is still read again."""
    root = tmp_path / "c"
    (root / "raw").mkdir(parents=True)
    assert _import(run, root, str(write_jsonl(tmp_path / "r.jsonl", records(3))))[0] == 0
    assert run(root, "build", "--version", "1.0.0")[0] == 0
    shard = root / "raw" / "example-wire" / "00000.jsonl.zst"
    before, stat = shard.read_bytes(), shard.stat()
    lines = [line + b"\n" for line in shards.lines(shard)]
    text_at = lines[1].index(b"Synthetic record") + len(b"Synthetic record")
    candidates = (lines[1][:at] + letter + lines[1][at + 1:] for at in range(text_at, text_at + 300)
                  for letter in (b"q", b"z", b"x", b"j", b"k") if lines[1][at:at + 1].isalpha()
                  and lines[1][at:at + 1] != letter)
    for line in candidates:  # a changed letter whose shard compresses to the same size
        changed = shards.encode([lines[0], line, *lines[2:]])
        if len(changed) == len(before):
            break
    assert len(changed) == len(before)
    shard.write_bytes(changed)
    os.utime(shard, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, _, err = run(root, "build", "--version", "1.0.0")
    assert code == 1 and "00000.jsonl.zst#2: sha256 is" in err, err


def test_the_index_is_updated_not_rebuilt_and_can_be_rebuilt(corpus, run, tmp_path, monkeypatch):
    from warnews import dedup

    assert _import(run, corpus, str(write_jsonl(tmp_path / "a.jsonl", records(4))))[0] == 0
    read = []
    original = dedup.read_raw
    monkeypatch.setattr(dedup, "read_raw", lambda root, ref: read.append(ref) or original(root, ref))
    assert _import(run, corpus, str(write_jsonl(tmp_path / "b.jsonl", records(3, start=10))))[0] == 0
    assert read == []  # nothing already indexed was read again
    (corpus / "build" / "index" / "raw.sqlite").unlink()
    code, out, _ = run(corpus, "index", "--rebuild")
    assert code == 0 and "duplicate index: 7 raw documents" in out
    assert len(read) == 7
    with DuplicateIndex.open(corpus) as index:
        assert index.exact(hashlib.sha256(records(1)[0]["text"].encode()).hexdigest()).endswith(".jsonl.zst#1")


def test_an_index_of_other_signatures_is_rebuilt_and_says_so(corpus, run, tmp_path):
    import sqlite3

    from warnews import dedup

    assert _import(run, corpus, str(write_jsonl(tmp_path / "a.jsonl", records(3))))[0] == 0
    path = corpus / "build" / "index" / "raw.sqlite"
    with sqlite3.connect(path) as db:  # as an earlier warnews left it: datasketch's signatures, no scheme recorded
        db.execute("delete from meta")
        db.execute("update documents set signature = zeroblob(1024)")
    said = []
    with DuplicateIndex.open(corpus, said.append) as index:
        assert any("signatures were made by datasketch MinHash" in m and "rebuilding" in m for m in said)
        text = records(1)[0]["text"]
        assert [m.similarity for m in index.near(dedup.signature(text))] == [1.0]
        assert index.db.execute("select value from meta").fetchall() == [(dedup.SIGNATURE_SCHEME,)]
    said.clear()
    with DuplicateIndex.open(corpus, said.append):
        assert not any("rebuilding" in m for m in said)  # once rebuilt, it is only brought up to date


def test_bad_sources_and_flags_are_refused_before_anything_is_read(corpus, run, tmp_path):
    before = snapshot(corpus)
    code, _, err = _import(run, corpus, str(tmp_path / "missing.jsonl"))
    assert code == 1 and "missing.jsonl: no such file or folder" in err
    code, _, err = _import(run, corpus, str(tmp_path / "notes.docx"))
    assert code == 1 and "not a source warnews imports" in err
    code, _, err = run(corpus, "import", str(write_jsonl(tmp_path / "r.jsonl", records(1))), *FLAGS[:-3],
                       "--license", "free", "--quiet")
    assert code == 1 and "--license 'free' is not a known value" in err
    assert snapshot(corpus) == before


def test_the_primary_statements_import_as_the_readme_says(corpus, run):
    source = shared("corpora", "primary-statements", "kremlin-en.jsonl")
    code, out, err = run(corpus, "import", str(source), "--outlet", "kremlin", "--outlet-name", "President of Russia",
                         "--domain", "en.kremlin.ru", "--country", "RU", "--license", "CC-BY-4.0", "--language", "en",
                         "--quiet")
    assert code == 0, err
    accepted = int(out.split("imported ")[1].split(" of ")[0])
    assert accepted >= 700 and "of 732 records" in out
    assert len(find_raw_files(corpus)) == accepted


def test_imported_shards_go_through_release_and_verify_in_the_repository(repo_copy, run, tmp_path):
    """Shards beside the seed's file: one release holds both, and verify rebuilds it byte for byte."""
    from conftest import NEXT

    source = write_jsonl(tmp_path / "records.jsonl", records(6))
    code, out, err = _import(run, repo_copy, str(source), "--language", "en")
    assert code == 0 and "imported 6 of 6 records" in out, err
    code, _, err = run(repo_copy, "release", NEXT, "--no-git")
    assert code == 0, err
    folder = repo_copy / "corpus" / f"v{NEXT}"  # two parts: the shard, and the raw files beside it
    assert sorted(p.name for p in (folder / "documents").iterdir()) == ["example-wire-00000.parquet", "files.parquet"]
    docs = pd.read_parquet(folder / "documents")
    assert sorted(p.split("#")[0] for p in docs["raw_path"] if "#" in p) == ["raw/example-wire/00000.jsonl.zst"] * 6
    assert len(docs) == 7
    code, out, err = run(repo_copy, "verify")
    assert code == 0, err
    assert "byte-identical" in out


def test_a_record_is_read_from_its_frame_alone_and_any_zstd_tool_reads_a_shard_whole(tmp_path):
    lines = [json.dumps({"n": i, "raw": paragraph(i)}).encode() + b"\n" for i in range(300)]
    shard = tmp_path / "00000.jsonl.zst"
    shard.write_bytes(shards.encode(lines))
    whole = zstandard.ZstdDecompressor().decompressobj(read_across_frames=True).decompress(shard.read_bytes())
    assert whole == b"".join(lines)
    shards._frame.cache_clear()
    shards._whole.cache_clear()
    assert shards.count(shard) == 300
    assert shards.line(shard, 200) == lines[199].rstrip(b"\n")
    assert shards._frame.cache_info().currsize == 1 and shards._whole.cache_info().currsize == 0
    assert shards.lines(shard) == [line.rstrip(b"\n") for line in lines]
    with pytest.raises(Exception, match="has no line 301"):
        shards.line(shard, 301)
    plain = tmp_path / "00001.jsonl.zst"  # one frame, no seek table: read whole
    plain.write_bytes(zstandard.ZstdCompressor().compress(b"".join(lines[:5])))
    assert shards.count(plain) == 5 and shards.line(plain, 5) == lines[4].rstrip(b"\n")


TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
# case: (record fields, flags that differ from FLAGS, the field a refusal names, whether it comes in)
AGREEMENT = {
    **{f"published {value!r}": ({"published": value}, {}, "published", value == "2014-01-01")
       for value in ("2013-12-31", "2014-01-01", "0001-01-01", "9999-12-31", TOMORROW, "2024-02-30", "2024-1-5",
                     20240105)},
    "url not http": ({"url": "ftp://example.org/a"}, {}, "url", False),
    "url with a space": ({"url": "https://example.org/a b"}, {}, "url", False),
    "url with a newline at the end": ({"url": "https://example.org/a\n"}, {}, "url", False),
    "title only white space": ({"title": " \t "}, {}, "title", False),
    "domain in capitals": ({}, {"--domain": "Example.ORG"}, "outlet_domain", False),
    "domain without a dot": ({}, {"--domain": "localhost"}, "outlet_domain", False),
    "country in lower case": ({}, {"--country": "gb"}, "outlet_country", False),
    "country of three letters": ({}, {"--country": "GBR"}, "outlet_country", False),
    "outlet with a newline at the end": ({}, {"--outlet": "example-wire\n"}, "outlet", False),
}


def _written_sidecar(text: str, flags: dict, fields: dict) -> dict:
    """The sidecar keys of a record as a shard holds them, with `fields` in place of the good values."""
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "outlet": flags["--outlet"],
            "outlet_name": flags["--outlet-name"], "outlet_domain": flags["--domain"],
            "outlet_country": flags["--country"], "published": "2024-05-06", "url": "https://example.org/a",
            "title": "Synthetic title", "language": "en", "license": "CC-BY-4.0",
            "license_note": "Synthetic text written by the tests.", "collected": None,
            "collected_from": "Written by the tests.", **fields}


@pytest.mark.parametrize("case", list(AGREEMENT))
def test_import_accepts_exactly_what_a_build_accepts(case, tmp_path, run):
    """A record comes in exactly when a build takes it: what import accepts builds, and what it
    refuses (naming the field) a build refuses too when a shard holds it anyway. `add` agrees on
    the publication date."""
    from warnews.importer import record_line

    fields, changed, named, expected = AGREEMENT[case]
    flags = {**dict(zip(FLAGS[:-1:2], FLAGS[1:-1:2])), **changed}
    text = paragraph(99)
    root = tmp_path / "imported"
    (root / "raw").mkdir(parents=True)
    record = {"text": text, "title": "Synthetic title", "url": "https://example.org/a", "published": "2024-05-06",
              **fields}
    source = write_jsonl(tmp_path / "one.jsonl", [record])
    code, out, err = run(root, "import", str(source), *itertools.chain(*flags.items()), "--language", "en", "--quiet",
                         "--verbose")
    early = named.startswith("outlet")  # a flag every record would carry is refused before any is read
    assert code == (0 if expected else 1), err  # nothing came in: exit 1
    assert not early or "nothing was read" in err
    imported = "imported 1 of 1 records" in out
    if imported:
        code, _, err = run(root, "build", "--version", "1.0.0")
        assert code == 0, err
        assert len(pd.read_parquet(root / "build" / "staging" / "documents.parquet")) == 1
    else:
        (line,) = [line for line in out.splitlines() if line.startswith("refused ")] or [err]
        assert re.search(rf"\b{named}\b", line), line
        written = tmp_path / "written"
        shard = written / "raw" / "example-wire" / "00000.jsonl.zst"
        shard.parent.mkdir(parents=True)
        shard.write_bytes(shards.encode([record_line(_written_sidecar(text, flags, fields), text, "txt")]))
        code, _, err = run(written, "build", "--version", "1.0.0")
        assert code == 1 and re.search(rf"\b{named}\b", err), err
        assert len(err) < 1000, err
    assert imported == expected, out

    if named == "published":
        added = tmp_path / "added"
        (added / "raw").mkdir(parents=True)
        file = tmp_path / "one.txt"
        file.write_text(text, encoding="utf-8")
        code, _, err = run(added, "add", str(file), "--published", str(fields["published"]), "--language", "en",
                           *itertools.chain(*flags.items()))
        assert (code == 0) == expected, err
        if not expected:
            assert "published" in err and not (added / "raw" / "example-wire").exists(), err


def _write_csv(path: Path, rows: list[dict], columns: list[str], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("columns", [["url", "text", "title", "published"], ["text", "title", "url", "published"]])
def test_a_csv_that_starts_with_a_byte_order_mark_keeps_its_first_column(columns, corpus, run, tmp_path):
    source = _write_csv(tmp_path / "marked.csv", records(3), columns, encoding="utf-8-sig")
    assert source.read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, err = _import(run, corpus, str(source))
    assert code == 0, err
    assert "imported 3 of 3 records" in out
    docs = [read_raw(corpus, ref) for ref in find_raw_files(corpus)]
    assert sorted(d.meta.url for d in docs) == sorted(r["url"] for r in records(3))
    assert sorted(d.text for d in docs) == sorted(r["text"] for r in records(3))


def test_a_csv_row_with_more_or_fewer_fields_than_the_header_is_refused_by_its_line(corpus, run, tmp_path):
    good = records(3)
    columns = ["text", "title", "url", "published"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerow([good[0][c] for c in columns])
    extra = records(1, start=60)[0]
    writer.writerow([extra[c] for c in columns] + ["a fifth field"])  # line 3
    writer.writerow([good[1][c] for c in columns])
    short = records(1, start=61)[0]
    writer.writerow([short["text"], short["title"]])  # line 5
    writer.writerow([good[2][c] for c in columns])
    source = tmp_path / "ragged.csv"
    source.write_text(buffer.getvalue(), encoding="utf-8")
    code, out, err = _import(run, corpus, str(source), "--verbose")
    assert code == 0, err
    refused = dict(line.split(": ", 1) for line in out.splitlines() if line.startswith("refused "))
    assert refused == {"refused ragged.csv:3": "bad record: line 3 has 5 fields, the header has 4",
                       "refused ragged.csv:5": "bad record: line 5 has 2 fields, the header has 4"}
    assert "imported 3 of 5 records" in out
    assert sorted(read_raw(corpus, ref).text for ref in find_raw_files(corpus)) == sorted(r["text"] for r in good)


def test_a_folder_import_never_follows_a_link_out_of_the_folder(corpus, run, tmp_path):
    folder = tmp_path / "pages"
    (folder / "inner").mkdir(parents=True)
    rows = records(4, start=70)
    (folder / "inner" / "a.txt").write_text(rows[0]["text"], encoding="utf-8")
    (folder / "b.txt").write_text(rows[1]["text"], encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text(rows[2]["text"], encoding="utf-8")
    (outside / "deeper.txt").write_text(rows[3]["text"], encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "inside.txt").symlink_to(folder / "inner" / "a.txt")  # inside the folder: read (a duplicate)
    code, out, err = _import(run, corpus, str(folder), "--published-date", "2024-05-06", "--verbose")
    assert code == 0, err
    refused = dict(line.split(": ", 1) for line in out.splitlines() if line.startswith("refused "))
    assert set(refused) == {"refused pages:link.txt", "refused pages:linked", "refused pages:inside.txt"}, out
    assert "link.txt" in refused["refused pages:link.txt"] and "outside" in refused["refused pages:link.txt"]
    assert "outside" in refused["refused pages:linked"]
    assert refused["refused pages:inside.txt"].startswith("duplicate:")
    texts = sorted(read_raw(corpus, ref).text for ref in find_raw_files(corpus))
    assert texts == sorted([rows[0]["text"], rows[1]["text"]])
