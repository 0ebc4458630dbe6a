"""importer: bring a whole collection into raw/ as shards, refusing record by record what cannot
be trusted.

Sources: JSON Lines (.jsonl, .jsonl.gz, .jsonl.zst; one object a line), CSV (.csv, with a header
row), a folder of .txt and .html files, and web archives (.warc, .warc.gz; HTML responses go
through the HTML path with the record's target URI, and its date as the date of collection).
Fields are found by name (`text`, `title`, `url`, `published` unless mapped otherwise); what a
record does not carry (outlet, license, language…) comes from the command's flags.

Each record is checked exactly as a build will read it. A bad record (no text, not UTF-8, a bad
date, too short to tell its language, a duplicate…) is refused with its reason and never stops
the others. Accepted records are written as shards `raw/<collection>/<NNNNN>.jsonl.zst` of at
most SHARD_RECORDS records each, sorted by doc_id inside a shard, each shard written to a
temporary name and renamed, so a shard is whole or absent. The same records in the same order
give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import zstandard

from warnews.annotate import (LANGUAGE_SAMPLE_CHARS, MIN_WORDS_FOR_LANGUAGE_CHECK, check_language, count_words,
                               detect_language)
from warnews import shards
from warnews.add import default_license_note
from warnews.clean import Cleaner
from warnews.dedup import INDEX_PATH, NEAR_DUPLICATE_THRESHOLD, DuplicateIndex, Match, bands, signature, similarity
from warnews.errors import WarnewsError
from warnews.lock import writing
from warnews.page_dumps import input_kind
from warnews.vocabularies import LICENSES
from warnews.ingest import (MAX_RAW_BYTES, RAW_DIR, RAW_SUFFIXES, REQUIRED_KEYS, SHARD_SUFFIX, check_bytes, decode_utf8,
                            extract_html, parse_sidecar, read_yaml)
from warnews.ids import make_doc_id

SHARD_RECORDS = shards.MAX_RECORDS
FIELDS = ("text", "title", "url", "published", "language")
_SOURCE_KINDS = {".jsonl": "jsonl", ".jsonl.gz": "jsonl", ".jsonl.zst": "jsonl", ".csv": "csv", ".warc": "warc",
                 ".warc.gz": "warc"}


@dataclass(frozen=True)
class Mapping:
    """Which field of a record holds each fact (`--text body`, or a YAML file's `fields:`)."""

    text: str = "text"
    title: str = "title"
    url: str = "url"
    published: str = "published"
    language: str = "language"

    @classmethod
    def from_yaml(cls, path: Path) -> Mapping:
        data = read_yaml(path)
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict) or set(fields) - set(FIELDS) or not all(isinstance(v, str) for v in fields.values()):
            raise WarnewsError(f"{path}: a field mapping is `fields:` with some of {', '.join(FIELDS)}, each the name "
                               "of a field of the records (e.g. `text: body`)")
        return cls(**fields)


@dataclass(frozen=True)
class Defaults:
    """What the command's flags say of every record (the fields `warnews add` takes)."""

    outlet: str
    outlet_name: str
    outlet_domain: str
    outlet_country: str
    license: str
    license_note: str | None = None
    language: str | None = None
    published: str | None = None
    collected_from: str | None = None


@dataclass
class Candidate:
    where: str  # `<source>:<line>` or the file or WARC record it came from
    data: bytes | None  # the raw bytes, or None where the record has no text
    html: bool
    fields: dict = field(default_factory=dict)  # title, url, published, language, collected as found


@dataclass
class Report:
    read: int = 0
    accepted: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (where, raw document, similarity)
    shards: list[str] = field(default_factory=list)

    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, reason in self.refused:
            kind = reason.split(":")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return dict(sorted(counts.items()))


class Refused(Exception):
    """A record that cannot come in; the message starts with its kind (`bad date: …`)."""


# --- reading sources ---------------------------------------------------------------------------

def source_kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    for suffix, kind in sorted(_SOURCE_KINDS.items(), key=lambda x: -len(x[0])):
        if path.name.endswith(suffix):
            return kind
    raise WarnewsError(f"{path}: not a source warnews imports; give .jsonl (.gz, .zst), .csv, .warc (.gz) or a folder")


class TooLong(csv.Error):
    """A source line over shards.MAX_LINE_BYTES; a csv.Error, so the csv reader's caller refuses
    its row as it refuses any malformed one."""


class _open_text:
    """A source's lines as text, decompressing .gz and .zst as they are read. A line longer than
    a shard may hold is skipped while it is read, never held whole, and raises TooLong: the limit
    holds while decompressing. Bytes that are not UTF-8 fail per line."""

    def __init__(self, path: Path):
        self.file = open(path, "rb")
        if path.name.endswith(".gz"):
            self.stream = gzip.open(self.file)
        elif path.name.endswith(".zst"):  # pzstd writes many frames
            reader = zstandard.ZstdDecompressor().stream_reader(self.file, read_across_frames=True)
            self.stream = io.BufferedReader(reader, buffer_size=1 << 20)
        else:
            self.stream = self.file

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stream.close()
        self.file.close()

    def __iter__(self):
        return self

    def __next__(self) -> str:
        """The next line; after TooLong, the line after the long one (a generator could not go on)."""
        limit = shards.MAX_LINE_BYTES
        line = self.stream.readline(limit + 2)
        if not line:
            raise StopIteration
        if len(line.rstrip(b"\r\n")) > limit:
            while not line.endswith(b"\n") and (line := self.stream.readline(1 << 20)):
                pass
            raise TooLong(f"a line of over {limit:,} bytes (a record's text may have {MAX_RAW_BYTES:,})")
        return line.decode("utf-8", errors="surrogateescape")


def _text_field(record: dict, name: str, where: str) -> bytes | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refused(f"bad field: `{name}` is {type(value).__name__}, not text")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("not UTF-8: the text holds bytes that are not UTF-8") from None


def _from_mapping(record: dict, mapping: Mapping, where: str) -> Candidate:
    data = _text_field(record, mapping.text, where)
    found = {key: record.get(getattr(mapping, key)) for key in ("title", "url", "published", "language")}
    for key, value in found.items():
        if value is not None:
            _text_field(record, getattr(mapping, key), where)
    html = isinstance(record.get("format"), str) and record["format"].lower() == "html"
    return Candidate(where, data, html, {k: v for k, v in found.items() if v not in (None, "")})


def read_jsonl(path: Path, mapping: Mapping) -> Iterator[Candidate | tuple[str, str]]:
    with _open_text(path) as lines:
        n = 0
        while True:
            n += 1
            where = f"{path.name}:{n}"
            try:
                line = next(lines)
            except StopIteration:
                return
            except TooLong as err:
                yield where, f"too large: {err}"
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                yield where, f"bad record: not a JSON object ({err.msg} at column {err.colno})"
                continue
            except UnicodeError:
                yield where, "not UTF-8: the line holds bytes that are not UTF-8"
                continue
            if not isinstance(record, dict):
                yield where, "bad record: not a JSON object"
                continue
            try:
                yield _from_mapping(record, mapping, where)
            except Refused as err:
                yield where, str(err)


def read_csv(path: Path, mapping: Mapping) -> Iterator[Candidate | tuple[str, str]]:
    """Rows by the header's column names. A UTF-8 byte-order mark before the header is dropped (as
    utf-8-sig drops it), so the first column keeps its name; a row with more or fewer fields than
    the header is refused by its line, never cut or padded into a record."""
    csv.field_size_limit(16 * 1024 * 1024)
    with _open_text(path) as handle:
        try:
            first = next(handle, "")
            reader = csv.reader(itertools.chain([first.removeprefix("\ufeff")], handle))  # goes on after TooLong
            header = next(reader, None)
        except csv.Error as err:
            raise WarnewsError(f"{path}: line 1: the header row cannot be read ({err}); is this a CSV file?") from None
        if header is None or mapping.text not in header:
            raise WarnewsError(f"{path}: no column {mapping.text!r} for the text (columns: "
                               f"{', '.join(header or [])}); give --text COLUMN")
        while True:
            line = reader.line_num + 1
            where = f"{path.name}:{line}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                yield where, f"bad record: {err}"
                continue
            if not row:
                continue  # a blank line
            if len(row) != len(header):
                yield where, f"bad record: line {line} has {len(row)} fields, the header has {len(header)}"
                continue
            try:
                yield _from_mapping(dict(zip(header, row)), mapping, where)
            except Refused as err:
                yield where, str(err)


def read_folder(path: Path, mapping: Mapping) -> Iterator[Candidate | tuple[str, str]]:
    """The folder's .txt and .html files. A collection is what the folder holds: a link is read
    only where it resolves inside the folder, and one to a file or folder outside is refused by its
    name. Links to folders are never followed (one inside leads to files read anyway)."""
    inside = path.resolve()
    found = []
    for folder, folders, files in os.walk(path):
        found += [Path(folder, name) for name in folders if Path(folder, name).is_symlink()]
        found += [Path(folder, name) for name in files if Path(name).suffix in RAW_SUFFIXES]
    for file in sorted(found):
        rel = file.relative_to(path).as_posix()
        if file.is_symlink() and not file.resolve().is_relative_to(inside):
            what = "folder" if file.is_dir() else "file"
            yield f"{path.name}:{rel}", (f"link outside: {rel} is a link to the {what} {file.resolve()}, outside "
                                         f"{path}; only what the folder holds is imported (copy it in if it belongs)")
        elif file.is_file() and file.suffix in RAW_SUFFIXES:
            if file.stat().st_size > MAX_RAW_BYTES:  # never read whole what cannot come in
                yield f"{path.name}:{rel}", f"too large: {file.stat().st_size:,} bytes, over {MAX_RAW_BYTES:,}"
                continue
            yield Candidate(rel, file.read_bytes(), file.suffix == ".html", {})


def read_warc(path: Path, mapping: Mapping) -> Iterator[Candidate | tuple[str, str]]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        for n, record in enumerate(ArchiveIterator(stream), 1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{path.name}:{uri or n}"
            status = record.http_headers.get_statuscode()
            kind = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in kind:
                continue  # images, scripts, style sheets: not pages
            if status != "200":
                yield where, f"not a page: HTTP status {status}"
                continue
            payload = record.content_stream().read(MAX_RAW_BYTES + 1)  # decompressed no further than the limit
            if len(payload) > MAX_RAW_BYTES:
                yield where, f"too large: the page is over {MAX_RAW_BYTES:,} bytes"
                continue
            charset = re.search(r"charset=([\w-]+)", kind)
            if charset and charset.group(1) not in ("utf-8", "utf8"):
                try:
                    payload = payload.decode(charset.group(1)).encode("utf-8")
                except (LookupError, UnicodeDecodeError):
                    yield where, f"not UTF-8: the page says charset {charset.group(1)} and does not decode as it"
                    continue
            date = (record.rec_headers.get_header("WARC-Date") or "")[:10]
            yield Candidate(where, payload, True, {"url": uri, "collected": date or None})


READERS = {"jsonl": read_jsonl, "csv": read_csv, "folder": read_folder, "warc": read_warc}


# --- checking a record -------------------------------------------------------------------------

def prepare(candidate: Candidate, defaults: Defaults, source: Path) -> tuple[dict, str, str, str]:
    """(sidecar fields, raw text, format, the text cleaning starts from) of a record, as a build
    will read it; Refused if not."""
    if candidate.data is None or not candidate.data.strip():
        raise Refused("empty text: the record has no text")
    try:
        check_bytes(candidate.data, candidate.where)
        raw = decode_utf8(candidate.data, candidate.where)
        text, page = extract_html(raw, candidate.where) if candidate.html else (raw, {})
    except WarnewsError as err:
        message = str(err).split(": ", 1)[-1]
        kind = "not UTF-8" if "UTF-8" in message else "no article" if "article text" in message else "bad text"
        raise Refused(f"{kind}: {message}") from None
    fields = candidate.fields
    published = fields.get("published") or defaults.published or page.get("date")
    if not published:
        raise Refused("bad date: no publication date (map one with --published FIELD, or give --published-date)")
    published = str(published)[:10] if re.match(r"^\d{4}-\d{2}-\d{2}(?:[T ].*)?$", str(published)) else published
    language = fields.get("language") or defaults.language or "und"  # detected after cleaning, see language_of
    sidecar = {
        "sha256": hashlib.sha256(candidate.data).hexdigest(), "outlet": defaults.outlet,
        "outlet_name": defaults.outlet_name, "outlet_domain": defaults.outlet_domain,
        "outlet_country": defaults.outlet_country, "published": published, "url": fields.get("url"),
        "title": fields.get("title") or page.get("title"), "language": language, "license": defaults.license,
        "license_note": defaults.license_note or default_license_note(defaults.license, defaults.outlet_name),
        "collected": fields.get("collected") or dt.date.today().isoformat(),
        "collected_from": defaults.collected_from or f"Imported with `warnews import` from {source.name} "
        f"({candidate.where}); how the collection was made was not recorded.",
    }
    try:
        parse_sidecar({**sidecar, "language": "en"} if language == "und" else sidecar, candidate.where)
    except WarnewsError as err:
        message = str(err).split(": ", 1)[-1]
        kind = "bad date" if "date" in message or "future" in message else "bad field"
        raise Refused(f"{kind}: {message}") from None
    return sidecar, raw, "html" if candidate.html else "txt", text


def language_of(clean: str, declared: str, where: str) -> str:
    """The declared language, checked on the clean text as the build checks it; or, where none was
    declared (`und`), the language detected on the same part of the clean text."""
    if declared != "und":
        try:
            check_language(clean, declared, where)
        except WarnewsError as err:
            raise Refused(f"wrong language: {str(err).split(': ', 1)[-1]}") from None
        return declared
    if count_words(clean) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        raise Refused("too short: too few words to tell the language (give --language)")
    detected = detect_language(clean[:LANGUAGE_SAMPLE_CHARS])[0]
    if detected is None:
        raise Refused("unknown language: no language could be detected (give --language)")
    return detected


# --- writing shards ----------------------------------------------------------------------------

def record_line(sidecar: dict, raw: str, kind: str) -> bytes:
    """One shard line: the raw text exactly, its format and the sidecar's keys, keys sorted."""
    record = {"raw": raw, "format": kind, **{key: sidecar[key] for key in REQUIRED_KEYS}}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def write_shard(path: Path, lines: list[bytes]) -> None:
    """A shard (warnews.shards' format), to a temporary name of its own first, synced, then
    renamed: whole or absent, never another's. Refuses to replace a shard (shards are never edited)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as handle:
            handle.write(shards.encode(lines))
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():  # the lock's holder alone writes raw/, so nothing appears between check and rename
            raise FileExistsError
        os.replace(tmp, path)
    except FileExistsError:
        _discard(tmp)
        raise WarnewsError(f"{path}: exists already; shards are never replaced") from None
    except OSError as err:
        _discard(tmp)
        raise WarnewsError(f"{path.parent}: cannot write the shard {path.name} ({err.strerror}); nothing of it was "
                           "written and the records already imported are kept: make raw/ writable (or free "
                           "space) and import again, records already in come back as duplicates") from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(path: Path) -> None:
    """Remove a temporary file where one can (on a read-only or full disk there may be none)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _next_shard_number(folder: Path) -> int:
    numbers = [int(p.name[:-len(SHARD_SUFFIX)]) for p in folder.glob(f"*{SHARD_SUFFIX}")
               if p.name[:-len(SHARD_SUFFIX)].isdigit()]
    return max(numbers, default=-1) + 1


# --- the command -------------------------------------------------------------------------------

def import_sources(root: Path, sources: list[Path], mapping: Mapping, defaults: Defaults, *,
                   collection: str | None = None, dry_run: bool = False, keep_near_duplicates: bool = False,
                   progress=None, on_record=None) -> Report:
    """Import every record of `sources` into raw/<collection>/ (default: the outlet's slug)."""
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", defaults.outlet):
        raise WarnewsError(f"--outlet {defaults.outlet!r} must be lowercase letters, digits and single hyphens "
                           "(it becomes part of every doc_id); nothing was read")
    collection = collection or defaults.outlet
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", collection):
        raise WarnewsError(f"--collection {collection!r} must be lowercase letters, digits and single hyphens")
    if defaults.license not in LICENSES:
        raise WarnewsError(f"--license {defaults.license!r} is not a known value; allowed: {', '.join(LICENSES)}")
    kinds = [(source, source_kind(source)) for source in sources]  # every source checked before any is read
    for source, _ in kinds:
        if not source.exists():
            raise WarnewsError(f"{source}: no such file or folder")
    with writing(root, "warnews import", progress):
        return _import_locked(root, kinds, mapping, defaults, collection, dry_run, keep_near_duplicates, progress,
                              on_record)


def _import_locked(root, kinds, mapping, defaults, collection, dry_run, keep_near_duplicates, progress,
                   on_record) -> Report:
    """import_sources while holding the collection's lock: the shard numbers are chosen by one writer."""
    folder = root / RAW_DIR / collection
    report = Report()
    cleaner = Cleaner(root)
    index = DuplicateIndex.open(root, progress)
    number = _next_shard_number(folder)
    pending: list[tuple[str, bytes, str, object]] = []  # (doc_id, line, sha256, signature)
    pending_bands: dict[tuple[int, bytes], list[int]] = {}  # LSH bands of the pending records
    in_this_import: dict[str, str] = {}

    def flush() -> None:
        nonlocal number, pending
        pending_bands.clear()
        if not pending or dry_run:
            pending = []
            return
        pending.sort(key=lambda item: item[0])
        shard = folder / f"{number:05d}{SHARD_SUFFIX}"
        written = False
        try:  # the shard and its index entries come in together: the index commits after the rename
            with index.db:
                for line_number, (_, _, sha, sig) in enumerate(pending, 1):
                    index.add(sha, f"{shard.relative_to(root).as_posix()}#{line_number}", sig)
                write_shard(shard, [line for _, line, _, _ in pending])
                written = True
                index.seen(shard)
        except BaseException:
            if written:  # the index could not commit: the shard goes too (a kill here is undone by the next sync)
                shard.unlink(missing_ok=True)
            raise
        report.shards.append(shard.relative_to(root).as_posix())
        number, pending = number + 1, []

    try:
        for source, kind in kinds:
            for item in READERS[kind](source, mapping):
                report.read += 1
                if on_record:
                    on_record(1)
                if isinstance(item, tuple):
                    report.refused.append(item)
                    continue
                where = f"{source.name}:{item.where}" if kind in ("folder",) else item.where
                try:
                    sidecar, raw, fmt, text = prepare(item, defaults, source)
                    sha = sidecar["sha256"]
                    earlier = in_this_import.get(sha) or index.exact(sha)
                    if earlier:
                        raise Refused(f"duplicate: the same bytes as {earlier}")
                    published = dt.date.fromisoformat(sidecar["published"])
                    clean = cleaner.clean(where, defaults.outlet, published, text, input_kind(text, html=fmt == "html"))
                    if not clean.text:
                        raise Refused("empty text: nothing is left after cleaning")
                    sidecar["language"] = language_of(clean.text, sidecar["language"], where)
                    sig = signature(clean.text)
                    near = index.near(sig) + _near_pending(sig, pending, pending_bands)
                    if near:
                        report.near_duplicates.append((where, near[0].ref, near[0].similarity))
                        if not keep_near_duplicates:
                            raise Refused(f"near-duplicate: estimated similarity {near[0].similarity} with {near[0].ref}")
                except Refused as err:
                    report.refused.append((where, str(err)))
                    continue
                in_this_import[sha] = where
                doc_id = make_doc_id(defaults.outlet, published, sha)
                for band in bands(sig):
                    pending_bands.setdefault(band, []).append(len(pending))
                pending.append((doc_id, record_line(sidecar, raw, fmt), sha, sig))
                report.accepted += 1
                if len(pending) >= SHARD_RECORDS:
                    flush()
                if progress and report.read % 1000 == 0:
                    progress(f"read {report.read:,} records: {report.accepted:,} accepted, "
                             f"{len(report.refused):,} refused")
        flush()
    except sqlite3.OperationalError as err:  # the index's transaction was rolled back with its shard
        raise WarnewsError(f"{root / INDEX_PATH}: the duplicate index could not be written ({err}); the shards "
                           f"written before ({len(report.shards)}) are kept and indexed, the rest was not imported: "
                           "free space and import again (records already in come back as duplicates)") from None
    finally:
        index.close()
    return report


def _near_pending(sig, pending: list, pending_bands: dict) -> list[Match]:
    """Near-duplicates among this import's records not yet written (found by their LSH bands)."""
    candidates = sorted({i for band in bands(sig) for i in pending_bands.get(band, ())})
    found = [Match(f"{pending[i][0]} (this import)", round(similarity(sig, pending[i][3]), 3)) for i in candidates]
    return [m for m in found if m.similarity >= NEAR_DUPLICATE_THRESHOLD]
