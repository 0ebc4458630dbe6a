"""knowledge: the curated entities and errata in knowledge/, checked and turned into rows.

Guarantees to the annotation layers: every entity has a unique slug id, a known type and only
identifiers someone checked (unknown ones are null); every erratum names a document and an
anchor. Nothing here is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from warnews.errors import WarnewsError
from warnews.ingest import LineLoader, read_yaml
from warnews.vocabularies import CONFIDENCE, ENTITY_TYPES, ERRATUM_KINDS

KNOWLEDGE_DIR = "knowledge"
_ENTITY_KEYS = {"id", "type", "name", "aliases", "demonyms", "description", "wikidata", "iso_3166",
                "iso_3166_2", "oktmo", "latitude", "longitude", "country", "checked"}
_ERRATUM_KEYS = {"doc_id", "document", "found_by", "span", "kind", "finding", "likely_speaker",
                 "speaker_as_printed", "evidence", "confidence"}


@dataclass(frozen=True)
class Entity:
    entity_id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    description: str | None
    wikidata: str | None
    iso_3166: str | None
    iso_3166_2: str | None
    other_ids: tuple[dict, ...]
    latitude: float | None
    longitude: float | None
    country: str | None
    checked: str

    def row(self) -> dict:
        return {"entity_id": self.entity_id, "type": self.type, "name": self.name, "aliases": list(self.aliases),
                "demonyms": list(self.demonyms), "description": self.description, "wikidata": self.wikidata,
                "iso_3166": self.iso_3166, "iso_3166_2": self.iso_3166_2, "other_ids": list(self.other_ids),
                "latitude": self.latitude, "longitude": self.longitude, "country": self.country,
                "checked": self.checked}


def load_entities(root: Path) -> dict[str, Entity]:
    """knowledge/entities.yaml as Entity records keyed by id, in file order. A corpus with no
    knowledge/ folder at all (a user's own collection) has no curated entities."""
    path = root / KNOWLEDGE_DIR / "entities.yaml"
    if not path.parent.is_dir():
        return {}
    if not path.is_file():
        raise WarnewsError(f"{path}: missing; the annotation layers link to the entities listed there")
    entities: dict[str, Entity] = {}
    for item, where in _entries(path, _ENTITY_KEYS):
        for key in ("id", "type", "name", "checked"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise WarnewsError(f"{where}: entity needs a non-empty {key!r}")
        entity_id = item["id"]
        if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", entity_id):
            raise WarnewsError(f"{where}: id {entity_id!r} is not a lowercase slug")
        if entity_id in entities:
            raise WarnewsError(f"{where}: duplicate entity id {entity_id!r}")
        if item["type"] not in ENTITY_TYPES:
            raise WarnewsError(f"{where}: type {item['type']!r} is not one of {', '.join(ENTITY_TYPES)}")
        wikidata = item.get("wikidata")
        if wikidata is not None and not re.match(r"^Q[1-9]\d*$", str(wikidata)):
            raise WarnewsError(f"{where}: wikidata {wikidata!r} is not a QID such as Q212 (write null if unchecked)")
        entities[entity_id] = Entity(
            entity_id=entity_id, type=item["type"], name=item["name"],
            aliases=tuple(_strings(item, "aliases", where)), demonyms=tuple(_strings(item, "demonyms", where)),
            description=item.get("description"), wikidata=wikidata, iso_3166=item.get("iso_3166"),
            iso_3166_2=item.get("iso_3166_2"),
            other_ids=({"scheme": "OKTMO", "id": str(item["oktmo"])},) if item.get("oktmo") else (),
            latitude=_float(item, "latitude", where), longitude=_float(item, "longitude", where),
            country=item.get("country"), checked=item["checked"],
        )
    return entities


def _entries(path: Path, allowed: set[str]):
    """(entry, "file:line") for each mapping of a YAML list, refusing keys not in `allowed`."""
    data = read_yaml(path, LineLoader) or []
    if not isinstance(data, list):
        raise WarnewsError(f"{path}: expected a YAML list of entries")
    for item in data:
        if not isinstance(item, dict):
            raise WarnewsError(f"{path}: each entry is a mapping, not {item!r}")
        where = f"{path}:{item['__line__']}"
        unknown = sorted(set(item) - allowed - {"__line__"})
        if unknown:
            raise WarnewsError(f"{where}: unknown key(s) {', '.join(unknown)}")
        yield item, where


def _strings(item: dict, key: str, where: str) -> list[str]:
    values = item.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise WarnewsError(f"{where}: {key!r} must be a list of names")
    return values


def _float(item: dict, key: str, where: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise WarnewsError(f"{where}: {key!r} must be a number")
    return float(value)


def load_errata(root: Path, entities: dict[str, Entity]) -> list[dict]:
    """knowledge/errata.yaml, checked: known kinds, confidences and entity ids."""
    path = root / KNOWLEDGE_DIR / "errata.yaml"
    if not path.is_file():
        return []
    errata = []
    for item, where in _entries(path, _ERRATUM_KEYS):
        missing = sorted(k for k in _ERRATUM_KEYS - {"document", "likely_speaker", "speaker_as_printed"} if not item.get(k))
        if missing:
            raise WarnewsError(f"{where}: missing key(s) {', '.join(missing)}")
        if item["kind"] not in ERRATUM_KINDS:
            raise WarnewsError(f"{where}: kind {item['kind']!r} is not one of {', '.join(ERRATUM_KINDS)}")
        if item["confidence"] not in CONFIDENCE:
            raise WarnewsError(f"{where}: confidence {item['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
        for key in ("likely_speaker", "speaker_as_printed"):
            if item.get(key) is not None and item[key] not in entities:
                raise WarnewsError(f"{where}: {key} {item[key]!r} is not an entity in knowledge/entities.yaml")
        evidence = item["evidence"]
        if not isinstance(evidence, list) or not all(isinstance(e, dict) and isinstance(e.get("url"), str)
                                                      and isinstance(e.get("says"), str) for e in evidence):
            raise WarnewsError(f"{where}: evidence must be a list of {{url, says}}")
        errata.append({**item, "evidence": [{"url": e["url"], "says": e["says"]} for e in evidence], "where": where})
    return errata
