"""gazetteer: what the project knows, in the shape the layers link names by.

The curated entities (knowledge/) become a gazetteer of their names, aliases and demonyms, and a
map from the package place ids they stand for (ISO 3166 codes, GeoNames ids) to themselves, so a
mention of `Kursk Oblast` links to the curated entity of it rather than to pycountry's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warnews.errors import WarnewsError
from warnews.knowledge import Entity
from warnews.lexicon.identity import (AUTOMATIC_PREFIXES, DocumentNames, curated_keys, org_entity_id,
                                      person_entity_id)
from warnews.lexicon.names import People
from warnews.lexicon.places import (city_entity_id, country_entity_id, country_names, demonyms, link,
                                    subdivision_entity_id)


@dataclass(frozen=True)
class Gazetteer:
    """Surface form -> (entity id, label); a form that names two entities is left out (not sure)."""

    forms: dict[str, tuple[str, str]]
    pattern: re.Pattern | None

    @classmethod
    def from_entities(cls, entities: dict[str, Entity]) -> Gazetteer:
        seen: dict[str, set[tuple[str, str]]] = {}
        for e in entities.values():
            for form in (e.name, *e.aliases):
                seen.setdefault(form, set()).add((e.entity_id, e.type))
            for form in e.demonyms:
                seen.setdefault(form, set()).add((e.entity_id, "NORP"))
        forms = {form: next(iter(hits)) for form, hits in seen.items() if len(hits) == 1}
        alternatives = sorted(forms, key=lambda f: (-len(f), f))  # longest first: leftmost-longest match
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)") if forms else None
        return cls(forms, pattern)

    def find(self, text: str):
        """(start, end, entity_id, label) for every match, left to right."""
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text):
            entity_id, label = self.forms[m.group()]
            yield m.start(), m.end(), entity_id, label


@dataclass(frozen=True)
class Knowledge:
    """What the project knows, for linking: curated entities and the gazetteer of their names."""

    entities: dict[str, Entity]
    gazetteer: Gazetteer
    demonyms: frozenset[str] = field(default_factory=frozenset)
    place_ids: dict[str, str] = field(default_factory=dict)  # a package place id -> the curated entity of it
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, folded name key) -> curated id

    @classmethod
    def of(cls, entities: dict[str, Entity]) -> Knowledge:
        """Knowledge from curated entities: their gazetteer, demonyms, and which package place ids
        (ISO 3166-1 codes, GeoNames ids) they stand for, and the folded keys of their names
        (lexicon.identity). A curated id may not look like an automatic one (person-, org-)."""
        place_ids = {}
        for e in entities.values():
            if e.entity_id.startswith(AUTOMATIC_PREFIXES):
                raise WarnewsError(f"entity id {e.entity_id!r}: ids starting with {' or '.join(AUTOMATIC_PREFIXES)} "
                                   "are the automatic entities'; choose another slug")
            if e.iso_3166 and e.type == "GPE":
                place_ids[country_entity_id(e.iso_3166)] = e.entity_id
            if e.iso_3166_2:
                place_ids[subdivision_entity_id(e.iso_3166_2)] = e.entity_id
            for other in e.other_ids:
                if other.get("scheme") == "geonames":
                    place_ids[city_entity_id(int(other["id"]))] = e.entity_id
        return cls(entities, Gazetteer.from_entities(entities),
                   frozenset(d for e in entities.values() for d in e.demonyms), place_ids,
                   curated_keys(entities.values()))


def linked_mentions(text: str, spans, knowledge: Knowledge) -> list[dict]:
    """Mentions (start, end, label, entity_id) of (start, end, label) spans: nested or overlapping ones count once, as the longest
    leftmost. A mention links to a curated entity whose name or alias it is, with the same label;
    else a place name that is unambiguous in the document links to an entity made from the
    package data it came from (a country's ISO code, a city's GeoNames id); a person or an
    organisation links to the entity its name stands for across the corpus (lexicon.identity:
    a curated one by key, else an automatic one made from the name); else to nothing."""
    kept, last_end = [], -1
    for s, e, label in sorted(set(spans), key=lambda x: (x[0], -(x[1] - x[0]))):
        if s >= last_end:
            kept.append((s, e, label))
            last_end = e
    countries, nationality = country_names(), demonyms()
    context = {countries.get(text[s:e]) or nationality.get(text[s:e]) for s, e, _ in kept} - {None}
    people = People.of(text, knowledge.demonyms)  # the mention layer's own (cached)
    names = DocumentNames.of(text, people, [text[s:e] for s, e, label in kept if label == "PERSON"], knowledge.demonyms)
    rows = []
    for s, e, label in kept:
        curated = knowledge.gazetteer.forms.get(text[s:e])
        if curated and curated[1] == label:
            entity_id = curated[0]
        elif label == "PERSON":
            entity_id = person_entity_id(text[s:e], names, knowledge, knowledge.demonyms)
        elif label == "ORG":
            entity_id = org_entity_id(text[s:e], people.acronyms, knowledge, names.common)
        else:
            entity_id = link(text[s:e], context) if label == "GPE" else None
            if entity_id is not None and entity_id in knowledge.place_ids:
                entity_id = knowledge.place_ids[entity_id]  # the curated entity of that place
        rows.append({"start": s, "end": e, "label": label, "entity_id": entity_id})
    return rows
