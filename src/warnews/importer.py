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
give the same bytes, whatever the number of processes (`--jobs`) that checked and cleaned them:
workers check windows of records, the parent takes their results in the order read and alone
decides duplicates and writes.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import re
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pycountry
import zstandard

from warnews import shards
from warnews.add import default_license_note, outlet_facts
from warnews.clean import OUTLETS_DIR, Cleaner
from warnews.dedup import INDEX_PATH, NEAR_DUPLICATE_THRESHOLD, DuplicateIndex, Match, bands, signature, similarity
from warnews.errors import WarnewsError
from warnews.language import MIN_WORDS_FOR_LANGUAGE_CHECK, stored_reading
from warnews.lock import temporary, writing
from warnews.page_dumps import input_kind
from warnews.vocabularies import LANGUAGES, LICENSES
from warnews.annotate import has_words
from warnews.ingest import (EXTRA_KEY, LANGUAGE_READ_KEY, MAX_RAW_BYTES, RAW_DIR, RAW_SUFFIXES, REQUIRED_KEYS, SHARD_SUFFIX, check_bytes, decode_utf8,
                            DOMAIN, check_published, extract_html, parse_sidecar, read_yaml, shown, sidecar_path)
from warnews.ids import SLUG_PATTERN, make_doc_id

SHARD_RECORDS = shards.MAX_RECORDS
FIELDS = ("text", "title", "url", "published", "language")
OUTLET_FACTS = ("outlet_name", "outlet_domain", "outlet_country")  # what outlets/<slug>.yaml tells an import
_SLUG = re.compile(SLUG_PATTERN)
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
    outlet: str | None = None  # --outlet-field: each record names its outlet

    @classmethod
    def from_yaml(cls, path: Path) -> Mapping:
        data = read_yaml(path)
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict) or set(fields) - {*FIELDS, "outlet"} or \
                not all(isinstance(v, str) for v in fields.values()):
            raise WarnewsError(f"{path}: a field mapping is `fields:` with some of {', '.join(FIELDS)}, outlet, each "
                               "the name of a field of the records (e.g. `text: body`)")
        return cls(**fields)


@dataclass(frozen=True)
class Defaults:
    """What the command's flags say of every record (the fields `warnews add` takes)."""

    outlet: str | None  # the four are None with --outlet-field: outlet_table gives each record's
    outlet_name: str | None
    outlet_domain: str | None
    outlet_country: str | None
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
    fields: dict = field(default_factory=dict)  # title, url, published, language, collected, outlet as found
    extra: dict[str, str] = field(default_factory=dict)  # the record's other fields, as text


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

    def summary(self, places: int = 3) -> list[str]:
        """The refusals by reason, each with its first `places` records: a few lines however many
        records were refused, enough to find and fix each kind of problem."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for where, reason in self.refused:
            groups.setdefault(reason.split(":")[0], []).append((where, reason))
        lines = []
        for kind, items in sorted(groups.items()):
            first = f", the first {places}" if len(items) > places else ""
            lines.append(f"{kind}: {len(items):,} record{'s' if len(items) > 1 else ''} refused{first}:")
            lines += [f"  {where}: {reason.split(': ', 1)[-1]}" for where, reason in items[:places]]
        return lines


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


def _fields(record: dict, mapping: Mapping, where: str, used: tuple[str, ...] = ()) -> tuple[dict, dict[str, str]]:
    """A record's mapped facts (each checked to be text) and its other fields as text (Candidate.extra):
    every field but the text, `format`, the mapped ones and `used`, so nothing a collection holds is lost."""
    names = {key: getattr(mapping, key) for key in ("title", "url", "published", "language", "outlet")
             if getattr(mapping, key)}
    found = {key: record.get(name) for key, name in names.items()}
    for key, value in found.items():
        if value is not None:
            _text_field(record, names[key], where)
    skip = {mapping.text, "format", *names.values(), *used}
    extra = {str(key): value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                                        default=str)
             for key, value in record.items() if key not in skip and value is not None}
    return {k: v for k, v in found.items() if v not in (None, "")}, extra


def _from_mapping(record: dict, mapping: Mapping, where: str) -> Candidate:
    data = _text_field(record, mapping.text, where)
    fields, extra = _fields(record, mapping, where)
    html = isinstance(record.get("format"), str) and record["format"].lower() == "html"
    return Candidate(where, data, html, fields, extra)


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


def read_folder(path: Path, mapping: Mapping, manifest: Path | None = None) -> Iterator[Candidate | tuple[str, str]]:
    """The folder's .txt and .html files, each with its facts (see folder_files). A collection is
    what the folder holds: a link is read only where it resolves inside the folder, and one to a
    file or folder outside is refused by its name. Links to folders are never followed (one inside
    leads to files read anyway)."""
    for rel, file, refusal, fields, extra in folder_files(path, mapping, manifest):
        if refusal:
            yield f"{path.name}:{rel}", refusal
        elif file.stat().st_size > MAX_RAW_BYTES:  # never read whole what cannot come in
            yield f"{path.name}:{rel}", f"too large: {file.stat().st_size:,} bytes, over {MAX_RAW_BYTES:,}"
        else:
            yield Candidate(rel, file.read_bytes(), file.suffix == ".html", fields, extra)


def folder_files(path: Path, mapping: Mapping, manifest: Path | None = None) -> list[tuple]:
    """(name, path, refusal or None, fields, extra) of each file of the folder, its text unread, so
    that every file's date can be checked before anything is written. A file's facts are taken
    field by field from its manifest row, else its sidecar (`<name>.meta.yaml` beside it), else,
    for the date, from its name."""
    rows = read_manifest(manifest, path) if manifest else {}
    inside = path.resolve()
    found = []
    for folder, folders, files in os.walk(path):
        found += [Path(folder, name) for name in folders if Path(folder, name).is_symlink()]
        found += [Path(folder, name) for name in files if Path(name).suffix in RAW_SUFFIXES]
    entries = []
    for file in sorted(found):
        rel = file.relative_to(path).as_posix()
        if file.is_symlink() and not file.resolve().is_relative_to(inside):
            what = "folder" if file.is_dir() else "file"
            entries.append((rel, file, f"link outside: {rel} is a link to the {what} {file.resolve()}, outside "
                            f"{path}; only what the folder holds is imported (copy it in if it belongs)", {}, {}))
        elif file.is_file() and file.suffix in RAW_SUFFIXES:
            named = date_in_name(file.name)
            record = {**({mapping.published: named} if named else {}), **_given(_file_sidecar(file)),
                      **_given(rows.get(rel, ("", {}))[1])}
            try:
                entries.append((rel, file, None, *_fields(record, mapping, rel, used=("file",))))
            except Refused as err:
                entries.append((rel, file, str(err), {}, {}))
    return entries


def _given(record: dict) -> dict:
    """The fields that say something: an empty CSV cell or a null leaves the next source's value."""
    return {key: value for key, value in record.items() if value not in (None, "")}


def _file_sidecar(file: Path) -> dict:
    side = sidecar_path(file)
    if not side.is_file():
        return {}
    data = read_yaml(side)
    if not isinstance(data, dict):
        raise WarnewsError(f"{side}: a file's sidecar is a YAML mapping of its fields (title, url, published, "
                           "language, …); nothing was read")
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in data.items()}


_NAME_DATES = (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
               re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)"))


def date_in_name(name: str) -> str | None:
    """The first real date a file's name holds (`2024-05-06-talks.txt`, `talks_20240506.txt`), as
    scrapers often name files by the day; the last place a file's date is looked for."""
    for pattern in _NAME_DATES:
        for match in pattern.finditer(name):
            try:
                return dt.date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


def read_manifest(path: Path, folder: Path) -> dict[str, tuple[str, dict]]:
    """A folder's manifest, CSV or JSON Lines, as {file: (`manifest:line`, row)}. A row must name
    in `file` a .txt or .html file of the folder (its path relative to it), each file once: a row
    that does not is a mistake in the manifest, and an error before anything is read."""
    if not path.is_file():
        raise WarnewsError(f"{path}: no such manifest file")
    rows: dict[str, tuple[str, dict]] = {}
    for line, row in _manifest_rows(path):
        name = row.get("file")
        if not isinstance(name, str) or not name.strip():
            raise WarnewsError(f"{path}: line {line}: no `file`; each row names its file by its path in {folder}")
        rel = os.path.normpath(name).replace(os.sep, "/")
        if os.path.isabs(name) or rel.split("/")[0] == ".." or not (folder / rel).is_file() or \
                Path(rel).suffix not in RAW_SUFFIXES:
            raise WarnewsError(f"{path}: line {line}: `file` {shown(name)} is not a .txt or .html file in {folder}; "
                               "give its path relative to the folder, or remove the row")
        if rel in rows:
            raise WarnewsError(f"{path}: line {line}: {rel} is listed again (first at {rows[rel][0]}); give each "
                               "file one row")
        rows[rel] = (f"{path.name}:{line}", row)
    return rows


def _manifest_rows(path: Path) -> Iterator[tuple[int, dict]]:
    kind = source_kind(path)
    if kind not in ("csv", "jsonl"):
        raise WarnewsError(f"{path}: a manifest is CSV (.csv) or JSON Lines (.jsonl, .gz, .zst)")
    try:
        with _open_text(path) as lines:
            if kind == "jsonl":
                for n, line in enumerate(lines, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as err:
                        raise WarnewsError(f"{path}: line {n}: not a JSON object ({err.msg} at column "
                                           f"{err.colno})") from None
                    if not isinstance(row, dict):
                        raise WarnewsError(f"{path}: line {n}: not a JSON object")
                    yield n, row
                return
            reader = csv.reader(itertools.chain([next(lines, "").removeprefix("\ufeff")], lines))
            header = next(reader, [])
            if "file" not in header:
                raise WarnewsError(f"{path}: line 1: no column `file` (columns: {', '.join(header)}); a manifest "
                                   "names each row's file in `file`")
            start = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header):
                    raise WarnewsError(f"{path}: line {start}: {len(row)} fields, the header has {len(header)}")
                if row:
                    yield start, dict(zip(header, row))
                start = reader.line_num + 1
    except csv.Error as err:  # TooLong too
        raise WarnewsError(f"{path}: {err}; is this the manifest?") from None


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

def prepare(candidate: Candidate, defaults: Defaults, source: Path,
            outlets: dict[str, Defaults] | None = None) -> tuple[dict, str, str, str]:
    """(sidecar fields, raw text, format, the text cleaning starts from) of a record, as a build
    will read it; Refused if not. With `outlets` (--outlet-field), the record's outlet decides
    the defaults it gets."""
    if candidate.data is None or not candidate.data.strip():
        raise Refused("empty text: the record has no text")
    if outlets is not None:
        slug = candidate.fields.get("outlet")
        if slug not in outlets:  # outlets/ knows every slug a record names: this one is none
            raise Refused(f"bad field: the record's outlet (--outlet-field) is {shown(slug) if slug else 'missing'}; "
                          "expected an outlet slug such as news-az")
        defaults = outlets[slug]
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
    extra = candidate.extra
    if extra:  # the record's other fields, kept as text (documents.extra)
        sidecar[EXTRA_KEY] = {str(key): value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                                                       sort_keys=True)
                              for key, value in extra.items()}
    try:
        parse_sidecar({**sidecar, "language": "en"} if language == "und" else sidecar, candidate.where)
    except WarnewsError as err:
        message = str(err).split(": ", 1)[-1]
        kind = "bad date" if "date" in message or "future" in message else "bad field"
        raise Refused(f"{kind}: {message}") from None
    return sidecar, raw, "html" if candidate.html else "txt", text


def language_of(clean: str, declared: str) -> tuple[str, dict]:
    """The record's language and what warnews.language reads in its clean text (the record's
    `language_read`, which the build trusts): the declared language wins, the reading is kept
    beside it; where none was declared (`und`), the reading is the language."""
    reading = stored_reading(clean)
    detected = reading["language"]
    if declared == "und":
        if not has_words(clean, MIN_WORDS_FOR_LANGUAGE_CHECK):
            raise Refused("too short: too few words to tell the language (give --language)")
        if detected is None:
            raise Refused("unknown language: no language could be detected (give --language)")
        declared = detected
    return declared, reading


@dataclass
class Checked:
    """What a worker found in one record: the refusal that comes before the duplicate check
    (`refused`), or the record as it will be written and the refusal found while cleaning it
    (`refused_clean`), or its clean text's signature."""

    refused: str | None = None
    sidecar: dict | None = None
    raw: str | None = None
    fmt: str | None = None
    refused_clean: str | None = None
    signature: object = None


_cleaner: Cleaner | None = None  # each worker's (and, with one process, this process's)


def _start_worker(root: Path) -> None:
    global _cleaner
    _cleaner = Cleaner(root)


def check_record(item: Candidate, where: str, defaults: Defaults, source: Path, outlets: dict | None,
                 known_duplicate: bool) -> Checked:
    """A record checked (warnews.importer.prepare), cleaned and its language read, as far as
    that can be done without knowing the other records; a record the parent already knows as a
    duplicate is not cleaned."""
    try:
        sidecar, raw, fmt, text = prepare(item, defaults, source, outlets)
    except Refused as err:
        return Checked(refused=str(err))
    checked = Checked(sidecar=sidecar, raw=raw, fmt=fmt)
    if known_duplicate:
        return checked
    try:
        clean = _cleaner.clean(where, sidecar["outlet"], dt.date.fromisoformat(sidecar["published"]), text,
                               input_kind(text, html=fmt == "html"))
        if not clean.text:
            raise Refused("empty text: nothing is left after cleaning")
        sidecar["language"], sidecar[LANGUAGE_READ_KEY] = language_of(clean.text, sidecar["language"])
        checked.signature = signature(clean.text)
    except Refused as err:
        checked.refused_clean = str(err)
    return checked


def _check_task(args: tuple) -> Checked:
    return check_record(*args)


# Records handed to the workers at a time: enough to keep them busy, few enough that what is read
# ahead stays small (a window of long records is a few MB).
WINDOW = 256


def checked_records(items, tasks_of, pool) -> Iterator[tuple[object, Checked | None]]:
    """(item, Checked) in the order read; None for what the reader refused itself. `tasks_of` is
    called for each window as it goes out, so it sees what the parent had decided by then; with a
    pool, the next window is out while the parent takes the results of this one."""
    def send():
        window = list(itertools.islice(items, WINDOW))
        tasks = tasks_of([item for item in window if not isinstance(item, tuple)])
        results = (pool.imap(_check_task, tasks, chunksize=max(1, len(tasks) // 32)) if pool and len(tasks) > 1
                   else map(_check_task, tasks))
        return window, iter(results)

    window, results = send()
    while window:
        following = send() if pool else None
        for item in window:
            yield item, None if isinstance(item, tuple) else next(results)
        window, results = following or send()


def _pool(root: Path, jobs: int):
    """Worker processes for check_record (forked on Linux), or None for one process."""
    if jobs < 1:
        raise WarnewsError(f"--jobs {jobs}: give at least 1 process")
    if jobs == 1:
        return None
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn").Pool(
        jobs, initializer=_start_worker, initargs=(root,))


# --- writing shards ----------------------------------------------------------------------------

def record_line(sidecar: dict, raw: str, kind: str) -> bytes:
    """One shard line: the raw text exactly, its format and the sidecar's keys, keys sorted."""
    record = {"raw": raw, "format": kind, **{key: sidecar[key] for key in REQUIRED_KEYS}}
    if LANGUAGE_READ_KEY in sidecar:
        record[LANGUAGE_READ_KEY] = sidecar[LANGUAGE_READ_KEY]
    if sidecar.get(EXTRA_KEY):  # absent where empty: a record without other fields is as 1.5.0 wrote it
        record[EXTRA_KEY] = dict(sorted(sidecar[EXTRA_KEY].items()))
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def write_shard(path: Path, lines: list[bytes]) -> None:
    """A shard (warnews.shards' format), to a temporary name of its own first, synced, then
    renamed: whole or absent, never another's. Refuses to replace a shard (shards are never edited)."""
    tmp = temporary(path)
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
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _next_shard_number(folder: Path) -> int:
    numbers = [int(p.name[:-len(SHARD_SUFFIX)]) for p in folder.glob(f"*{SHARD_SUFFIX}")
               if p.name[:-len(SHARD_SUFFIX)].isdigit()]
    return max(numbers, default=-1) + 1


# --- the command -------------------------------------------------------------------------------

def import_sources(root: Path, sources: list[Path], mapping: Mapping, defaults: Defaults, *,
                   collection: str | None = None, dry_run: bool = False, keep_near_duplicates: bool = False,
                   progress=None, on_record=None, manifest: Path | None = None, strict: bool = False,
                   jobs: int = 1) -> Report:
    """Import every record of `sources` into raw/<collection>/ (default: the outlet's slug, or
    `imported` where each record names its outlet). What can be wrong with a whole import is an
    error before anything is written: flags, sources, the mapping against each source's first
    record, files without a date, outlets not in outlets/. With `strict`, every record is checked
    first (as a dry run does) and a single refusal stops the import with nothing written. `jobs`
    processes check and clean the records; the result does not depend on how many."""
    collection = _check_flags(mapping, defaults, collection)
    kinds = [(source, source_kind(source)) for source in sources]  # every source checked before any is read
    for source, _ in kinds:
        if not source.exists():
            raise WarnewsError(f"{source}: no such file or folder")
    folders = [source for source, kind in kinds if kind == "folder"]
    if manifest and len(folders) != 1:
        raise WarnewsError(f"--manifest {manifest} describes the files of one folder; give exactly one folder "
                           f"among the sources (given: {len(folders)})")
    if mapping.outlet and any(kind == "warc" for _, kind in kinds):
        raise WarnewsError("--outlet-field: a web archive's records have no fields to name their outlet; import "
                           "it separately with --outlet")
    _check_first_records(kinds, mapping)
    used = _survey(kinds, mapping, manifest, defaults)
    outlets = outlet_table(root, used, defaults) if mapping.outlet else None
    with writing(root, "warnews import", progress):
        def run(dry: bool) -> Report:
            return _import_locked(root, kinds, mapping, defaults, collection, dry, keep_near_duplicates, progress,
                                  on_record, outlets, manifest, jobs)
        if strict and not dry_run:
            checked = run(True)
            if checked.refused:
                raise WarnewsError(f"--strict: {len(checked.refused):,} of {checked.read:,} records would be "
                                   "refused, so nothing was written:\n" + "\n".join(checked.summary())
                                   + "\nfix or remove them, or import without --strict to bring the rest in")
        return run(dry_run)


def _check_flags(mapping: Mapping, defaults: Defaults, collection: str | None) -> str:
    """The flags every record gets, checked before any is read; the collection's folder name."""
    outlet = (("--outlet", defaults.outlet), ("--outlet-name", defaults.outlet_name),
              ("--domain", defaults.outlet_domain), ("--country", defaults.outlet_country))
    if mapping.outlet:
        given = [flag for flag, value in outlet if value]
        if given:
            raise WarnewsError(f"--outlet-field {mapping.outlet} takes each record's outlet from its field and the "
                               f"outlet's facts from outlets/; leave out {', '.join(given)}")
        collection = collection or "imported"
    else:
        missing = [flag for flag, value in outlet if not value]
        if missing:
            raise WarnewsError(f"give {', '.join(missing)} (the outlet of every record), or --outlet-field FIELD "
                               "where each record names its outlet")
        if not _SLUG.fullmatch(defaults.outlet):
            raise WarnewsError(f"--outlet {defaults.outlet!r} must be lowercase letters, digits and single hyphens "
                               "(it becomes part of every doc_id); nothing was read")
        _check_outlet(defaults.outlet_name, defaults.outlet_domain, defaults.outlet_country)
        collection = collection or defaults.outlet
    if not _SLUG.fullmatch(collection):
        raise WarnewsError(f"--collection {collection!r} must be lowercase letters, digits and single hyphens")
    if defaults.license not in LICENSES:
        raise WarnewsError(f"--license {defaults.license!r} is not a known value; allowed: {', '.join(LICENSES)}")
    if defaults.language is not None and defaults.language not in LANGUAGES:
        raise WarnewsError(f"--language {defaults.language!r} is not an ISO 639-1 code the language detector "
                           f"knows; allowed: {', '.join(sorted(LANGUAGES))}")
    if defaults.published is not None:
        check_published(defaults.published, "--published-date")
    return collection


def _check_outlet(name, domain, country, labels=("--outlet-name", "--domain", "--country")) -> None:
    """An outlet's facts as every record's sidecar must hold them: one error before any is read."""
    if not isinstance(name, str) or not name.strip():
        raise WarnewsError(f"{labels[0]} {shown(name)} must be the outlet's name as styled (outlet_name)")
    if not isinstance(domain, str) or not DOMAIN.fullmatch(domain):
        raise WarnewsError(f"{labels[1]} {shown(domain)} is not a lowercase domain such as news.az (the records' "
                           "outlet_domain); nothing was read")
    if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country) or \
            pycountry.countries.get(alpha_2=country) is None:
        raise WarnewsError(f"{labels[2]} {shown(country)} is not an ISO 3166-1 alpha-2 code such as AZ (the records' "
                           "outlet_country); nothing was read")


def _check_first_records(kinds, mapping: Mapping) -> None:
    """Each JSON Lines or CSV source's first record must have the text's field and every field
    mapped by name (--title headline, --outlet-field): a misspelt name would otherwise refuse, or
    silently empty, every record. Fields left at their default names may be absent."""
    default = Mapping()
    wanted = {key: getattr(mapping, key) for key in ("text", "title", "url", "published", "language", "outlet")
              if getattr(mapping, key) and (key == "text" or getattr(mapping, key) != getattr(default, key))}
    flags = {"text": "--text", "title": "--title", "url": "--url", "published": "--published",
             "language": "--language-field", "outlet": "--outlet-field"}
    for source, kind in kinds:
        if kind not in ("jsonl", "csv"):
            continue
        names = _first_record_fields(source, kind)
        for key, name in wanted.items():
            if names is not None and name not in names:
                what = "column" if kind == "csv" else "field"
                raise WarnewsError(f"{source}: the first record has no {what} {name!r} for the {key} (its {what}s: "
                                   f"{', '.join(names) or 'none'}); give {flags[key]} {what.upper()}, or --mapping; "
                                   "nothing was read")


def _first_record_fields(path: Path, kind: str) -> list[str] | None:
    """The field names of a source's first record (a CSV's header), or None where none can be read
    (its records are then refused one by one)."""
    with _open_text(path) as lines:
        if kind == "csv":
            try:
                first = next(lines, "")
                return next(csv.reader(itertools.chain([first.removeprefix("\ufeff")], lines)), None)
            except csv.Error as err:
                raise WarnewsError(f"{path}: line 1: the header row cannot be read ({err}); is this a CSV "
                                   "file?") from None
        for _ in range(1000):
            try:
                record = json.loads(next(lines))
            except StopIteration:
                return None
            except (TooLong, ValueError):
                continue
            if isinstance(record, dict):
                return [str(key) for key in record]
    return None


def _survey(kinds, mapping: Mapping, manifest: Path | None, defaults: Defaults) -> dict[str, list]:
    """Read through the collection before writing: a folder's files without a date are an error
    (together, not one by one), and with --outlet-field every outlet slug the records name is
    collected as {slug: [count, first places]}."""
    used: dict[str, list] = {}
    undated = []

    def note(slug, where: str) -> None:
        if isinstance(slug, str) and _SLUG.fullmatch(slug):  # a malformed one is refused with its record
            count, places = used.setdefault(slug, [0, []])
            used[slug] = [count + 1, places + [where] if len(places) < 3 else places]

    for source, kind in kinds:
        if kind == "folder":
            for rel, _, refusal, fields, _ in folder_files(source, mapping, manifest):
                if refusal is None and not defaults.published and "published" not in fields and rel.endswith(".txt"):
                    undated.append(f"{source.name}:{rel}")  # a page may hold its own date
                if refusal is None and mapping.outlet:
                    note(fields.get("outlet"), f"{source.name}:{rel}")
        elif mapping.outlet:
            for item in READERS[kind](source, mapping):
                if isinstance(item, Candidate):
                    note(item.fields.get("outlet"), item.where)
    if undated:
        shown_names = ", ".join(undated[:20]) + (f", and {len(undated) - 20:,} more" if len(undated) > 20 else "")
        raise WarnewsError(f"{len(undated):,} file{'s have' if len(undated) > 1 else ' has'} no publication date "
                           f"(no manifest row, sidecar or date in the name): {shown_names}; give --manifest, "
                           "sidecars, or --published-date; nothing was written")
    return used


def outlet_table(root: Path, used: dict[str, list], defaults: Defaults) -> dict[str, Defaults]:
    """Each outlet the records name, with its name, domain and country from outlets/<slug>.yaml
    (outlet_name, outlet_domain, outlet_country), else from a sidecar already in raw/<slug>/. All
    outlets not known are named in one error, before anything is written."""
    table, problems = {}, []
    for slug, (count, places) in sorted(used.items()):
        profile = root / OUTLETS_DIR / f"{slug}.yaml"
        facts = outlet_facts(root, slug)
        if profile.is_file():
            data = read_yaml(profile)
            if not isinstance(data, dict) or data.get("outlet") != slug:
                raise WarnewsError(f"{profile}: an outlet profile is a mapping whose `outlet` is its file's name "
                                   f"({slug})")
            facts.update({key: data[key] for key in OUTLET_FACTS if data.get(key) is not None})
        missing = [key for key in OUTLET_FACTS if not facts.get(key)]
        records = ", ".join(places) + (", …" if count > len(places) else "")
        if missing and profile.is_file():
            problems.append(f"outlet {slug!r} (records {records}): {OUTLETS_DIR}/{slug}.yaml has no "
                            f"{', '.join(missing)}: add {'them' if len(missing) > 1 else 'it'}")
        elif missing:
            problems.append(f"outlet {slug!r} (records {records}) is not in {OUTLETS_DIR}/: add "
                            f"{OUTLETS_DIR}/{slug}.yaml with outlet: {slug}, outlet_name, outlet_domain and "
                            "outlet_country")
        else:
            _check_outlet(*(facts[key] for key in OUTLET_FACTS), labels=[f"{profile}: {key}" for key in OUTLET_FACTS])
            table[slug] = dataclasses.replace(defaults, outlet=slug, **{key: facts[key] for key in OUTLET_FACTS})
    if problems:
        raise WarnewsError("; ".join(problems) + "; nothing was written")
    return table


def _import_locked(root, kinds, mapping, defaults, collection, dry_run, keep_near_duplicates, progress,
                   on_record, outlets=None, manifest=None, jobs=1) -> Report:
    """import_sources while holding the collection's lock: the shard numbers are chosen by one writer."""
    folder = root / RAW_DIR / collection
    report = Report()
    pool = _pool(root, jobs)
    if pool is None:  # this process checks the records itself
        _start_worker(root)
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
            items = read_folder(source, mapping, manifest) if kind == "folder" else READERS[kind](source, mapping)

            def where_of(item: Candidate) -> str:
                return f"{source.name}:{item.where}" if kind == "folder" else item.where

            def tasks_of(window: list[Candidate]) -> list[tuple]:
                return [(item, where_of(item), defaults, source, outlets, _known_duplicate(item, in_this_import, index))
                        for item in window]

            for item, checked in checked_records(iter(items), tasks_of, pool):
                report.read += 1
                if on_record:
                    on_record(1)
                if checked is None:
                    report.refused.append(item)
                    continue
                where = where_of(item)
                try:
                    if checked.refused:
                        raise Refused(checked.refused)
                    sidecar, sha = checked.sidecar, checked.sidecar["sha256"]
                    earlier = in_this_import.get(sha) or index.exact(sha)
                    if earlier:
                        raise Refused(f"duplicate: the same bytes as {earlier}")
                    if checked.refused_clean:
                        raise Refused(checked.refused_clean)
                    sig = checked.signature
                    near = index.near(sig) + _near_pending(sig, pending, pending_bands)
                    if near:
                        report.near_duplicates.append((where, near[0].ref, near[0].similarity))
                        if not keep_near_duplicates:
                            raise Refused(f"near-duplicate: estimated similarity {near[0].similarity} with {near[0].ref}")
                except Refused as err:
                    report.refused.append((where, str(err)))
                    continue
                in_this_import[sha] = where
                doc_id = make_doc_id(sidecar["outlet"], dt.date.fromisoformat(sidecar["published"]), sha)
                for band in bands(sig):
                    pending_bands.setdefault(band, []).append(len(pending))
                pending.append((doc_id, record_line(sidecar, checked.raw, checked.fmt), sha, sig))
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
        if pool is not None:
            pool.terminate()
            pool.join()
    return report


def _known_duplicate(item: Candidate, in_this_import: dict, index: DuplicateIndex) -> bool:
    """Whether the record's bytes are already in, as far as the parent knows when it hands the
    record out (so a worker need not clean it; the parent decides again when the result is back)."""
    if item.data is None:
        return False
    sha = hashlib.sha256(item.data).hexdigest()
    return sha in in_this_import or index.exact(sha) is not None


def _near_pending(sig, pending: list, pending_bands: dict) -> list[Match]:
    """Near-duplicates among this import's records not yet written (found by their LSH bands)."""
    candidates = sorted({i for band in bands(sig) for i in pending_bands.get(band, ())})
    found = [Match(f"{pending[i][0]} (this import)", round(similarity(sig, pending[i][3]), 3)) for i in candidates]
    return [m for m in found if m.similarity >= NEAR_DUPLICATE_THRESHOLD]
