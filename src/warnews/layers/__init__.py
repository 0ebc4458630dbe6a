"""layers: the automatic annotation layers, each a plug-in under a versioned name.

A layer takes one document (its id, clean text and publication date), what the project knows
(curated entities and the gazetteer made from them) and the rows of the layers it requires, and
returns rows of one table, each naming the layer. Layers are registered in the order they run;
a change to what a layer outputs gets a new version in its name (`rule:quotes_v3`), so that a row
always says what made it. `modules` lists the source files a layer's rows depend on: they key
the layer's own cache, so a change to the quote rules recomputes quotes only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from warnews.knowledge import Entity


@dataclass(frozen=True)
class Document:
    """What a layer sees of a document."""

    doc_id: str
    text: str
    published: dt.date


@dataclass(frozen=True)
class Knowledge:
    """What the project knows, for linking: curated entities and the gazetteer of their names."""

    entities: dict[str, Entity]
    gazetteer: object  # layers.mentions.Gazetteer
    demonyms: frozenset[str] = field(default_factory=frozenset)
    place_ids: dict[str, str] = field(default_factory=dict)  # a package place id -> the curated entity of it

    @classmethod
    def of(cls, entities: dict[str, Entity]) -> Knowledge:
        """Knowledge from curated entities: their gazetteer, demonyms, and which package place ids
        (ISO 3166-1 codes, GeoNames ids) they stand for."""
        from warnews.layers.mentions import Gazetteer
        from warnews.layers.places import city_entity_id, country_entity_id, subdivision_entity_id

        place_ids = {}
        for e in entities.values():
            if e.iso_3166 and e.type == "GPE":
                place_ids[country_entity_id(e.iso_3166)] = e.entity_id
            if e.iso_3166_2:
                place_ids[subdivision_entity_id(e.iso_3166_2)] = e.entity_id
            for other in e.other_ids:
                if other.get("scheme") == "geonames":
                    place_ids[city_entity_id(int(other["id"]))] = e.entity_id
        return cls(entities, Gazetteer.from_entities(entities),
                   frozenset(d for e in entities.values() for d in e.demonyms), place_ids)


@dataclass(frozen=True)
class Layer:
    name: str  # versioned: `rule:quotes_v3`
    table: str
    annotate: Callable[[Document, Knowledge, dict[str, list[dict]]], list[dict]]
    modules: tuple[str, ...]  # module names whose source decides the rows
    requires: tuple[str, ...] = ()  # layers whose rows `annotate` reads


REGISTRY: dict[str, Layer] = {}
# The layers a build runs unless the repository's warnews.yaml names others: every rule layer.
DEFAULT_LAYERS = ("rule:dates_v1", "rule:mentions_v3", "rule:quotes_v3", "rule:turns_v1")
CONFIG = "warnews.yaml"


def register(layer: Layer) -> Layer:
    missing = [name for name in layer.requires if name not in REGISTRY]
    if missing:
        raise ValueError(f"layer {layer.name} requires {missing}, which must be registered before it")
    REGISTRY[layer.name] = layer
    return layer


def run(doc: Document, knowledge: Knowledge, layers=None) -> dict[str, list[dict]]:
    """Every layer's rows for one document, by layer name, in registration order."""
    out: dict[str, list[dict]] = {}
    for layer in layers or REGISTRY.values():
        out[layer.name] = layer.annotate(doc, knowledge, {name: out[name] for name in layer.requires})
    return out


def layer_names() -> tuple[str, ...]:
    return tuple(REGISTRY)


def configured(root) -> tuple[Layer, ...]:
    """The layers a build of the repository at `root` runs, in order: warnews.yaml's `layers`
    list, else DEFAULT_LAYERS. A model layer is loaded when named; one that is not installed, or
    whose weights differ from the ones named, stops the build with what to do."""
    from pathlib import Path

    from warnews.errors import WarnewsError
    from warnews.ingest import read_yaml

    path = Path(root) / CONFIG
    wanted = DEFAULT_LAYERS
    if path.is_file():
        data = read_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("layers"), list) or set(data) - {"layers"}:
            raise WarnewsError(f"{path}: expected a mapping with one key, `layers`, a list of layer names")
        wanted = tuple(data["layers"])
    if any(name.startswith(("spacy:", "spacy_v")) for name in wanted):
        from warnews.layers.spacy_mentions import register_if_installed

        register_if_installed()
    chosen = []
    for name in wanted:
        layer = REGISTRY.get(name)
        if layer is None:
            hint = (" (install the model layer: pip install 'warnews[ner]'; the name ends with the digest of the "
                    "model's weights)" if name.startswith(("spacy:", "spacy_v")) else "")
            raise WarnewsError(f"{path}: layer {name!r} is not available; available: {', '.join(REGISTRY)}{hint}")
        missing = [r for r in layer.requires if r not in wanted[:wanted.index(name)]]
        if missing:
            raise WarnewsError(f"{path}: layer {name} reads {', '.join(missing)}, which must be listed before it")
        chosen.append(layer)
    return tuple(chosen)


# the layers, in the order they run
from warnews.layers import dates, mentions, quotes, turns  # noqa: E402,F401
