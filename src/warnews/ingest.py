"""ingest: read raw files and their sidecars; refuse what cannot be trusted.

A raw document is a file with a sidecar beside it (`raw/<outlet>/<name>.txt` and
`<name>.meta.yaml`), or a record in a shard (`raw/<collection>/<shard>.jsonl.zst`, written by
`warnews import`): one JSON object a line holding the raw text exactly (`raw`), whether it is
text or HTML (`format`), and the sidecar's keys. A record is named `<shard path>#<line>`.

Guarantees to the next stage: the raw text is the strict UTF-8 decoding of bytes whose sha256 is
the one the sidecar (or record) records, and the metadata has every required key with a valid
value. Nothing else in the package reads `raw/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from warnews import shards
from warnews.errors import WarnewsError
from warnews.ids import SLUG_PATTERN
from warnews.page_dumps import input_kind
from warnews.vocabularies import ARTICLE_BODY, LANGUAGES, LICENSES, PUBLISHED_MIN

RAW_DIR = "raw"
RAW_SUFFIXES = (".txt", ".html")
SIDECAR_SUFFIX = ".meta.yaml"
SHARD_SUFFIX = ".jsonl.zst"
RECORD_FORMATS = {"txt": ".txt", "html": ".html"}  # a record's `format` and the file suffix it stands for
# Larger files are refused: no news article needs more, and a mistaken file (a video, a dump of a
# whole site) should stop early rather than fill the corpus.
MAX_RAW_BYTES = 5 * 1024 * 1024
# An HTML page whose extracted text is shorter than this is navigation or an error page, not an article.
MIN_HTML_ARTICLE_WORDS = 10
# Sidecars and configuration files are a few kilobytes; a larger YAML file is a mistake (or hostile)
# and is refused before it is parsed.
MAX_YAML_BYTES = 1024 * 1024
# Nodes a YAML document may spell out once its aliases are expanded: more than a file of
# MAX_YAML_BYTES holds without aliases, far fewer than a "billion laughs" makes of a few lines.
MAX_YAML_NODES = 1_000_000

# What a sidecar's `license` may say about the text (not about our annotations).
REQUIRED_KEYS = (
    "sha256", "outlet", "outlet_name", "outlet_domain", "outlet_country", "published", "url",
    "title", "language", "license", "license_note", "collected", "collected_from",
)
NULLABLE_KEYS = frozenset({"url", "title", "collected"})
# The optional keys: the record's other fields (documents.extra), and the language read in its clean
# text when it came in (documents.language_detected and language_confidence; see warnews.language).
EXTRA_KEY = "extra"
LANGUAGE_READ_KEY = "language_read"

_OUTLET_SLUG = re.compile(SLUG_PATTERN)
DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_URL = re.compile(r"^https?://\S+$")
# What an error message quotes of a value: enough to find it, never a whole (perhaps huge) value.
SHOWN_CHARS = 80
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = SHOWN_CHARS
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 2, 4, 4, 4, 4


@dataclass(frozen=True)
class Sidecar:
    """What is known about one raw file; see REQUIRED_KEYS for the fields' meaning in the README."""

    sha256: str
    outlet: str
    outlet_name: str
    outlet_domain: str
    outlet_country: str
    published: dt.date
    url: str | None
    title: str | None
    language: str
    license: str
    license_note: str
    collected: dt.date | None
    collected_from: str
    extra: tuple[tuple[str, str], ...] = ()  # the record's other fields, as text, sorted by key
    # (reader, language, confidence) read when the text came in, language and confidence None where
    # none could be; None where it was never read (a file written by hand, or from before warnews 1.9)
    language_read: tuple[str, str | None, float | None] | None = None


@dataclass(frozen=True)
class RawDocument:
    """A raw file as read: `text` is exactly what offsets on the `edits` table's raw side index."""

    path: str  # relative to the repository root, with forward slashes
    text: str
    sha256: str
    meta: Sidecar
    page: dict = field(default_factory=dict)  # what an HTML page says of itself: title, date, sitename
    kind: str = ARTICLE_BODY  # page_dumps.INPUT_KINDS: an article body, a whole-page dump, or an HTML page


def find_raw_files(root: Path) -> list[Path]:
    """Every raw document below root/raw: files, and the records of shards (`<shard>#<line>`), in
    sorted order so builds visit documents deterministically."""
    raw_dir = root / RAW_DIR
    if not raw_dir.is_dir():
        raise WarnewsError(f"{raw_dir}: no raw/ folder here; run from the repository root or pass --root")
    found = []
    for path in sorted(raw_dir.rglob("*")):
        name = path.name
        if name.endswith(SHARD_SUFFIX) or path.suffix in RAW_SUFFIXES and not name.endswith(SIDECAR_SUFFIX):
            if path.is_symlink() or not path.is_file():
                raise WarnewsError(f"{path}: raw files must be regular files inside raw/, not links or folders")
            if name.endswith(SHARD_SUFFIX):
                found += [path.with_name(f"{name}#{line}") for line in range(1, shards.count(path) + 1)]
            else:
                found.append(path)
    return found


def record_ref(path: Path) -> tuple[Path, int] | None:
    """(shard, line) for a record's name `<shard>#<line>`; None for a raw file."""
    shard, hash_, line = path.name.rpartition("#")
    return (path.with_name(shard), int(line)) if hash_ and shard.endswith(SHARD_SUFFIX) and line.isdigit() else None


def raw_key_bytes(path: Path) -> bytes:
    """Every byte that decides what a raw document reads as: the file and its sidecar, or the record."""
    ref = record_ref(path)
    if ref is not None:
        return record_line(*ref)
    side = sidecar_path(path)
    return path.read_bytes() + b"\0" + (side.read_bytes() if side.is_file() else b"")


def record_line(shard: Path, line: int) -> bytes:
    return shards.line(shard, line)


def sidecar_path(raw_path: Path) -> Path:
    return raw_path.with_name(raw_path.stem + SIDECAR_SUFFIX)


def read_record(shard: Path, line: int, name: str) -> tuple[bytes, str, dict]:
    """(raw bytes, format, metadata mapping) of a shard's record; problems name shard and line.
    `warnews import` writes only strict UTF-8, so a record that is not is a damaged shard."""
    try:
        record = json.loads(record_line(shard, line).decode("utf-8"))
        if isinstance(record, dict) and isinstance(record.get("raw"), str):
            record["raw"] = record["raw"].encode("utf-8")
    except UnicodeError as err:
        where = f" at byte offset {err.start}" if isinstance(err, UnicodeDecodeError) else ""
        raise WarnewsError(f"{name}: not valid UTF-8{where}; the shard {shard.name} is damaged: restore it from a "
                           "copy (shards are never edited)") from None
    except json.JSONDecodeError as err:
        raise WarnewsError(f"{name}: not a JSON object ({err.msg}); shards are written by `warnews import`") from None
    if not isinstance(record, dict) or not isinstance(record.get("raw"), bytes) or \
            not isinstance(record.get("format"), str) or record["format"] not in RECORD_FORMATS:
        raise WarnewsError(f"{name}: a record needs `raw` (the text) and `format` (txt or html)")
    raw = record.pop("raw")
    return raw, record.pop("format"), record


def read_raw(root: Path, raw_path: Path) -> RawDocument:
    """Read one raw document (a file and its sidecar, or a shard's record), checking bytes,
    encoding and metadata."""
    rel = raw_path.relative_to(root).as_posix()
    ref = record_ref(raw_path)
    if ref is not None:
        data, kind, fields = read_record(*ref, rel)
        meta = parse_sidecar(fields, rel)
    else:
        data, kind = raw_path.read_bytes(), raw_path.suffix[1:]
        meta = load_sidecar(sidecar_path(raw_path))
    digest = hashlib.sha256(data).hexdigest()
    if digest != meta.sha256:
        raise WarnewsError(
            f"{rel}: sha256 is {digest} but the sidecar records {meta.sha256}; raw files are never "
            "edited: restore the original bytes, or add the new file as a new document"
        )
    text, page = raw_text(data, rel, html=kind == "html")
    return RawDocument(path=rel, text=text, sha256=digest, meta=meta, page=page,
                       kind=input_kind(text, html=kind == "html"))


def raw_bytes(root: Path, raw_path: str, with_metadata: bool = False):
    """(bytes, is HTML) of a raw document named as in `documents.raw_path`, with its metadata
    (the sidecar, or the shard record's fields) as a third item where asked; None if it is gone.
    A shard record is read once for both."""
    path = root / raw_path
    ref = record_ref(path)
    if ref is not None:
        if not ref[0].is_file():
            return None
        data, kind, fields = read_record(*ref, raw_path)
        found = data, kind == "html"
        return (*found, parse_sidecar(fields, raw_path)) if with_metadata else found
    if not path.is_file():
        return None
    found = path.read_bytes(), path.suffix == ".html"
    return (*found, load_sidecar(sidecar_path(path))) if with_metadata else found


def raw_text(data: bytes, name: str, html: bool | None = None) -> tuple[str, dict]:
    """The text that cleaning starts from (and that the raw side of `edits` indexes): the file
    itself for .txt, the article that trafilatura extracts for .html; plus the page's own
    metadata (title, date, site name) for HTML."""
    check_bytes(data, name)
    text = decode_utf8(data, name)
    if not (name.endswith(".html") if html is None else html):
        return text, {}
    return extract_html(text, name)


def page_disagreements(doc: RawDocument) -> list[str]:
    """Where an HTML page's own metadata disagrees with its sidecar (the sidecar is kept)."""
    sidecar = {"date": doc.meta.published.isoformat(), "title": doc.meta.title, "sitename": doc.meta.outlet_name}
    return [f"the page says {key} {doc.page[key]!r}, the sidecar {value!r}: the sidecar is kept"
            for key, value in sidecar.items() if value and doc.page.get(key) and doc.page[key] != value]


def check_bytes(data: bytes, name: str) -> None:
    if len(data) > MAX_RAW_BYTES:
        raise WarnewsError(f"{name}: {len(data):,} bytes is over the limit of {MAX_RAW_BYTES:,} bytes for a raw file; "
                           "is this one article?")
    if not data.strip():
        raise WarnewsError(f"{name}: the file is empty (or only white space); a raw file needs the article text")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise WarnewsError(f"{name}: looks like a binary file (NUL byte at offset {nul}); raw files are UTF-8 text or HTML")


def extract_html(html: str, name: str) -> tuple[str, dict]:
    """Article text and metadata with trafilatura. Comments are left out; the date is looked for
    in the page's metadata only, so a footer's "© 2024" never becomes a publication date."""
    import trafilatura  # imported here: only HTML needs it, and it is slow to import

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text.split()) < MIN_HTML_ARTICLE_WORDS:
        raise WarnewsError(f"{name}: trafilatura found no article text in this HTML (only {len(text.split())} words); "
                           "save the article page itself")
    found = {"title": doc.title, "date": doc.date, "sitename": doc.sitename}
    return doc.text, {key: value for key, value in found.items() if value}


def decode_utf8(data: bytes, name: str) -> str:
    """Strict UTF-8 (no newline translation, so offsets index the file's own characters)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start : err.end]
        raise WarnewsError(
            f"{name}: not valid UTF-8 at byte offset {err.start} (line {line}, byte {bad!r}); "
            "convert the file to UTF-8 before adding it"
        ) from None


# libyaml's safe loader where PyYAML was built with it (ten times faster for many sidecars).
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(yaml.SafeLoader):
    """Safe YAML that also records, in each mapping's `__line__`, the line it starts on."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_yaml(path: Path, loader=yaml.SafeLoader):
    """Safe YAML only (no Python objects), of at most MAX_YAML_BYTES, whose aliases expand to at most
    MAX_YAML_NODES nodes: a "billion laughs" stops before it is built. A syntax error names the file
    and line."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
        if len(data) > MAX_YAML_BYTES:
            raise WarnewsError(f"{path}: over the limit of {MAX_YAML_BYTES:,} bytes for a YAML file; sidecars and "
                               "configuration files are small: is this the right file?")
        parser = loader(data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))  # safe loaders only
        try:
            node = parser.get_single_node()
            if node is None:
                return None
            _check_aliases(node, path)
            return parser.construct_document(node)
        finally:
            parser.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise WarnewsError(f"{path}:{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    except UnicodeDecodeError as err:
        raise WarnewsError(f"{path}: not valid UTF-8 at byte offset {err.start}") from None


def _check_aliases(root: yaml.Node, path: Path) -> None:
    """Refuse a document whose aliases expand past MAX_YAML_NODES nodes, or that contains itself.
    Counted on the node graph, each node once, so counting costs what reading did."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, counted = stack.pop()
        if not counted and id(node) in sizes:
            continue
        if not counted and id(node) in open_nodes:
            raise WarnewsError(f"{path}: line {node.start_mark.line + 1}: an alias (*name) inside the node it names "
                               "makes a structure that contains itself; write the values out")
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else \
            node.value if isinstance(node, yaml.SequenceNode) else []
        if counted:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            open_nodes.discard(id(node))
            if sizes[id(node)] > MAX_YAML_NODES:
                raise WarnewsError(f"{path}: line {node.start_mark.line + 1}: its aliases (*name) expand to over "
                                   f"{MAX_YAML_NODES:,} values; write the values out instead of repeating them "
                                   "through aliases")
        else:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack += [(child, False) for child in children if id(child) not in sizes]


def load_sidecar(path: Path) -> Sidecar:
    """Parse and check a sidecar; every problem names the file and the field."""
    if not path.is_file():
        raise WarnewsError(f"{path}: sidecar missing; every raw file needs a <name>{SIDECAR_SUFFIX} beside it")
    return parse_sidecar(read_yaml(path, _FAST_SAFE_LOADER), path)


def parse_sidecar(data, path) -> Sidecar:
    """Check a sidecar's mapping (from a file, or a shard's record); problems name `path`. What this
    accepts the documents table keeps: `warnews import` and `warnews add` check records here too."""
    if not isinstance(data, dict):
        raise WarnewsError(f"{path}: a sidecar is a YAML mapping of the keys {', '.join(REQUIRED_KEYS)}")
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise WarnewsError(f"{path}: missing key(s) {', '.join(missing)}; write null where a fact is unknown")
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - {EXTRA_KEY, LANGUAGE_READ_KEY}, key=str)
    if unknown:
        listed = ", ".join(str(k)[:SHOWN_CHARS] for k in unknown[:10])
        listed += f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise WarnewsError(f"{path}: unknown key(s) {listed}; allowed: {', '.join(REQUIRED_KEYS)}, {EXTRA_KEY} "
                           f"(a mapping of any other fields, as text) and {LANGUAGE_READ_KEY} (written by warnews)")
    for key in REQUIRED_KEYS:
        if data[key] is None and key not in NULLABLE_KEYS:
            raise WarnewsError(f"{path}: field {key!r} must not be null")
    return Sidecar(
        sha256=_matching(path, data, "sha256", _SHA256, "64 lowercase hex digits"),
        outlet=_matching(path, data, "outlet", _OUTLET_SLUG, "a lowercase slug such as news-az"),
        outlet_name=_text(path, data, "outlet_name"),
        outlet_domain=_matching(path, data, "outlet_domain", DOMAIN, "a lowercase domain such as news.az"),
        outlet_country=_matching(path, data, "outlet_country", _COUNTRY, "an ISO 3166-1 alpha-2 code such as AZ"),
        published=check_published(data["published"], f"{path}: field 'published'"),
        url=None if data["url"] is None else _matching(path, data, "url", _URL, "an http(s) address or null"),
        title=None if data["title"] is None else _text(path, data, "title"),
        language=_choice(path, data, "language", LANGUAGES),
        license=_choice(path, data, "license", LICENSES),
        license_note=_text(path, data, "license_note"),
        collected=None if data["collected"] is None else _past_date(data["collected"], f"{path}: field 'collected'"),
        collected_from=_text(path, data, "collected_from"),
        extra=_extra(path, data.get(EXTRA_KEY)),
        language_read=_language_read(path, data.get(LANGUAGE_READ_KEY, ...)),
    )


def _language_read(path, value) -> tuple[str, str | None, float | None] | None:
    """A record's `language_read`, as `warnews import` and `warnews add` write it (warnews.language):
    {reader: the rule's name, language: an ISO 639-1 code, confidence: 0 to 1}, language and
    confidence null where no language could be read."""
    if value is ...:
        return None
    if isinstance(value, dict) and set(value) == {"reader", "language", "confidence"} and \
            isinstance(value["reader"], str) and value["reader"]:
        reader, language, confidence = value["reader"], value["language"], value["confidence"]
        if language is None and confidence is None:
            return reader, None, None
        if language in LANGUAGES and isinstance(confidence, (int, float)) and not isinstance(confidence, bool) \
                and 0 <= confidence <= 1:
            return reader, language, float(confidence)
    raise WarnewsError(f"{path}: field {LANGUAGE_READ_KEY!r} is {shown(value)}; expected {{reader: a name, language: "
                       "an ISO 639-1 code, confidence: 0 to 1}, language and confidence null where none was read; "
                       "`warnews import` and `warnews add` write this field: restore the record or sidecar as they "
                       "wrote it")


def _extra(path, value) -> tuple[tuple[str, str], ...]:
    """A sidecar's or record's `extra`: a mapping of field names to text (what the documents
    table's `extra` column holds)."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.strip() and isinstance(v, str)
                                              for k, v in value.items()):
        raise WarnewsError(f"{path}: field {EXTRA_KEY!r} is {shown(value)}; expected a mapping of field names to "
                           "text (quote numbers and dates)")
    return tuple(sorted(value.items()))


def check_published(value, name: str) -> dt.date:
    """The one rule for a publication date, shared by the build, `warnews import` and `warnews add`:
    an ISO date (YYYY-MM-DD) from PUBLISHED_MIN on, never in the future. `name` starts messages."""
    date = _past_date(value, name)
    if date < PUBLISHED_MIN:
        raise WarnewsError(f"{name} is {date.isoformat()}, before {PUBLISHED_MIN.isoformat()}: reports from before "
                           "the war are out of scope; check the date")
    return date


def shown(value) -> str:
    """A value as an error message quotes it: about SHOWN_CHARS characters at most, however large."""
    text = _REPR.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


def _text(path: Path, data: dict, key: str) -> str:
    """Non-empty text that UTF-8 can hold (a lone surrogate, from an escape, cannot be written out)."""
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise WarnewsError(f"{path}: field {key!r} must be non-empty text, got {shown(value)}")
    return _encodable(path, key, value)


def _encodable(path: Path, key: str, value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise WarnewsError(f"{path}: field {key!r} holds a lone surrogate at character {err.start} "
                           f"({shown(value)}); write the character itself, not an escape of half of it") from None
    return value


def _matching(path: Path, data: dict, key: str, pattern: re.Pattern, what: str) -> str:
    """The whole value matches (fullmatch: a `$` alone lets a final newline through)."""
    value = data[key]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise WarnewsError(f"{path}: field {key!r} is {shown(value)}; expected {what}")
    return _encodable(path, key, value)


def _choice(path: Path, data: dict, key: str, allowed) -> str:
    value = data[key]
    if not isinstance(value, str) or value not in allowed:
        raise WarnewsError(f"{path}: field {key!r} is {shown(value)}, not a known value; allowed: "
                           f"{', '.join(sorted(allowed))}")
    return value


def _date(value, name: str) -> dt.date:
    """YAML turns an unquoted ISO date into a date; a quoted one (or a record's) must still be ISO."""
    if isinstance(value, dt.datetime):
        raise WarnewsError(f"{name} is {shown(value)}; expected a date (YYYY-MM-DD), not a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise WarnewsError(f"{name} is {shown(value)}; expected an ISO date (YYYY-MM-DD)")


def _past_date(value, name: str) -> dt.date:
    date = _date(value, name)
    if date > dt.date.today():
        raise WarnewsError(f"{name} is {date.isoformat()}, in the future; check the date")
    return date
