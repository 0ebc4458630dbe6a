"""ids: how every id of the corpus is made, and the patterns that check them.

At the bottom of the package: it imports nothing of warnews, so whatever makes or checks an id
(ingest, gold, the layers, the schema) shares one definition. Ids derive from what they identify,
never from a counter that shifts when rows are added.
"""

from __future__ import annotations

import datetime as dt

DOC_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d{8}-[0-9a-f]{10}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SEMVER_PATTERN = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"
# Layers a row may name: gold, a rule layer with its version, or a model layer with its model's
# name, version and weights' digest.
LAYER_PATTERN = r"^(?:gold|rule:[a-z]+_v\d+|spacy(?:_[a-z]+)?(?:_v\d+)?:[a-z_]+-\d+\.\d+\.\d+-[0-9a-f]{12})$"
# The layer people write (annotations/).
GOLD = "gold"


def make_doc_id(outlet: str, published: dt.date, raw_sha256: str) -> str:
    """<outlet>-<yyyymmdd of published>-<first 10 hex digits of raw_sha256>: stable while the raw
    bytes are. A year before 1000 has no eight digits and is refused rather than written short."""
    if not 1000 <= published.year <= 9999:
        raise ValueError(f"published {published.isoformat()} cannot be a doc_id's yyyymmdd (years 1000-9999)")
    return f"{outlet}-{published:%Y%m%d}-{raw_sha256[:10]}"


def span_id(doc_id: str, table: str, layer: str, start: int, end: int) -> str:
    """Stable id of a span row: derived from what it is, never from a counter."""
    return f"{doc_id}/{table}/{layer}/{start}-{end}"
