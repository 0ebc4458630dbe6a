"""prepare: read one raw document and clean it, the first stage of a document's processing.

Its own module so that the stage's cache key can be made of exactly the code it reaches
(`registry.module_files` of this module): ingest, clean and the page-dump reader, nothing of the
layers.
"""

from __future__ import annotations

from pathlib import Path

from warnews.clean import Cleaner, CleanResult
from warnews.errors import WarnewsError
from warnews.ingest import RawDocument, read_raw


def read_and_clean(root: Path, path: Path, cleaner: Cleaner) -> tuple[RawDocument, CleanResult]:
    """The raw document and its cleaning; refuses a text that cleaning empties. Its language is
    the one its metadata declares (what the detector read is recorded beside it, in the documents row)."""
    raw = read_raw(root, path)
    meta = raw.meta
    result = cleaner.clean(raw.path, meta.outlet, meta.published, raw.text, raw.kind)
    if not result.text:
        raise WarnewsError(f"{raw.path}: nothing is left after cleaning; is this an article?")
    return raw, result
