"""Shared fixtures: the real repository, and throwaway copies of it for tests that write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from warnews.cli import main

REPO = Path(__file__).resolve().parents[1]
SEED_RAW = "raw/news-az/2024-12-14-zelenskyy-north-korean-soldiers-kursk.txt"
SEED_SHA256 = "3517843f41a508523277037880e29ca7bd2e155bccbe162b50f3fe45778b8351"
SEED_DOC_ID = "news-az-20241214-3517843f41"


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the inputs and releases of the repository, safe to break."""
    root = tmp_path / "warnews"
    root.mkdir()
    for name in ("raw", "outlets", "knowledge", "annotations", "corpus"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    for name in ("README.md", "CHANGELOG.md", "CITATION.cff", "DATASHEET.md", "LICENSE"):
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
