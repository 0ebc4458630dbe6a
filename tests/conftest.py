"""Shared fixtures: the real repository, throwaway copies of it for tests that write, and the
read-only data kept beside it in ../shared/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warnews.cli import main

REPO = Path(__file__).resolve().parents[1]
SEED_RAW = "raw/news-az/2024-12-14-zelenskyy-north-korean-soldiers-kursk.txt"
SEED_SHA256 = "3517843f41a508523277037880e29ca7bd2e155bccbe162b50f3fe45778b8351"
SEED_DOC_ID = "news-az-20241214-3517843f41"


def _next_minor() -> str:
    newest = max(tuple(int(x) for x in p.name[1:].split(".")) for p in (REPO / "corpus").glob("v*.*.*"))
    return f"{newest[0]}.{newest[1] + 1}.0"


# A version no release has yet: what tests that write a release into a copy of the repository use.
NEXT = _next_minor()
# Data the repository may not hold (no license to republish it), kept beside it by whoever runs the tests.
SHARED = REPO.parent / "shared"


def shared(*parts: str) -> Path:
    """A path under ../shared/. Where it is missing the test is skipped, except under CI (the
    CI variable set), which always has ../shared/ beside the repository: there it fails, so that
    missing data cannot pass as a green run."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI always has ../shared/ beside the repository", pytrace=False)
        pytest.skip(f"{path} is missing: ../shared/ is not beside the repository (under CI this fails)")
    return path


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the inputs and releases of the repository, safe to break."""
    root = tmp_path / "warnews"
    root.mkdir()
    for name in ("raw", "outlets", "knowledge", "annotations", "corpus"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    for name in ("README.md", "CHANGELOG.md", "CITATION.cff", "DATASHEET.md", "LICENSE", "warnews.yaml"):
        shutil.copy(REPO / name, root / name)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below folder with its bytes, to prove that nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def run(capsys):
    """Run the warnews command in-process; returns (exit code, stdout, stderr)."""

    def _run(root: Path, *args: str) -> tuple[int, str, str]:
        code = main(["--root", str(root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def assert_valid_cff(path: Path) -> None:
    """cffconvert --validate passes on the file (the test is skipped where cffconvert is missing)."""
    beside = Path(sys.executable).with_name("cffconvert")
    cffconvert = str(beside) if beside.is_file() else shutil.which("cffconvert")
    if cffconvert is None:
        pytest.skip("cffconvert is not installed (pip install -e '.[test]' installs it)")
    done = subprocess.run([cffconvert, "--validate", "-i", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
