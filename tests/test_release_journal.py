"""release journal: a release killed or starved of disk at any step is completed or rolled back by
the next command, and a rerun gives the files an uninterrupted release gives."""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import conftest
from conftest import NEXT, REPO, snapshot
from warnews import card
from warnews import release as rel
from warnews.cli import main
from warnews.errors import WarnewsError

# Runs `warnews` in a process of its own that kills itself (SIGKILL) at one point of a release:
# argv[1] names the point, the rest are warnews's arguments.
KILLER = r"""
import os, signal, sys
from pathlib import Path
from warnews import card, release
from warnews.cli import main

point, args = sys.argv[1], sys.argv[2:]
root = Path(args[args.index("--root") + 1])


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def wrap(module, name, before=None, after=None):
    original = getattr(module, name, None)
    if original is None:  # a point the code under test does not have: it runs to the end
        return

    def wrapper(*a, **k):
        if before and before(*a, **k):
            die()
        result = original(*a, **k)
        if after and after(*a, **k):
            die()
        return result
    setattr(module, name, wrapper)


def git_add(*a, **k):  # git killed while committing leaves its lock on the index
    if a[1] == "add":
        (root / ".git" / "index.lock").write_bytes(b"")
        return True


def replacing_citation(src, dst, *a, **k):
    return Path(dst).resolve() == (root / "CITATION.cff").resolve()


points = {
    "build": lambda: wrap(release, "write_manifest", before=lambda *a: True),
    "journal": lambda: wrap(release, "_write_journal", before=lambda *a: True),
    "release": lambda: wrap(release, "release", after=lambda *a, **k: True),
    "replace CITATION.cff": lambda: wrap(os, "replace", before=replacing_citation),
    "write_docs": lambda: wrap(card, "write_docs", after=lambda *a: True),
    "git add": lambda: wrap(release, "_git", after=git_add),
    "git commit": lambda: wrap(release, "_git", after=lambda *a: a[1] == "commit"),
    "git tag": lambda: wrap(release, "_git", after=lambda *a: a[1] == "tag"),
    "cleanup": lambda: wrap(release, "_remove_journal", before=lambda *a: True),
}
points[point]()
sys.exit(main(args))
"""

# What each kill leaves, as the next command reports it.
ROLLED_BACK = f"rolled back the interrupted release {NEXT}"
COMPLETED = f"completed the interrupted release {NEXT}"
GIT_POINTS = {"build": ROLLED_BACK, "release": ROLLED_BACK, "replace CITATION.cff": ROLLED_BACK,
              "write_docs": ROLLED_BACK, "git add": ROLLED_BACK, "git commit": f"{COMPLETED}: tagged v{NEXT}",
              "git tag": COMPLETED, "cleanup": COMPLETED}
PLAIN_POINTS = {"journal": None, "release": ROLLED_BACK, "write_docs": ROLLED_BACK, "cleanup": COMPLETED}


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def _checkout(root: Path) -> Path:
    """The copy as a git checkout with one commit and a committer."""
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Test")
    _git(root, "config", "user.email", "test@example.org")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "state before the release")
    return root


def _files(root: Path) -> dict[str, bytes]:
    """The collection's files: not git's own, the build's scratch space or the test's .gitignore."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith((".git/", "build/")) and k != ".gitignore"}


def _leftovers(root: Path) -> list[str]:
    """Temporary names and journals, anywhere but in git's own folder and the build cache (whose
    store keeps its temporary names in a folder of its own)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if not p.relative_to(root).as_posix().startswith((".git/", "build/cache/"))
                  and (p.name.endswith(".tmp") or ".tmp-" in p.name or ".old-" in p.name or "journal" in p.name))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A checkout released once without interruption (and verified): what every rerun must equal."""
    root = _checkout(conftest.repo_copy.__wrapped__(tmp_path_factory.mktemp("reference")))
    assert main(["--root", str(root), "release", NEXT]) == 0
    assert main(["--root", str(root), "verify", NEXT]) == 0
    return root


def _with_cache(root: Path, reference: Path) -> Path:
    """The reference's build cache, so that each copy's builds are warm (the files are the same)."""
    shutil.copytree(reference / "build" / "cache", root / "build" / "cache")
    return root


def _kill(root: Path, point: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-c", KILLER, point, "--root", str(root), "release", NEXT, *args],
                          capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, f"not killed at {point!r}: {done.returncode}\n{done.stderr}"


def _assert_released_once(root: Path, reference: Path, out: str, run) -> None:
    assert _files(root) == _files(reference)
    assert sorted(p.name for p in (root / "corpus").iterdir()) == sorted(p.name for p in (reference / "corpus").iterdir())
    assert _leftovers(root) == []
    assert "Documents: 0 added, 0 removed, 0 changed." in out
    code, _, err = run(root, "verify", NEXT)
    assert code == 0, err


@pytest.mark.parametrize("point", list(GIT_POINTS))
def test_a_release_killed_at_any_step_is_finished_by_the_rerun(point, repo_copy, reference, run):
    root = _with_cache(_checkout(repo_copy), reference)
    _kill(root, point)
    code, out, err = run(root, "release", NEXT)
    assert code == 0, err
    assert GIT_POINTS[point] in out
    _assert_released_once(root, reference, out, run)
    released = [line.split()[0] for line in _git(root, "log", "--format=%H %s").splitlines()
                if line.split(" ", 1)[1] == f"Release data {NEXT}"]
    assert len(released) == 1
    assert _git(root, "rev-parse", f"v{NEXT}^{{commit}}").strip() == released[0]
    assert _git(root, "status", "--porcelain") == ""
    assert not (root / ".git" / "index.lock").exists()
    assert _git(root, "ls-files", f"corpus/v{NEXT}").splitlines() == sorted(
        f"corpus/v{NEXT}/{p.name}" for p in (root / "corpus" / f"v{NEXT}").iterdir())


@pytest.mark.parametrize("point", list(PLAIN_POINTS))
def test_a_release_without_git_killed_at_any_step_is_finished_by_the_rerun(point, repo_copy, reference, run):
    root = _with_cache(repo_copy, reference)
    _kill(root, point, "--no-git")
    code, out, err = run(root, "release", NEXT, "--no-git")
    assert code == 0, err
    if PLAIN_POINTS[point]:
        assert PLAIN_POINTS[point] in out
    _assert_released_once(root, reference, out, run)


def test_the_release_folder_has_the_mode_of_a_new_folder(reference):
    mask = os.umask(0)
    os.umask(mask)
    folder = reference / "corpus" / f"v{NEXT}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o666 & ~mask}


def test_a_build_rolls_back_an_interrupted_release_and_sweeps_leftovers(repo_copy, reference, run):
    root = _with_cache(repo_copy, reference)
    before = _files(root)
    _kill(root, "write_docs", "--no-git")
    (root / "corpus" / ".v9.9.9.tmp-abc").mkdir()
    (root / "corpus" / ".v9.9.9.tmp-abc" / "documents.parquet").write_bytes(b"half")
    (root / ".README.md.123-x.tmp").write_bytes(b"half")
    code, out, err = run(root, "build")
    assert code == 0, err
    assert f"{ROLLED_BACK} (it had reached: corpus/v{NEXT} written)" in out
    assert _files(root) == before
    assert _leftovers(root) == []
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((root / rel.STAGING_DIR).stat().st_mode) == 0o777 & ~mask


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted for the test, whose size the test sets (root only)."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")

    def resize(size: int) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(where)], check=True)

    yield where, resize
    subprocess.run(["umount", str(where)], check=True)


def _used(where: Path) -> int:
    info = os.statvfs(where)
    return (info.f_blocks - info.f_bfree) * info.f_frsize


PAGE = os.sysconf("SC_PAGE_SIZE")


def _pages(paths) -> int:
    """The room files take on a tmpfs: whole pages."""
    return sum(-(-p.stat().st_size // PAGE) * PAGE for p in paths)


@pytest.mark.parametrize("stage", ["release folder", "documents"])
def test_a_full_disk_releases_nothing(stage, small_disk, repo_copy, reference, run):
    where, resize = small_disk
    root = where / "warnews"
    shutil.copytree(repo_copy, root)
    folder = _pages((reference / "corpus" / f"v{NEXT}").iterdir())
    # the collection's lock, the journal, its next version and the saved documents: all before the folder
    journal = 3 * PAGE + _pages(root / name for name in ("README.md", "CHANGELOG.md", "CITATION.cff"))
    room = journal + (folder // 2 if stage == "release folder" else folder + 3 * PAGE)  # less than the CHANGELOG
    resize(_used(where) + room)
    before = snapshot(root)
    code, _, err = run(root, "release", NEXT, "--no-git", "--no-cache")
    assert code == 1
    assert "the disk is full (ENOSPC)" in err and "nothing was released" in err, err
    named = f"{root}/corpus/v{NEXT}" if stage == "release folder" else f"{root}/CHANGELOG.md"  # the first document
    assert f"{named}: cannot write it: the disk is full (ENOSPC)" in err, err
    assert {k: v for k, v in snapshot(root).items() if k != "build/warnews.lock"} == before
    assert _leftovers(root) == []


def test_a_disk_full_while_writing_the_documents_is_rolled_back_byte_for_byte(repo_copy, reference, monkeypatch):
    root = _with_cache(repo_copy, reference)
    before = snapshot(root)
    full, written = False, []

    def no_space(path) -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    real_open, real_os_open, real_write_file = io.open, os.open, card.write_file

    def opening(file, mode="r", *args, **kwargs):
        if full and any(c in mode for c in "wax+"):
            raise no_space(file)
        return real_open(file, mode, *args, **kwargs)

    def os_opening(path, flags, *args, **kwargs):
        if full and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise no_space(path)
        return real_os_open(path, flags, *args, **kwargs)

    def write_file(path, data):
        nonlocal full
        if Path(path).parent == root:
            written.append(Path(path).name)
        if Path(path) == root / "CITATION.cff":  # the CHANGELOG is written by now: the disk fills up
            full = True
        return real_write_file(path, data)

    monkeypatch.setattr(io, "open", opening)
    monkeypatch.setattr(builtins, "open", opening)
    monkeypatch.setattr(os, "open", os_opening)
    monkeypatch.setattr(card, "write_file", write_file)
    with pytest.raises(WarnewsError, match=rf"nothing was released.*: {re.escape(str(root))}/CITATION\.cff: .*the disk is full \(ENOSPC\)"):
        rel.make_release(root, NEXT, git=False)
    full = False
    assert written == ["CHANGELOG.md", "CITATION.cff"]  # the CHANGELOG was rewritten, then the disk was full
    assert {k: v for k, v in snapshot(root).items() if k != "build/warnews.lock"} == before
    assert _leftovers(root) == []
