"""mentions: names of curated entities in a text (rule:mentions_v1).

A gazetteer of the curated entities' names, aliases and demonyms, matched as whole words,
leftmost-longest; a form that names two entities is left out (not sure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warnews.gold import span_id
from warnews.knowledge import Entity
from warnews.layers import Document, Knowledge, Layer, register

MENTIONS_V1 = "rule:mentions_v1"
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


def mentions_v1(doc_id: str, text: str, gazetteer: Gazetteer) -> list[dict]:
    return [{"mention_id": span_id(doc_id, "mentions", MENTIONS_V1, s, e), "doc_id": doc_id, "start": s, "end": e,
             "text": text[s:e], "label": label, "entity_id": entity_id, "layer": MENTIONS_V1}
            for s, e, entity_id, label in gazetteer.find(text)]



register(Layer(MENTIONS_V1, "mentions", lambda doc, knowledge, upstream: mentions_v1(doc.doc_id, doc.text,
                                                                                   knowledge.gazetteer),
               modules=("warnews.layers.mentions",)))
