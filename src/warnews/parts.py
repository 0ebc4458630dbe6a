"""parts: a build's tables written in parts aligned with the raw shards, and the parts kept.

A collection whose raw documents sit in more than one container (a shard of `warnews import`; the
raw files outside shards count as one) has each of its document tables written as one file per
container, `<table>/<part>.parquet`, rows sorted by key within the part. A part's rows depend only on its own
documents and the build's fixed inputs, so a build keeps each part it writes in build/cache/parts/
under a key of exactly those (`part_key`), with a summary of what the corpus-wide results need of
it (`PartSummary`). The next build copies a part whose key it finds instead of reading its
documents again: adding a shard rewrites that shard's part alone. A collection with one container
(the repository's own, or any collection of raw files without shards) keeps one file per table,
the same bytes as before parts existed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow

from warnews.clean import RULE_NAMES
from warnews.errors import WarnewsError
from warnews.ingest import RAW_DIR, SHARD_SUFFIX, record_ref
from warnews.lexicon.identity import Spellings, is_automatic
from warnews.store import Store
from warnews.versions import file_sha256

FORMAT = "warnews-part 1"
SUMMARY = "summary.msgpack"
TMP_DIR = ".tmp"
FILES_PART = "files"  # the part of every raw file that is not in a shard


def part_of(root: Path, path: Path) -> tuple[str, str]:
    """(part name, container) of a raw document: a record's shard (`raw/kremlin/00003.jsonl.zst`
    gives part `kremlin-00003`); every raw file (written by hand or by `warnews add`) is in part
    `files`, so a collection of raw files alone keeps one file per table."""
    ref = record_ref(path)
    if ref is None:
        return FILES_PART, RAW_DIR
    rel = ref[0].relative_to(root / RAW_DIR).as_posix()[:-len(SHARD_SUFFIX)]
    return rel.replace("/", "-"), ref[0].relative_to(root).as_posix()


def group_parts(root: Path, ordered: list[tuple[str, Path, str]]) -> dict[str, list[tuple[str, Path, str]]]:
    """Part name -> its documents (in doc_id order), parts by name. Two containers whose names
    give the same part name are refused: their rows would share a file."""
    parts: dict[str, list] = {}
    containers: dict[str, str] = {}
    for entry in ordered:
        name, container = part_of(root, entry[1])
        if containers.setdefault(name, container) != container:
            raise WarnewsError(f"{container} and {containers[name]}: both would be written as part {name!r} of every "
                               "table; rename one of the collection folders under raw/")
        parts.setdefault(name, []).append(entry)
    return dict(sorted(parts.items()))


def part_key(fingerprint: str, schemas: dict[str, pyarrow.Schema], written: dict,
             members: list[tuple[str, str]]) -> str:
    """A part's key: the build's fingerprint, every table's schema with its metadata (version,
    license, citation), the writing options, and each document's result key (build.cache_key:
    its raw bytes, path and gold file) with the first_version its documents row carries."""
    digest = hashlib.sha256(FORMAT.encode() + b"\0" + fingerprint.encode() + b"\0")
    for name in sorted(schemas):
        digest.update(name.encode() + b"\0" + schemas[name].serialize().to_pybytes())
    digest.update(json.dumps(written, sort_keys=True).encode())
    for doc_key, first_version in members:
        digest.update(b"\0" + doc_key.encode() + b" " + first_version.encode())
    return digest.hexdigest()


@dataclass
class PartSummary:
    """What the corpus-wide results (build.json, the entities and merges tables, evaluation.json,
    the uniqueness and date checks) need of a part's documents, without its rows."""

    rows: dict[str, int] = field(default_factory=dict)  # table -> rows
    files: dict[str, str] = field(default_factory=dict)  # table -> sha256 of the part's file
    documents: list = field(default_factory=list)  # [doc_id, published, collected]
    inputs: list = field(default_factory=list)  # build.json's inputs
    language_read_here: int = 0
    readers: dict = field(default_factory=dict)
    page_notes: list = field(default_factory=list)
    rules: dict = field(default_factory=lambda: {name: {"documents": 0, "edits": 0, "declined": {}} for name in RULE_NAMES})
    layers: dict = field(default_factory=dict)  # table -> layer -> rows
    places: list = field(default_factory=list)  # place entity ids linked by mentions
    spellings: list = field(default_factory=list)  # [entity_id, spelling, mentions, speakers, documents]
    referenced: list = field(default_factory=list)  # automatic entity ids any entity column names
    scores: list = field(default_factory=list)  # evaluate.evaluate_document of each document with gold
    gold_documents: int = 0

    def merge(self, other: PartSummary) -> None:
        """Add another part's summary (parts are merged in their order)."""
        for name, n in other.rows.items():
            self.rows[name] = self.rows.get(name, 0) + n
        self.documents += other.documents
        self.inputs += other.inputs
        self.language_read_here += other.language_read_here
        _add_counts(self.readers, other.readers)
        self.page_notes += other.page_notes
        for rule, counts in other.rules.items():
            mine = self.rules.setdefault(rule, {"documents": 0, "edits": 0, "declined": {}})
            mine["documents"] += counts["documents"]
            mine["edits"] += counts["edits"]
            _add_counts(mine["declined"], counts["declined"])
        for table, counts in other.layers.items():
            _add_counts(self.layers.setdefault(table, {}), counts)
        self.places = sorted(set(self.places) | set(other.places))
        self.referenced = sorted(set(self.referenced) | set(other.referenced))
        self.scores += other.scores
        self.gold_documents += other.gold_documents
        self.spellings += other.spellings

    def done(self, spellings: Spellings) -> None:
        """The part's summary once its last document is in: sets as sorted lists, the spellings' counts."""
        self.places, self.referenced = sorted(self.places), sorted(self.referenced)
        self.spellings = [[entity_id, spelling, *counts] for (entity_id, spelling), counts in spellings.counts.items()]

    def spellings_of(self, curated: dict[str, str]) -> Spellings:
        """The corpus's Spellings, from every part's counts."""
        spellings = Spellings(curated)
        for entity_id, spelling, *counts in self.spellings:
            total = spellings.counts.setdefault((entity_id, spelling), [0, 0, 0])
            for i, n in enumerate(counts):
                total[i] += n
        return spellings


def _add_counts(into: dict, counts: dict) -> None:
    for key, n in counts.items():
        into[key] = into.get(key, 0) + n


def linked_places(rows: dict[str, list[dict]], curated) -> set[str]:
    """The package place ids a document's mentions link to (neither curated nor automatic)."""
    return {r["entity_id"] for r in rows["mentions"] if r["entity_id"] is not None
            and r["entity_id"] not in curated and not is_automatic(r["entity_id"])}


class PartCache:
    """build/cache/parts/<key>/: a part's table files and its summary. It keeps the parts of the
    last build only (`keep`), so it holds about one copy of the tables."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder, self.enabled = folder, enabled
        self.store = Store(folder)

    def get(self, key: str) -> PartSummary | None:
        """The part's summary where every file it lists is there with its sha256; else None."""
        if not self.enabled:
            return None
        entry = self.folder / key
        try:
            summary = PartSummary(**self.store.decode((entry / SUMMARY).read_bytes()))
        except (OSError, ValueError, TypeError):
            return None
        for table, digest in summary.files.items():
            path = entry / f"{table}.parquet"
            if not path.is_file() or file_sha256(path) != digest:
                return None
        return summary

    def copy(self, key: str, table: str, target: Path) -> None:
        shutil.copyfile(self.folder / key / f"{table}.parquet", target)

    def put(self, key: str, files: dict[str, Path], summary: PartSummary) -> None:
        """Keep the part's files (table -> written file) and summary under key, whole or not at all."""
        if not self.enabled or (self.folder / key).is_dir():
            return
        tmp = self.folder / TMP_DIR / f"{key}.{os.getpid()}-{uuid.uuid4().hex}"
        tmp.mkdir(parents=True)
        try:
            for table, path in files.items():
                shutil.copyfile(path, tmp / f"{table}.parquet")
            (tmp / SUMMARY).write_bytes(self.store.encode(asdict(summary)))
            tmp.rename(self.folder / key)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)

    def keep(self, keys: set[str]) -> None:
        """Remove every part but those of `keys` (the build that just succeeded)."""
        if not self.enabled or not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.is_dir() and entry.name != TMP_DIR and entry.name not in keys:
                shutil.rmtree(entry)
