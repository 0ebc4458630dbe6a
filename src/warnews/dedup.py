"""dedup: a persistent index of what raw/ holds, for refusing duplicates in constant time.

Exact duplicates are the same raw bytes (sha256). Near-duplicates are clean texts whose 5-word
shingles have an estimated Jaccard similarity of at least NEAR_DUPLICATE_THRESHOLD: MinHash
signatures of 128 permutations (seed 1), found through locality-sensitive hashing (LSH_BANDS bands
of LSH_ROWS rows; a pair at similarity 0.8 shares a band with probability 0.998) and confirmed on
the whole signature. Signatures are rensa's (compiled; about 3 times faster than datasketch's,
which hashes each shingle in Python, with the same accuracy), and the index records which
scheme made them: an index made by another (an earlier warnews's datasketch signatures, another
rensa version) is rebuilt when it is opened, and says so. The index lives in
build/index/raw.sqlite: derived data, never committed; `warnews index --rebuild` makes it again
from raw/, and every command that uses it first brings it up to date with the raw files and
shards it has not seen (and forgets those that are gone).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
from rensa import RMinHash

from warnews.clean import Cleaner
from warnews.errors import WarnewsError
from warnews import shards
from warnews.ingest import RAW_DIR, RAW_SUFFIXES, SHARD_SUFFIX, SIDECAR_SUFFIX, read_raw, sidecar_path

NEAR_DUPLICATE_THRESHOLD = 0.8
SHINGLE_WORDS = 5
MINHASH_PERMUTATIONS = 128
LSH_BANDS, LSH_ROWS = 20, 6  # 120 of the 128 permutations; P(candidate) = 1 - (1 - s**6)**20
INDEX_PATH = Path("build") / "index" / "raw.sqlite"
_SCHEMA = """
create table if not exists documents (sha256 text primary key, ref text not null, source text not null,
                                      signature blob not null);
create table if not exists bands (band integer not null, hash blob not null, sha256 text not null);
create index if not exists bands_lookup on bands (band, hash);
create index if not exists documents_source on documents (source);
create table if not exists sources (source text primary key, stamp text not null);
create table if not exists meta (key text primary key, value text not null);
"""
# What made the signatures: another scheme's are not comparable, so an index of another is rebuilt.
SIGNATURE_SCHEME = f"rensa {version('rensa')} RMinHash, {MINHASH_PERMUTATIONS} permutations, seed 1"


def signature(text: str) -> np.ndarray:
    """The MinHash signature (uint64[128]) of a clean text's lower-cased 5-word shingles."""
    words = re.findall(r"\w+", text.lower())
    shingles = [" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    minhash = RMinHash(num_perm=MINHASH_PERMUTATIONS, seed=1)
    minhash.update(shingles)
    return np.array(minhash.digest(), dtype="<u8")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal signature values."""
    return float(np.count_nonzero(a == b)) / len(a)


def bands(sig: np.ndarray) -> list[tuple[int, bytes]]:
    """The signature's LSH bands, (band number, hash); an import asks for a record's several times."""
    return list(_bands(sig.tobytes()))


@lru_cache(maxsize=64)
def _bands(data: bytes) -> tuple[tuple[int, bytes], ...]:
    row = 8 * LSH_ROWS
    return tuple((band, hashlib.blake2b(data[band * row:(band + 1) * row], digest_size=8).digest())
                 for band in range(LSH_BANDS))


@dataclass(frozen=True)
class Match:
    ref: str  # the raw document's name, as documents.raw_path gives it
    similarity: float


class DuplicateIndex:
    """sha256 and MinHash bands of every raw document, in SQLite; one transaction per update."""

    def __init__(self, root: Path, connection: sqlite3.Connection):
        self.root, self.db = root, connection

    @classmethod
    def open(cls, root: Path, progress=None, sync: bool = True, replace_unreadable: bool = False) -> DuplicateIndex:
        """The index, brought up to date with raw/ (`sync`). It is derived data: where it cannot be
        read and `replace_unreadable` is set (`warnews index --rebuild`), it is made anew."""
        path = root / INDEX_PATH
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = _connect(path)
        except sqlite3.DatabaseError as err:
            if not replace_unreadable:
                raise WarnewsError(f"{path}: the duplicate index cannot be read ({err}); it is derived data: run "
                                   "`warnews index --rebuild` to make it anew") from None
            path.unlink()
            connection = _connect(path)
        except OSError as err:
            raise WarnewsError(f"{path.parent}: cannot hold the duplicate index ({err.strerror}); make build/ "
                               "writable") from None
        index = cls(root, connection)
        made_by = connection.execute("select value from meta where key = 'signatures'").fetchone()
        count = connection.execute("select count(*) from documents").fetchone()[0]
        if made_by is None and not count:
            with connection:
                connection.execute("insert into meta values ('signatures', ?)", (SIGNATURE_SCHEME,))
        elif (made_by is None or made_by[0] != SIGNATURE_SCHEME) and sync:  # (without sync, the caller rebuilds)
            old = made_by[0] if made_by else "datasketch MinHash (warnews 1.8.0 and earlier)"
            (progress or (lambda message: print(message, file=sys.stderr)))(
                f"duplicate index: its {count:,} signatures were made by {old}; rebuilding it with {SIGNATURE_SCHEME}")
            index.rebuild(progress)
            return index
        if sync:
            index.sync(progress)
        return index

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DuplicateIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rebuild(self, progress=None) -> int:
        """Forget everything and index raw/ again; the number of documents indexed."""
        with self.db:
            self.db.execute("delete from documents")
            self.db.execute("delete from bands")
            self.db.execute("delete from sources")
            self.db.execute("insert or replace into meta values ('signatures', ?)", (SIGNATURE_SCHEME,))
        self.sync(progress)
        return self.db.execute("select count(*) from documents").fetchone()[0]

    def sync(self, progress=None) -> None:
        """Index raw files and shards not seen before (or changed), forget those that are gone."""
        raw_dir = self.root / RAW_DIR
        if not raw_dir.is_dir():
            return
        current = {}
        for path in sorted(raw_dir.rglob("*")):
            if path.is_file() and (path.name.endswith(SHARD_SUFFIX) or path.suffix in RAW_SUFFIXES and
                                   not path.name.endswith(SIDECAR_SUFFIX)):
                current[path.relative_to(self.root).as_posix()] = _stamp(path)
        known = dict(self.db.execute("select source, stamp from sources"))
        gone = [source for source in known if source not in current]
        changed = [source for source, stamp in current.items() if known.get(source) != stamp]
        if not gone and not changed:
            return
        cleaner = Cleaner(self.root)
        with self.db:
            for source in gone + changed:
                self._forget(source)
            for n, source in enumerate(changed, 1):
                for ref in documents_in(self.root / source):
                    document = read_raw(self.root, ref)
                    clean = cleaner.clean(document.path, document.meta.outlet, document.meta.published, document.text,
                                          document.kind)
                    self._insert(document.sha256, document.path, source, signature(clean.text))
                self.db.execute("insert or replace into sources values (?, ?)", (source, current[source]))
                if progress and (n % 10 == 0 or n == len(changed)):
                    progress(f"duplicate index: {n}/{len(changed)} raw files and shards read")

    def _forget(self, source: str) -> None:
        shas = [row[0] for row in self.db.execute("select sha256 from documents where source = ?", (source,))]
        self.db.executemany("delete from bands where sha256 = ?", [(sha,) for sha in shas])
        self.db.execute("delete from documents where source = ?", (source,))
        self.db.execute("delete from sources where source = ?", (source,))

    def _insert(self, sha256: str, ref: str, source: str, sig: np.ndarray) -> None:
        self.db.execute("insert or ignore into documents values (?, ?, ?, ?)", (sha256, ref, source, sig.tobytes()))
        self.db.executemany("insert into bands values (?, ?, ?)", [(band, h, sha256) for band, h in bands(sig)])

    def exact(self, sha256: str) -> str | None:
        """The raw document with these bytes, if raw/ holds one."""
        row = self.db.execute("select ref from documents where sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def near(self, sig: np.ndarray) -> list[Match]:
        """Raw documents whose clean text is a likely near-duplicate, most similar first."""
        keys = bands(sig)  # one statement for all bands: a query per band cost more than the lookups
        query = " union ".join(["select sha256 from bands where band = ? and hash = ?"] * len(keys))
        candidates = {row[0] for row in self.db.execute(query, [value for key in keys for value in key])}
        found = []
        for sha in sorted(candidates):
            row = self.db.execute("select ref, signature from documents where sha256 = ?", (sha,)).fetchone()
            if row is None or len(row[1]) != 8 * MINHASH_PERMUTATIONS:
                raise WarnewsError(f"{self.root / INDEX_PATH}: the duplicate index is inconsistent (a band of "
                                   f"{sha[:12]} without its document); run `warnews index --rebuild`")
            ref, blob = row
            score = similarity(sig, np.frombuffer(blob, dtype="<u8"))
            if score >= NEAR_DUPLICATE_THRESHOLD:
                found.append(Match(ref, round(score, 3)))
        return sorted(found, key=lambda m: (-m.similarity, m.ref))

    def add(self, sha256: str, ref: str, sig: np.ndarray) -> None:
        """Record a document just written to raw/ (inside the caller's `with index.db:`)."""
        self._insert(sha256, ref, ref.split("#")[0], sig)

    def seen(self, source: Path) -> None:
        """Mark a raw file or shard as indexed as it now stands (after its documents were added)."""
        self.db.execute("insert or replace into sources values (?, ?)",
                        (source.relative_to(self.root).as_posix(), _stamp(source)))


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        connection.execute("select count(*) from documents").fetchone()
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def _stamp(path: Path) -> str:
    """Size and modification times of a raw file (with its sidecar) or shard: a change is a re-read."""
    stat = path.stat()
    side = sidecar_path(path)
    extra = f":{side.stat().st_mtime_ns}" if not path.name.endswith(SHARD_SUFFIX) and side.is_file() else ""
    return f"{stat.st_size}:{stat.st_mtime_ns}{extra}"


def documents_in(path: Path) -> list[Path]:
    """The raw documents one file or shard holds."""
    if path.name.endswith(SHARD_SUFFIX):
        return [path.with_name(f"{path.name}#{line}") for line in range(1, shards.count(path) + 1)]
    return [path]
