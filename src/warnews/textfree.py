"""textfree: a copy of a release without its texts, the way GDELT and tweet-id datasets ship.

Texts whose license does not allow passing them on can still be described: ids, urls, offsets,
hashes and every annotation stay, and every column that copies text is set to null
(documents.text and documents.extra, the record's other fields, which may hold the publisher's
words; the edits' raw_text and clean_text, each span table's text and its other spans'
texts such as quotes.speaker_text and turns.label). Nulls rather than dropped columns keep every
table's columns and types, so code written for the release reads the copy; the emptied columns
become nullable. Annotations written by people or rules (entity names, errata findings, roles and
descriptions as printed) are kept even where they repeat a few words of a text.

hydrate.json records what `warnews hydrate` needs to put the texts back and prove it did: each
document's sha256 of its clean text (raw_sha256 covers only the raw bytes) and of its extra
fields, which columns were
emptied and whether they were nullable, and the sha256 of every file of the original release.
croissant.json is written anew so that it describes the copy's own files; the release's own is
kept as croissant.full.json, which hydration puts back in its place.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq

from warnews import layout
from warnews.config import Config
from warnews.croissant import About, write_croissant
from warnews.errors import WarnewsError
from warnews.parquet import write_options
from warnews.release import write_manifest
from warnews.schema import TABLES
from warnews.versions import MANIFEST, check_manifest

HYDRATE = "hydrate.json"
CROISSANT = "croissant.json"
FULL_CROISSANT = "croissant.full.json"
CLEAN, RAW, EXTRA = "clean", "raw", "extra"


def text_columns(table: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Columns of `table` that copy text -> (clean or raw text, start column, end column);
    documents.text is the whole clean text and documents.extra the record's other fields, which
    may hold the publisher's words too (a summary, a lead), so they go as well (no columns)."""
    if table == "documents":
        return {"text": (CLEAN, None, None), "extra": (EXTRA, None, None)}
    if table == "edits":
        return {"raw_text": (RAW, "raw_start", "raw_end"), "clean_text": (CLEAN, "clean_start", "clean_end")}
    spec = TABLES.get(table)
    if spec is None or not spec.span:
        return {}
    return {"text": (CLEAN, "start", "end"), **{text: (CLEAN, start, end) for text, start, end in spec.secondary_spans}}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extra_sha256(pairs: list[dict]) -> str:
    """sha256 of a document's extra fields as [[key, value], …] in JSON, as they are sorted."""
    return text_sha256(json.dumps([[p["key"], p["value"]] for p in pairs], ensure_ascii=False))


def row_group_size(path: Path) -> int:
    """The row group size a table was written with, as far as its file shows it (every group but
    the last is full, so the largest group gives the same groups again)."""
    meta = pq.ParquetFile(path).metadata
    return max((meta.row_group(i).num_rows for i in range(meta.num_row_groups)), default=0) or Config.row_group_size


def read_table(path: Path) -> pyarrow.Table:
    """The table with the Arrow schema it was written with: Parquet alone names a list's items
    `element` where the release's schema says `item`, which would change the bytes written again."""
    file = pq.ParquetFile(path)
    table = file.read()
    stored = (file.metadata.metadata or {}).get(b"ARROW:schema")
    return table.cast(pyarrow.ipc.read_schema(pyarrow.py_buffer(base64.b64decode(stored)))) if stored else table


def write_table(table: pyarrow.Table, path: Path, like: Path) -> None:
    """Deterministic Parquet with the options every table is written with and the row groups of
    `like`; the table keeps its own schema metadata."""
    path.parent.mkdir(exist_ok=True)
    pq.write_table(table, path, **{**write_options(), "row_group_size": row_group_size(like)})


def release_version(folder: Path) -> str:
    path = folder / "build.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        raise WarnewsError(f"{path}: missing or without `version`; is {folder} a release folder?") from None


def new_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise WarnewsError(f"{out}: already exists and is not an empty folder; choose a new folder for the copy")
    out.mkdir(parents=True, exist_ok=True)


def checked_release(folder: Path) -> None:
    if not folder.is_dir():
        raise WarnewsError(f"{folder}: no such folder")
    problems = check_manifest(folder)
    if problems:
        raise WarnewsError(f"{folder}: its files do not match its manifest; restore it from a copy:\n"
                           + "\n".join(problems))


def strip_text(folder: Path, out: Path) -> dict:
    """Write the text-free copy of the release in `folder` into `out` (new or empty); returns
    what hydrate.json records."""
    checked_release(folder)
    version = release_version(folder)
    tables = layout.table_files(folder)
    unknown = sorted({name for name, _ in tables if name not in TABLES})
    if unknown:
        raise WarnewsError(f"{folder}: tables {', '.join(unknown)} are not known to warnews, so which of their "
                           "columns hold text is not known; strip them with the warnews version that made them")
    if not layout.files_of(folder, "documents"):
        raise WarnewsError(f"{folder}: no documents.parquet; is this a release folder?")
    if (folder / HYDRATE).is_file():
        raise WarnewsError(f"{folder}: holds {HYDRATE}, so it is text-free already; strip the release itself")
    new_folder(out)
    columns = [c for c in ("doc_id", "text", "extra") if c in layout.read_schema(folder, "documents").names]
    documents = layout.read_table(folder, "documents", columns)
    doc_ids = documents.column("doc_id").to_pylist()
    record = {
        "version": version,
        "text_sha256": {d: text_sha256(t) for d, t in zip(doc_ids, documents.column("text").to_pylist())},
        **({"extra_sha256": {d: extra_sha256(e) for d, e in zip(doc_ids, documents.column("extra").to_pylist())}}
           if "extra" in documents.column_names else {}),
        "stripped": {},
        "files": {name: digest for digest, name in (line.split("  ", 1) for line in
                                                    (folder / MANIFEST).read_text(encoding="utf-8").splitlines())},
    }
    for name, path in tables:
        table = read_table(path)
        stripped = {}
        for column in text_columns(name):
            if column in table.column_names:
                i = table.column_names.index(column)
                field = table.schema.field(i)
                stripped[column] = field.nullable
                table = table.set_column(i, field.with_nullable(True), pyarrow.nulls(table.num_rows, field.type))
        record["stripped"][name] = stripped
        write_table(table, out / path.relative_to(folder), path)
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix != ".parquet" and path.name not in (MANIFEST, CROISSANT):
            shutil.copyfile(path, out / path.name)
    if (folder / CROISSANT).is_file():
        shutil.copyfile(folder / CROISSANT, out / FULL_CROISSANT)
        write_croissant(out, version, About.read(folder / CROISSANT))
    (out / HYDRATE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    write_manifest(out)
    return record
