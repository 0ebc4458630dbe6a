"""hydrate: put the texts back into a text-free release from the user's own copies of the raw files.

The source is a warnews collection: a folder holding raw/ with the same raw files (or shards) the
release names in documents.raw_path, with their sidecars or records (documents.extra comes back
from them), and outlets/ with the outlet profiles cleaning uses. Each raw
file must have the release's raw_sha256; its clean text is made again by this warnews's cleaning
and must have the sha256 hydrate.json records, so a changed file or a different cleaning is
refused by doc_id rather than giving other texts under the release's name. The raw files are the
source rather than a built documents.parquet: whoever collected the articles holds them, and a
built table would have needed the same cleaning anyway.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow

from warnews import __version__, layout
from warnews.clean import Cleaner
from warnews.errors import WarnewsError
from warnews.ingest import raw_bytes, raw_text
from warnews.release import write_manifest
from warnews.textfree import (
    CLEAN,
    CROISSANT,
    EXTRA,
    FULL_CROISSANT,
    HYDRATE,
    RAW,
    checked_release,
    extra_sha256,
    new_folder,
    read_table,
    text_columns,
    text_sha256,
    write_table,
)
from warnews.versions import MANIFEST, file_sha256


def _record(textfree: Path) -> dict:
    path = textfree / HYDRATE
    if not path.is_file():
        raise WarnewsError(f"{path}: missing; {textfree} is not a text-free release (`warnews strip-text` makes one)")
    record = json.loads(path.read_text(encoding="utf-8"))
    if not all(isinstance(record.get(key), dict) for key in ("text_sha256", "stripped", "files")):
        raise WarnewsError(f"{path}: needs text_sha256, stripped and files; make the copy again with "
                           "`warnews strip-text`")
    if EXTRA in record["stripped"].get("documents", {}) and not isinstance(record.get("extra_sha256"), dict):
        raise WarnewsError(f"{path}: documents.extra was emptied but extra_sha256 is missing, so the fields put back "
                           "could not be checked; make the copy again with `warnews strip-text`")
    return record


def texts(textfree: Path, source: Path, record: dict) -> dict[str, dict]:
    """{clean, raw, extra: doc_id -> the clean text, the raw text, the extra fields}, each checked
    against the sha256 the release records."""
    columns = ["doc_id", "raw_path", "raw_sha256", "outlet", "published"]
    documents = layout.read_table(textfree, "documents")
    rows = documents.select(columns + [c for c in ("input_kind",) if c in documents.column_names]).to_pylist()
    cleaner = Cleaner(source)
    clean, raw, extra = {}, {}, {}
    extras = record.get("extra_sha256") if EXTRA in record["stripped"].get("documents", {}) else None
    for row in rows:
        doc_id, raw_path = row["doc_id"], row["raw_path"]
        found = raw_bytes(source, raw_path, with_metadata=extras is not None)
        if found is None:
            raise WarnewsError(f"{doc_id}: {source / raw_path} is missing; hydration needs your own copy of the raw "
                               "file the release names in raw_path")
        data, is_html, *meta = found
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["raw_sha256"]:
            raise WarnewsError(f"{doc_id}: {source / raw_path} has sha256 {digest}, but the release records "
                               f"{row['raw_sha256']}: it is not the file the release was made from; restore the "
                               "original bytes")
        text, _ = raw_text(data, raw_path, html=is_html)
        result = cleaner.clean(raw_path, row["outlet"], row["published"], text, row.get("input_kind"))
        if text_sha256(result.text) != record["text_sha256"].get(doc_id):
            raise WarnewsError(f"{doc_id}: cleaning {raw_path} gives a text whose sha256 is not the one {HYDRATE} "
                               f"records; the cleaning of warnews {__version__} or the outlet profiles in "
                               f"{source / 'outlets'} differ from those that made release {record.get('version')} "
                               "(its build.json names the warnews version): hydrate with those")
        clean[doc_id], raw[doc_id] = result.text, text
        if extras is not None:
            pairs = [{"key": key, "value": value} for key, value in meta[0].extra]
            if extra_sha256(pairs) != extras.get(doc_id):
                raise WarnewsError(f"{doc_id}: the fields of {source / raw_path} beyond the mapped ones (documents."
                                   f"extra) are not those {HYDRATE} records; its sidecar or record was changed: "
                                   "restore the original")
            extra[doc_id] = pairs
    return {CLEAN: clean, RAW: raw, EXTRA: extra}


def _filled(table: pyarrow.Table, name: str, stripped: dict[str, bool], sources: dict[str, dict]) -> pyarrow.Table:
    if not stripped:
        return table
    doc_ids = table.column("doc_id").to_pylist()
    missing = sorted(set(doc_ids) - set(sources[CLEAN]))
    if missing:
        raise WarnewsError(f"{name}.parquet: rows of {missing[0]}, which documents.parquet does not hold; make the "
                           "text-free copy again with `warnews strip-text`")
    for column, nullable in stripped.items():
        side, start, end = text_columns(name)[column]
        source = sources[side]
        if start is None:
            values = [source[d] for d in doc_ids]
        else:
            values = [None if s is None else source[d][s:e] for d, s, e in
                      zip(doc_ids, table.column(start).to_pylist(), table.column(end).to_pylist())]
        i = table.column_names.index(column)
        field = table.schema.field(i)
        table = table.set_column(i, field.with_nullable(nullable), pyarrow.array(values, field.type))
    return table


def hydrate(textfree: Path, source: Path, out: Path) -> list[str]:
    """Write into `out` (new or empty) the release of which `textfree` is the text-free copy, with
    the texts from the collection `source`; returns the files whose bytes differ from the original
    release's (none where pyarrow and warnews write as they did for it)."""
    checked_release(textfree)
    record = _record(textfree)
    found = texts(textfree, source, record)
    new_folder(out)
    for name, path in layout.table_files(textfree):
        table = _filled(read_table(path), name, record["stripped"].get(name, {}), found)
        write_table(table, out / path.relative_to(textfree), path)
    for path in sorted(textfree.iterdir()):
        if path.is_file() and path.suffix != ".parquet" and path.name not in (MANIFEST, CROISSANT, HYDRATE):
            shutil.copyfile(path, out / (CROISSANT if path.name == FULL_CROISSANT else path.name))
    write_manifest(out)
    return sorted(name for name, digest in record["files"].items()
                  if not (out / name).is_file() or file_sha256(out / name) != digest)
