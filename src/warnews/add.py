"""add: bring a collected file into raw/ with its sidecar, refusing what cannot be trusted.

The file is checked exactly as a build will read it (size, encoding, HTML extraction, metadata),
copied byte for byte under a name that shows outlet and date, and its sidecar written beside it;
both appear together or not at all. An exact duplicate (same sha256) is refused; a likely
near-duplicate of a document already in raw/ is reported (and kept). Both are looked up in the
duplicate index (warnews.dedup), which the new file then joins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from warnews.annotate import has_words
from warnews.clean import Cleaner
from warnews.errors import WarnewsError
from warnews.ids import SLUG_PATTERN
from warnews.language import MIN_WORDS_FOR_LANGUAGE_CHECK, stored_reading
from warnews.lock import temporary, writing
from warnews.page_dumps import input_kind
from warnews.dedup import DuplicateIndex, signature
from warnews.vocabularies import LANGUAGES, LICENSES
from warnews.ingest import (LANGUAGE_READ_KEY, RAW_DIR, RAW_SUFFIXES, REQUIRED_KEYS, SIDECAR_SUFFIX, check_published, load_sidecar,
                            page_disagreements, raw_text, read_raw, sidecar_path)

_SLUG = re.compile(SLUG_PATTERN)


@dataclass
class Added:
    raw_path: Path
    sidecar_path: Path
    near_duplicates: list[tuple[str, float]]
    notes: list[str]


def add_document(root: Path, source: Path, *, outlet: str, published: str, license: str, url: str | None = None,
                 title: str | None = None, outlet_name: str | None = None, outlet_domain: str | None = None,
                 outlet_country: str | None = None, language: str | None = None, license_note: str | None = None,
                 collected_from: str | None = None, slug: str | None = None) -> Added:
    """Check `source`, copy it into raw/<outlet>/<published>-<slug><suffix> and write its sidecar."""
    if source.suffix not in RAW_SUFFIXES:
        raise WarnewsError(f"{source}: only {', '.join(RAW_SUFFIXES)} files can be added")
    if not source.is_file():
        raise WarnewsError(f"{source}: no such file")
    data = source.read_bytes()
    text, page = raw_text(data, str(source))
    _check_slug(outlet, "--outlet")
    published_date = _parse_published(published)
    if license not in LICENSES:
        raise WarnewsError(f"--license {license!r} is not a known value; allowed: {', '.join(LICENSES)}")
    known = outlet_facts(root, outlet)
    outlet_name = outlet_name or known.get("outlet_name") or page.get("sitename")
    outlet_domain = outlet_domain or known.get("outlet_domain")
    outlet_country = outlet_country or known.get("outlet_country")
    missing = [flag for flag, value in (("--outlet-name", outlet_name), ("--domain", outlet_domain),
                                        ("--country", outlet_country)) if not value]
    if missing:
        raise WarnewsError(f"{source}: outlet {outlet!r} is new; give {', '.join(missing)}")
    if language is not None and language not in LANGUAGES:
        raise WarnewsError(f"--language {language!r} is not a known value; give an ISO 639-1 code such as en")
    # the language is read once, here, in the text as the build cleans it; the sidecar keeps the reading
    clean = Cleaner(root).clean(str(source), outlet, published_date, text, input_kind(text, html=source.suffix == ".html"))
    reading = stored_reading(clean.text)
    detected = reading["language"]
    if language is None:
        if not has_words(clean.text, MIN_WORDS_FOR_LANGUAGE_CHECK):
            raise WarnewsError(f"{source}: too short to detect its language; give --language")
        if detected is None:
            raise WarnewsError(f"{source}: no language could be detected; give --language")
        language = detected
    digest = hashlib.sha256(data).hexdigest()
    _check_slug(f"{published_date.isoformat()}-{slug or _slugify(title or page.get('title') or text)}", "--slug")
    with writing(root, "warnews add"), DuplicateIndex.open(root) as index:
        return _add_indexed(root, source, data, text, page, digest, index, clean.text, outlet=outlet, published_date=published_date,
                            license=license, url=url, title=title, outlet_name=outlet_name, outlet_domain=outlet_domain,
                            outlet_country=outlet_country, language=language, license_note=license_note,
                            collected_from=collected_from, slug=slug,
                            language_read=reading)


def _add_indexed(root: Path, source: Path, data: bytes, text: str, page: dict, digest: str, index: DuplicateIndex,
                 clean_text: str, *, outlet, published_date, license, url, title, outlet_name, outlet_domain,
                 outlet_country, language, language_read, license_note, collected_from, slug) -> Added:
    existing = index.exact(digest)
    if existing:
        raise WarnewsError(f"{source}: the same bytes are already in the corpus as {existing}")
    title = title or page.get("title")
    sidecar = {
        "sha256": digest, "outlet": outlet, "outlet_name": outlet_name, "outlet_domain": outlet_domain,
        "outlet_country": outlet_country, "published": published_date, "url": url, "title": title, "language": language,
        "license": license, "license_note": license_note or default_license_note(license, outlet_name),
        "collected": dt.date.today(),
        "collected_from": collected_from or f"Added with `warnews add` from a file named {source.name}; how it "
        "was collected was not recorded.",
        LANGUAGE_READ_KEY: language_read,
    }
    folder = root / RAW_DIR / outlet
    stem = f"{published_date.isoformat()}-{slug or _slugify(title or text)}"
    _check_slug(stem, "--slug")
    target = _free_name(folder, stem, source.suffix)
    _write_together(target, data, sidecar)
    try:
        document = read_raw(root, target)  # exactly as the build will read it
        sig = signature(clean_text)
        near = index.near(sig)
        with index.db:
            index.add(digest, document.path, sig)
            index.seen(target)
    except BaseException:
        target.unlink()
        sidecar_path(target).unlink()
        raise
    return Added(target, sidecar_path(target), [(m.ref, m.similarity) for m in near], page_disagreements(document))


def _parse_published(value: str) -> dt.date:
    """--published by the rule the build checks a sidecar's `published` with, before anything is written."""
    return check_published(value, "--published")


def _check_slug(value: str, flag: str) -> None:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise WarnewsError(f"{flag} {value!r} must be lowercase letters, digits and single hyphens "
                           "(it becomes part of a path inside raw/)")


def outlet_facts(root: Path, outlet: str) -> dict:
    """Name, domain and country of an outlet from a sidecar it already has."""
    for path in sorted((root / RAW_DIR / outlet).glob(f"*{SIDECAR_SUFFIX}")):
        meta = load_sidecar(path)
        return {"outlet_name": meta.outlet_name, "outlet_domain": meta.outlet_domain,
                "outlet_country": meta.outlet_country}
    return {}


def default_license_note(license: str, outlet_name: str) -> str:
    """What a sidecar says of the text's rights when the user does not (`--license-note`)."""
    if license == "publisher-copyright":
        return (f"The text is {outlet_name}'s copyright; all rights are the publisher's. It is included for "
                "research and is not covered by the warnews license.")
    return f"{LICENSES[license]}; attribution: {outlet_name}."


def _slugify(text: str, words: int = 8) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text)[:words])[:80].strip("-")
    return slug or "article"


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}-{n}"
        if not (folder / f"{name}{suffix}").exists() and not (folder / f"{name}{SIDECAR_SUFFIX}").exists():
            return folder / f"{name}{suffix}"
    raise WarnewsError(f"{folder}: no free name for {stem}; give another --slug")


def _write_together(target: Path, data: bytes, sidecar: dict) -> None:
    """Raw file and sidecar both, or neither: each is written to a temporary name of its own (never
    another process's), then renamed. A folder that cannot be written (read-only, full) is named
    with the reason, and nothing of the two is left."""
    folder, side = target.parent, sidecar_path(target)
    made = not folder.exists()
    tmp_raw, tmp_side = temporary(target), temporary(side)
    header = f"# Sidecar of {target.name}, written by `warnews add`. Unknown facts are null, never guessed.\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp_raw.write_bytes(data)
        tmp_side.write_text(header + yaml.safe_dump({k: sidecar[k] for k in (*REQUIRED_KEYS, LANGUAGE_READ_KEY)}, sort_keys=False,
                                                     allow_unicode=True, width=100), encoding="utf-8")
        os.replace(tmp_raw, target)
        os.replace(tmp_side, side)
    except BaseException as err:
        for path in (tmp_raw, tmp_side, target):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(err, OSError):
            reason = os.strerror(err.errno) if err.errno else str(err)
            raise WarnewsError(f"{folder}: cannot write {target.name} and its sidecar there ({reason}); nothing was "
                               "added: make the folder writable (or free space) and add again") from None
        raise
