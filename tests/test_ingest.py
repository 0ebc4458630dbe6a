"""ingest: the seed reads exactly; every kind of bad raw input stops the build with a clear message."""

from __future__ import annotations

import hashlib
import re
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
    "language disagrees with the text": (lambda r: _edit_sidecar(r, "language: en", "language: de"),
                                         r"the sidecar says language 'de' but the text reads as 'en'"),
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
