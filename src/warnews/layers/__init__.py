"""layers: the automatic annotation layers, each a plug-in under a versioned name.

A layer takes one document (its id, clean text and publication date), what the project knows
(curated entities and the gazetteer made from them) and the rows of the layers it requires, and
returns rows of one table, each naming the layer. Layers are registered in the order they run;
a change to what a layer outputs gets a new version in its name (`rule:quotes_v2`), so that a row
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


@dataclass(frozen=True)
class Layer:
    name: str  # versioned: `rule:quotes_v2`
    table: str
    annotate: Callable[[Document, Knowledge, dict[str, list[dict]]], list[dict]]
    modules: tuple[str, ...]  # module names whose source decides the rows
    requires: tuple[str, ...] = ()  # layers whose rows `annotate` reads


REGISTRY: dict[str, Layer] = {}
# Layers that earlier releases hold rows of and that no longer run: their names stay valid there.
RETIRED = ("rule:quotes_v1",)


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


# the layers, in the order they run
from warnews.layers import dates, mentions, quotes, turns  # noqa: E402,F401
