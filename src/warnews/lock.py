"""lock: one writer per collection at a time, and the leftovers of killed runs swept away.

Commands that write raw/, corpus/, the duplicate index, the build's staging or the documents a
release updates hold the collection's lock, `build/warnews.lock`: an advisory lock of the
operating system (flock) on that file, so it dies with the process that took it; a lock left by
a killed run is never in the way, and the next writer says whose it was. A second writer is
refused at once, naming the command and process that hold the lock. Within one process the lock
is re-entrant (a release builds, and the build takes the same lock).

Whoever takes the lock first removes what killed writers left: temporary files and folders no
live writer can own, since only the lock's holder writes them.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from warnews.errors import WarnewsError

LOCK_PATH = Path("build") / "warnews.lock"
# What a writer killed mid-way may leave (glob patterns below the collection's root): each is a
# temporary name that only the lock's holder writes, renamed into place when whole.
LEFTOVERS = (
    "raw/**/.*.tmp",  # a shard or an added file and its sidecar, before the rename
    "build/cache/.tmp/*", "build/cache/stages/*/.tmp/*",  # a cache entry (warnews.store)
    "build/cache/parts/.tmp/*",  # a part being kept (warnews.parts)
    "build/.staging.tmp-*", "build/.staging.old-*",  # a build, and the staging it replaced
    "corpus/.v*.tmp-*", "corpus/.v*.old-*",  # a release folder before its rename
    ".*.tmp", "schema/.*.tmp",  # the card, changelog, citation and schema files a release rewrites
)

_HELD: dict[str, tuple[int, int]] = {}


def temporary(path: Path) -> Path:
    """A temporary name of this process's own beside `path` (`.NAME.<pid>-<uuid>.tmp`, which
    LEFTOVERS sweeps): written whole, then renamed onto `path`."""
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")  # collection root -> (lock file descriptor, depth)


@contextmanager
def writing(root: Path, command: str, progress: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the collection's lock for `command` (e.g. "warnews import"); refuse if another holds it."""
    key = str(root.resolve())
    if key in _HELD:
        fd, depth = _HELD[key]
        _HELD[key] = (fd, depth + 1)
        try:
            yield
        finally:
            _HELD[key] = (fd, depth)
        return
    path = root / LOCK_PATH
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise WarnewsError(f"{path}: cannot take the collection's lock ({err.strerror}); warnews writes here "
                           "only while it holds it: make build/ writable") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise WarnewsError(f"{root}: {holder} is writing this collection; one writer at a time: wait until it "
                           "ends, then run this command again") from None
    previous = _holder(fd)
    _write_holder(fd, command)
    _HELD[key] = (fd, 1)
    try:
        swept = sweep(root)
        if swept and progress:
            progress(f"removed {len(swept)} leftover(s) of an interrupted run ({previous}): "
                     + ", ".join(swept[:3]) + (" …" if len(swept) > 3 else ""))
        yield
    finally:
        del _HELD[key]
        os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the lock


def holds(root: Path) -> bool:
    """Whether this process holds the collection's lock."""
    return str(root.resolve()) in _HELD


def sweep(root: Path) -> list[str]:
    """Remove the leftovers of killed writers (LEFTOVERS); call only while holding the lock."""
    removed = []
    for pattern in LEFTOVERS:
        for path in sorted(root.glob(pattern)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.relative_to(root).as_posix())
    return removed


def _write_holder(fd: int, command: str) -> None:
    holder = {"command": command, "pid": os.getpid(), "host": socket.gethostname(),
              "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(holder, sort_keys=True) + "\n").encode(), 0)


def _holder(fd: int) -> str:
    """Who holds (or last held) the lock, as the file says."""
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"`{data['command']}` (process {data['pid']} on {data['host']}, since {data['since']})"
    except (ValueError, KeyError, TypeError, OSError):
        return "another warnews command"
