"""ingest: read raw files and their sidecars; refuse what cannot be trusted.

Guarantees to the next stage: the raw text is the strict UTF-8 decoding of bytes whose sha256 is
the one the sidecar records, and the sidecar has every required key with a valid value. Nothing
else in the package reads `raw/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from lingua import Language

from warnews.errors import WarnewsError

RAW_DIR = "raw"
RAW_SUFFIX = ".txt"
SIDECAR_SUFFIX = ".meta.yaml"

# What a sidecar's `license` may say about the text (not about our annotations).
LICENSES = {
    "publisher-copyright": "all rights reserved by the publisher; included for research only",
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC-BY-SA-4.0": "Creative Commons Attribution-ShareAlike 4.0",
    "CC0-1.0": "Creative Commons Zero 1.0 (public domain dedication)",
}
# ISO 639-1 codes the language detector knows; a sidecar language outside it cannot be checked.
LANGUAGES = frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())

REQUIRED_KEYS = (
    "sha256", "outlet", "outlet_name", "outlet_domain", "outlet_country", "published", "url",
    "title", "language", "license", "license_note", "collected", "collected_from",
)
NULLABLE_KEYS = frozenset({"url", "title", "collected"})

_OUTLET_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


@dataclass(frozen=True)
class RawDocument:
    """A raw file as read: `text` is exactly what offsets in the `edits` table's raw side index."""

    path: str  # relative to the repository root, with forward slashes
    text: str
    sha256: str
    meta: Sidecar


def find_raw_files(root: Path) -> list[Path]:
    """Every raw text below root/raw, in sorted order so builds visit documents deterministically."""
    raw_dir = root / RAW_DIR
    if not raw_dir.is_dir():
        raise WarnewsError(f"{raw_dir}: no raw/ folder here; run from the repository root or pass --root")
    return sorted(p for p in raw_dir.rglob(f"*{RAW_SUFFIX}") if p.is_file())


def sidecar_path(raw_path: Path) -> Path:
    return raw_path.with_name(raw_path.name[: -len(RAW_SUFFIX)] + SIDECAR_SUFFIX)


def read_raw(root: Path, raw_path: Path) -> RawDocument:
    """Read one raw file and its sidecar, checking bytes, encoding and metadata."""
    rel = raw_path.relative_to(root).as_posix()
    data = raw_path.read_bytes()
    meta = load_sidecar(sidecar_path(raw_path))
    digest = hashlib.sha256(data).hexdigest()
    if digest != meta.sha256:
        raise WarnewsError(
            f"{rel}: sha256 is {digest} but the sidecar records {meta.sha256}; raw files are never "
            "edited: restore the original bytes, or add the new file as a new document"
        )
    return RawDocument(path=rel, text=decode_utf8(data, rel), sha256=digest, meta=meta)


def decode_utf8(data: bytes, name: str) -> str:
    """Strict UTF-8 (no newline translation, so offsets index the file's own characters)."""
    if not data.strip():
        raise WarnewsError(f"{name}: the file is empty (or only white space); a raw file needs the article text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start : err.end]
        raise WarnewsError(
            f"{name}: not valid UTF-8 at byte offset {err.start} (line {line}, byte {bad!r}); "
            "convert the file to UTF-8 before adding it"
        ) from None


class LineLoader(yaml.SafeLoader):
    """Safe YAML that also records, in each mapping's `__line__`, the line it starts on."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_yaml(path: Path, loader=yaml.SafeLoader):
    """Safe YAML only (no Python objects); a syntax error names the file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loaders only)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise WarnewsError(f"{path}:{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    except UnicodeDecodeError as err:
        raise WarnewsError(f"{path}: not valid UTF-8 at byte offset {err.start}") from None


def load_sidecar(path: Path) -> Sidecar:
    """Parse and check a sidecar; every problem names the file and the field."""
    if not path.is_file():
        raise WarnewsError(f"{path}: sidecar missing; every raw file needs a <name>{SIDECAR_SUFFIX} beside it")
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise WarnewsError(f"{path}: a sidecar is a YAML mapping of the keys {', '.join(REQUIRED_KEYS)}")
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise WarnewsError(f"{path}: missing key(s) {', '.join(missing)}; write null where a fact is unknown")
    unknown = sorted(set(data) - set(REQUIRED_KEYS))
    if unknown:
        raise WarnewsError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(REQUIRED_KEYS)}")
    for key in REQUIRED_KEYS:
        if data[key] is None and key not in NULLABLE_KEYS:
            raise WarnewsError(f"{path}: field {key!r} must not be null")
    return Sidecar(
        sha256=_matching(path, data, "sha256", _SHA256, "64 lowercase hex digits"),
        outlet=_matching(path, data, "outlet", _OUTLET_SLUG, "a lowercase slug such as news-az"),
        outlet_name=_text(path, data, "outlet_name"),
        outlet_domain=_matching(path, data, "outlet_domain", _DOMAIN, "a lowercase domain such as news.az"),
        outlet_country=_matching(path, data, "outlet_country", _COUNTRY, "an ISO 3166-1 alpha-2 code such as AZ"),
        published=_date(path, data, "published"),
        url=_url(path, data),
        title=None if data["title"] is None else _text(path, data, "title"),
        language=_choice(path, data, "language", LANGUAGES),
        license=_choice(path, data, "license", LICENSES),
        license_note=_text(path, data, "license_note"),
        collected=None if data["collected"] is None else _date(path, data, "collected"),
        collected_from=_text(path, data, "collected_from"),
    )


def _text(path: Path, data: dict, key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise WarnewsError(f"{path}: field {key!r} must be non-empty text, got {value!r}")
    return value


def _matching(path: Path, data: dict, key: str, pattern: re.Pattern, what: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not pattern.match(value):
        raise WarnewsError(f"{path}: field {key!r} is {value!r}; expected {what}")
    return value


def _choice(path: Path, data: dict, key: str, allowed) -> str:
    value = data[key]
    if value not in allowed:
        raise WarnewsError(f"{path}: field {key!r} is {value!r}, not a known value; allowed: {', '.join(sorted(allowed))}")
    return value


def _date(path: Path, data: dict, key: str) -> dt.date:
    """YAML turns an unquoted ISO date into a date; a quoted one must still be ISO."""
    value = data[key]
    if isinstance(value, dt.datetime):
        raise WarnewsError(f"{path}: field {key!r} is {value!r}; expected a date (YYYY-MM-DD), not a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise WarnewsError(f"{path}: field {key!r} is {value!r}; expected an ISO date (YYYY-MM-DD)")


def _url(path: Path, data: dict) -> str | None:
    value = data["url"]
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(r"^https?://\S+$", value):
        raise WarnewsError(f"{path}: field 'url' is {value!r}; expected an http(s) address or null")
    return value
