"""A build with the cache gives the rows a build without it gives, whatever part of the package
changed: each stage's key covers every file of the package that the stage's code reaches.

The package is copied, one of its files edited in the copy, and the copy run in fresh processes:
a build that fills the cache, the edit, a build that reads the cache, and one with --no-cache.
The edits are ordinary changes a contributor makes to code that several layers share; the rows
they change are the seed's (sentence ends decide the statement dates of its quotes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import warnews

from conftest import REPO

PACKAGE = Path(warnews.__file__).parent


def _collection(tmp_path: Path) -> Path:
    """The repository's inputs in a collection folder of their own (the rule layers only)."""
    root = tmp_path / "collection"
    root.mkdir()
    for name in ("raw", "outlets", "knowledge", "annotations"):
        shutil.copytree(REPO / name, root / name)
    return root


def _build(package_parent: Path, root: Path, *flags: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    done = subprocess.run([sys.executable, "-m", "warnews.cli", "--root", str(root), "build", "--version", "9.9.9",
                           "--as-of", "2026-12-01", *flags], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    staging = root / "build" / "staging"
    return {p.name: pq.read_table(p).to_pylist() for p in sorted(staging.glob("*.parquet"))}


def _edit(path: Path, old: str, new: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert old in source, f"{path}: the edit's anchor {old!r} is gone; pick another shared function"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")


# (file of the package, text in it, its replacement): code the quote layer reaches through other
# modules. `Dec.` stops being an abbreviation for the sentence splitter, so the seed's sentence
# `On Dec. 14, the HUR ... reported that ...` splits after `Dec.` and its reported speech loses
# its statement date; cleaning's text does not change (the seed has a space after `Dec.`).
SHARED_CODE_EDITS = [
    pytest.param(("clean.py", '"jan feb mar apr jun jul aug sep sept oct nov dec ', '"jan feb mar apr jun jul aug sep sept oct nov '),
                 id="abbreviations"),
]


@pytest.mark.parametrize("edit", SHARED_CODE_EDITS)
def test_cached_build_equals_fresh_build_after_an_edit_to_shared_code(tmp_path: Path, edit) -> None:
    copy = tmp_path / "package"
    shutil.copytree(PACKAGE, copy / "warnews", ignore=shutil.ignore_patterns("__pycache__"))
    root = _collection(tmp_path)
    before = _build(copy, root)
    name, old, new = edit
    target = next(p for p in (copy / "warnews").rglob(name) if p.is_file())
    _edit(target, old, new)
    cached = _build(copy, root)
    fresh = _build(copy, root, "--no-cache")
    assert fresh != before, "the edit changes no row of the seed; the test would prove nothing"
    different = sorted(t for t in fresh if cached.get(t) != fresh[t])
    assert not different, f"with the cache, {different} keep rows made by the code before the edit"
