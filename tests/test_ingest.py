"""ingest: the seed reads exactly; every kind of bad raw input stops the build with a clear message."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from pathlib import Path

import pytest

from conftest import REPO, SEED_RAW, SEED_SHA256, shared, snapshot
from warnews.errors import WarnewsError
from warnews.ingest import find_raw_files, read_raw, sidecar_path

SIDECAR = SEED_RAW.replace(".txt", ".meta.yaml")


def test_seed_is_kept_with_its_sha256():
    assert hashlib.sha256((REPO / SEED_RAW).read_bytes()).hexdigest() == SEED_SHA256


def test_seed_is_kept_byte_for_byte():
    handed_over = shared("seed", "000_69d20cbacfaec0cf.txt")  # the file as it was first received
    assert handed_over.read_bytes() == (REPO / SEED_RAW).read_bytes()


def test_seed_reads_with_its_sidecar():
    doc = read_raw(REPO, REPO / SEED_RAW)
    assert doc.path == SEED_RAW
    assert doc.sha256 == SEED_SHA256
    assert doc.text.startswith(" date 2024-12-14")
    assert doc.meta.outlet == "news-az" and doc.meta.outlet_domain == "news.az" and doc.meta.outlet_country == "AZ"
    assert doc.meta.published.isoformat() == "2024-12-14"
    assert doc.meta.url is None and doc.meta.title is None  # unknown, never invented
    assert doc.meta.language == "en" and doc.meta.license == "publisher-copyright"


def test_raw_files_are_found_in_sorted_order(tmp_path: Path):
    for name in ("b/2.txt", "a/9.txt", "a/1.txt"):
        (tmp_path / "raw" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "raw" / name).write_text("x")
    assert [p.relative_to(tmp_path / "raw").as_posix() for p in find_raw_files(tmp_path)] == ["a/1.txt", "a/9.txt", "b/2.txt"]


def _edit_sidecar(root: Path, old: str, new: str) -> None:
    path = root / SIDECAR
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _replace_raw(root: Path, data: bytes) -> None:
    (root / SEED_RAW).write_bytes(data)
    _edit_sidecar(root, SEED_SHA256, hashlib.sha256(data).hexdigest())


BAD_INPUTS = {
    "missing key": (lambda r: _edit_sidecar(r, "outlet_country: AZ\n", ""), r"missing key\(s\) outlet_country"),
    "non-ISO date": (lambda r: _edit_sidecar(r, "published: 2024-12-14", "published: 14/12/2024"),
                     r"field 'published' is '14/12/2024'; expected an ISO date"),
    "impossible date": (lambda r: _edit_sidecar(r, "published: 2024-12-14", "published: '2024-02-30'"),
                        r"'2024-02-30'; expected an ISO date"),
    "unknown language": (lambda r: _edit_sidecar(r, "language: en", "language: xx"),
                         r"field 'language' is 'xx', not a known value"),
    "page date disagrees with the sidecar": (lambda r: _edit_sidecar(r, "published: 2024-12-14", "published: 2024-12-15"),
                                             r"page chrome says date 2024-12-14 but the sidecar says published 2024-12-15"),
    "unknown license": (lambda r: _edit_sidecar(r, "license: publisher-copyright", "license: free"),
                        r"field 'license' is 'free', not a known value"),
    "unknown key": (lambda r: _edit_sidecar(r, "url: null", "url: null\nauthor: someone"), r"unknown key\(s\) author"),
    "null required field": (lambda r: _edit_sidecar(r, "outlet_name: News.Az", "outlet_name: null"),
                            r"field 'outlet_name' must not be null"),
    "invalid YAML": (lambda r: _edit_sidecar(r, "language: en", "language: [en"), r"meta\.yaml: line \d+: not valid YAML"),
    "missing sidecar": (lambda r: (r / SIDECAR).unlink(), r"sidecar missing"),
    "empty raw file": (lambda r: _replace_raw(r, b""), r"\.txt: the file is empty"),
    "non-UTF-8": (lambda r: _replace_raw(r, b"Kyiv said.\nBad byte: \xff here"),
                  r"not valid UTF-8 at byte offset 21 \(line 2, byte b'\\xff'\)"),
    "sha256 mismatch": (lambda r: (r / SEED_RAW).write_bytes((REPO / SEED_RAW).read_bytes() + b" "),
                        r"sha256 is [0-9a-f]{64} but the sidecar records 3517843f"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_a_clear_message(case, repo_copy, run):
    breaker, message = BAD_INPUTS[case]
    breaker(repo_copy)
    before = snapshot(repo_copy / "corpus")
    code, out, err = run(repo_copy, "build")
    assert code == 1
    assert err.startswith("error: ")
    assert re.search(message, err), err
    assert SEED_RAW.split("/")[-1].replace(".txt", "") in err  # the message names the file
    assert snapshot(repo_copy / "corpus") == before
    assert not (repo_copy / "build" / "staging").exists()  # nothing half-written


def test_sidecar_path_sits_beside_the_raw_file():
    assert sidecar_path(Path("raw/x/2024-01-01-a.txt")) == Path("raw/x/2024-01-01-a.meta.yaml")


def test_yaml_that_builds_python_objects_is_refused(tmp_path: Path):
    from warnews.ingest import load_sidecar

    path = tmp_path / "a.meta.yaml"
    path.write_text("!!python/object/apply:os.system ['echo unsafe']\n")
    with pytest.raises(WarnewsError, match=r"a\.meta\.yaml.*not valid YAML"):
        load_sidecar(path)


def _laughs(levels: int = 9) -> str:
    """A "billion laughs" as one flow sequence: each anchor repeats the one before nine times, 9**levels
    strings in all."""
    return "[&a0 lol, " + ", ".join(f"&a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)) + "]"


def _good_sidecar(**changed) -> dict:
    return {"sha256": "0" * 64, "outlet": "example-outlet", "outlet_name": "Example Outlet",
            "outlet_domain": "example.org", "outlet_country": "GB", "published": "2024-05-06", "url": None,
            "title": None, "language": "en", "license": "CC-BY-4.0", "license_note": "Synthetic.",
            "collected": None, "collected_from": "Written by the tests.", **changed}


def test_yaml_whose_aliases_expand_without_bound_is_refused_quickly_and_briefly(tmp_path: Path):
    from warnews.ingest import LineLoader, load_sidecar, read_yaml

    sidecar = tmp_path / "a.meta.yaml"  # every key a sidecar needs, the title a bomb
    keys = "".join(f"{k}: {json.dumps(v)}\n" for k, v in _good_sidecar().items() if k != "title")
    sidecar.write_text(keys + f"title: {_laughs()}\n")
    assert len(sidecar.read_bytes()) < 1200
    config = tmp_path / "profile.yaml"
    config.write_text(f"laughs: {_laughs()}\n")
    for call in (lambda: load_sidecar(sidecar), lambda: read_yaml(config), lambda: read_yaml(config, LineLoader)):
        started = time.monotonic()
        with pytest.raises(WarnewsError) as caught:
            call()
        assert time.monotonic() - started < 5
        assert len(str(caught.value)) < 1000, str(caught.value)[:2000]
        assert "alias" in str(caught.value)


def test_a_few_aliases_still_read(tmp_path: Path):
    from warnews.ingest import read_yaml

    path = tmp_path / "small.yaml"
    path.write_text("base: &b {k: v}\nother: *b\n")
    assert read_yaml(path) == {"base": {"k": "v"}, "other": {"k": "v"}}


def test_a_yaml_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path):
    from warnews.ingest import MAX_YAML_BYTES, read_yaml

    path = tmp_path / "huge.yaml"
    path.write_text("k: " + "x" * MAX_YAML_BYTES + "\n")
    with pytest.raises(WarnewsError, match=r"huge\.yaml: .*over the limit"):
        read_yaml(path)


def test_values_in_sidecar_errors_are_shortened(tmp_path: Path):
    from warnews.ingest import parse_sidecar

    for changed in ({"outlet": "X" * 10_000}, {"title": [" "] * 10_000}, {"language": "y" * 10_000},
                    {"published": "z" * 10_000}, {"unknown" * 2_000: 1}):
        with pytest.raises(WarnewsError) as caught:
            parse_sidecar(_good_sidecar(**changed), "a.meta.yaml")
        assert str(caught.value).startswith("a.meta.yaml: ") and len(str(caught.value)) < 1000, str(caught.value)[:2000]


@pytest.mark.parametrize("changed,named", [
    ({"language": ["en"]}, "language"),  # unhashable: was a TypeError
    ({"license": {"CC-BY-4.0": 1}}, "license"),
    ({"title": "\ud800 broken"}, "title"),  # a lone surrogate (a JSON or YAML escape) cannot be written out
    ({"outlet": "example-outlet\n"}, "outlet"),
    ({"published": "２０２４-０５-０６"}, "published"),
    ({"published": dt.date(2013, 12, 31)}, "published"),
])
def test_what_a_build_cannot_keep_is_refused_by_the_sidecar_check(changed, named):
    from warnews.ingest import parse_sidecar

    with pytest.raises(WarnewsError, match=rf"a\.meta\.yaml: field '{named}'"):
        parse_sidecar(_good_sidecar(**changed), "a.meta.yaml")


def test_keys_of_mixed_types_are_refused_by_name():
    from warnews.ingest import parse_sidecar

    with pytest.raises(WarnewsError, match=r"unknown key\(s\) 1, notes"):
        parse_sidecar({**_good_sidecar(), 1: "x", "notes": "y"}, "a.meta.yaml")


def test_a_published_date_before_2014_is_refused_in_the_sidecar(repo_copy, run):
    sidecar = repo_copy / SIDECAR
    sidecar.write_text(sidecar.read_text().replace("published: 2024-12-14", "published: 2013-12-31"))
    code, _, err = run(repo_copy, "build")
    assert code == 1 and "field 'published' is 2013-12-31, before 2014-01-01" in err, err


def test_published_min_is_one_value_for_schema_and_ingest():
    from warnews import schema, vocabularies

    assert schema.PUBLISHED_MIN is vocabularies.PUBLISHED_MIN == dt.date(2014, 1, 1)


def test_a_doc_id_is_never_made_from_a_date_its_pattern_cannot_hold():
    from warnews.ids import DOC_ID_PATTERN, make_doc_id

    assert re.match(DOC_ID_PATTERN, make_doc_id("x", dt.date(2014, 1, 1), "a" * 64))
    for year in (1, 999):
        with pytest.raises(ValueError, match="doc_id"):
            make_doc_id("x", dt.date(year, 1, 1), "a" * 64)


def test_a_record_that_is_not_utf8_names_its_shard_and_line(tmp_path: Path):
    from warnews import shards

    good = json.dumps({**_good_sidecar(), "raw": "Synthetic text.", "format": "txt"}).encode() + b"\n"
    bad = good.replace(b"Synthetic", b"Synth\xffetic")
    shard = tmp_path / "raw" / "x" / "00000.jsonl.zst"
    shard.parent.mkdir(parents=True)
    shard.write_bytes(shards.encode([good, bad]))
    refs = find_raw_files(tmp_path)
    assert [r.name for r in refs] == ["00000.jsonl.zst#1", "00000.jsonl.zst#2"]
    with pytest.raises(WarnewsError, match=r"raw/x/00000\.jsonl\.zst#2: .*not valid UTF-8.*damaged.*restore"):
        read_raw(tmp_path, refs[1])
