"""gold: the layer people write, in annotations/<doc_id>.yaml, anchored by quoted text.

Spans are found by their exact text (a W3C TextQuoteSelector, plus an occurrence number or a
prefix/suffix where the text repeats), never by typed offsets, so gold survives a change in
cleaning; an anchor that is missing or ambiguous stops the build, naming the file and line.
Guarantees: every span row has `text == documents.text[start:end]`, every entity id exists in
knowledge/, and no two gold spans of one table coincide (nor overlap, for mentions).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from warnews.errors import WarnewsError
from warnews.ids import GOLD, span_id
from warnews.ingest import LineLoader, read_yaml
from warnews.knowledge import Entity
from warnews.schema import TABLES
from warnews.vocabularies import (CLAIM_KINDS, DATE_BASES, DATE_KINDS, EVENT_TYPES, MENTION_LABELS, PRECISIONS,
                                  QUOTE_KINDS)

ANNOTATIONS_DIR = "annotations"
_ANCHOR = {"text", "occurrence", "prefix", "suffix"}


def gold_sections() -> dict:
    """Table -> its gold section (schema.TABLES), sources first: the others refer to them by key."""
    sections = {name: spec.gold for name, spec in TABLES.items() if spec.gold is not None}
    return dict(sorted(sections.items(), key=lambda item: item[0] != "sources"))


def find_anchor(text: str, anchor: dict, where: str) -> list[tuple[int, int]]:
    """Resolve a text anchor to [start, end) spans; matches are whole words at their edges."""
    exact = anchor.get("text")
    if not isinstance(exact, str) or not exact:
        raise WarnewsError(f"{where}: an anchor needs a non-empty 'text'")
    starts, pos = [], text.find(exact)
    while pos >= 0:
        before = text[pos - 1] if pos > 0 else ""
        after = text[pos + len(exact)] if pos + len(exact) < len(text) else ""
        if not (exact[0].isalnum() and before.isalnum()) and not (exact[-1].isalnum() and after.isalnum()):
            starts.append(pos)
        pos = text.find(exact, pos + 1)
    if anchor.get("prefix") is not None:
        starts = [s for s in starts if text[:s].endswith(anchor["prefix"])]
    if anchor.get("suffix") is not None:
        starts = [s for s in starts if text[s + len(exact):].startswith(anchor["suffix"])]
    if not starts:
        raise WarnewsError(f"{where}: anchor {exact!r} not found in the clean text; check the text (quotes are "
                           "curly, cleaning may have inserted a space) or its prefix/suffix")
    occurrence = anchor.get("occurrence")
    if occurrence is None:
        if len(starts) > 1:
            raise WarnewsError(f"{where}: anchor {exact!r} is ambiguous: found {len(starts)} times; add "
                               "occurrence: N (or a list, or all) or a prefix/suffix")
        chosen = starts
    elif occurrence == "all":
        chosen = starts
    else:
        numbers = occurrence if isinstance(occurrence, list) else [occurrence]
        if not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n for n in numbers):
            raise WarnewsError(f"{where}: occurrence must be a number from 1, a list of them, or all")
        too_high = [n for n in numbers if n > len(starts)]
        if too_high:
            raise WarnewsError(f"{where}: anchor {exact!r} occurs {len(starts)} times, not {too_high[0]}")
        chosen = [starts[n - 1] for n in numbers]
    return [(s, s + len(exact)) for s in chosen]


class _Doc:
    """Checks shared by every section of one gold file."""

    def __init__(self, path: Path, doc_id: str, text: str, entities: dict[str, Entity]):
        self.path, self.doc_id, self.text, self.entities = path, doc_id, text, entities
        self.source_ids: dict[str, str] = {}

    def where(self, section: str, item: dict) -> str:
        return f"{self.path}:{item.get('__line__', '?')}: {section}"

    def entity(self, value, where: str, key: str, nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        if value not in self.entities:
            raise WarnewsError(f"{where}: {key} {value!r} is not an entity id in knowledge/entities.yaml")
        return value

    def entity_list(self, values, where: str, key: str) -> list[str]:
        if not isinstance(values, list) or not values:
            raise WarnewsError(f"{where}: {key} must be a non-empty list of entity ids")
        return [self.entity(v, where, key) for v in values]

    def source(self, key, where: str) -> str:
        if key not in self.source_ids:
            raise WarnewsError(f"{where}: source {key!r} is not a key of this file's sources")
        return self.source_ids[key]

    def choice(self, value, allowed, where: str, key: str) -> str:
        if value not in allowed:
            raise WarnewsError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
        return value

    def date(self, value, where: str, key: str) -> dt.date | None:
        if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise WarnewsError(f"{where}: {key} {value!r} is not an ISO date (YYYY-MM-DD) or null")

    def statement_date(self, value, where: str) -> dict:
        if not isinstance(value, dict) or set(value) - {"value", "precision", "basis", "__line__"}:
            raise WarnewsError(f"{where}: statement_date is {{value, precision, basis}}")
        date = self.date(value.get("value"), where, "statement_date.value")
        precision = self.choice(value.get("precision"), PRECISIONS, where, "statement_date.precision")
        basis = value.get("basis")
        if date is None:
            if precision != "unknown" or basis is not None:
                raise WarnewsError(f"{where}: a null statement date has precision unknown and basis null")
        else:
            self.choice(basis, DATE_BASES, where, "statement_date.basis")
        return {"statement_date": date, "statement_date_precision": precision, "statement_date_basis": basis}


def load_gold(root: Path, doc_id: str, text: str, entities: dict[str, Entity]) -> dict[str, list[dict]]:
    """Rows of the gold layer for one document (empty tables when it has no gold file)."""
    sections = gold_sections()
    tables: dict[str, list[dict]] = {name: [] for name in sections}
    path = root / ANNOTATIONS_DIR / f"{doc_id}.yaml"
    if not path.is_file():
        return tables
    data = read_yaml(path, LineLoader)
    if not isinstance(data, dict) or data.get("doc_id") != doc_id:
        raise WarnewsError(f"{path}: a gold file is a mapping whose doc_id is {doc_id}")
    unknown = sorted(set(data) - set(sections) - {"doc_id", "annotated_by", "__line__"})
    if unknown:
        raise WarnewsError(f"{path}: unknown section(s) {', '.join(unknown)}; allowed: {', '.join(sections)}")
    doc = _Doc(path, doc_id, text, entities)
    for section, spec in sections.items():
        required, optional = spec.required, spec.optional
        items = data.get(section) or []
        if not isinstance(items, list):
            raise WarnewsError(f"{path}: {section} must be a list")
        for item in items:
            if not isinstance(item, dict):
                raise WarnewsError(f"{path}: {section}: each entry is a mapping")
            where = doc.where(section, item)
            keys = set(item) - {"__line__"}
            missing = sorted(required - keys)
            extra = sorted(keys - required - optional - _ANCHOR)
            if missing or extra:
                raise WarnewsError(f"{where}: " + "; ".join(
                    ([f"missing key(s) {', '.join(missing)}"] if missing else [])
                    + ([f"unknown key(s) {', '.join(extra)}"] if extra else [])))
            for start, end in find_anchor(text, item, where):
                row = {"doc_id": doc_id, "start": start, "end": end, "text": text[start:end], "layer": GOLD}
                row.update(_FIELDS[section](doc, item, where, row))
                tables[section].append(row)
    _check_no_duplicates(path, tables)
    return tables


def _sources(doc: _Doc, item: dict, where: str, row: dict) -> dict:
    source_id = span_id(doc.doc_id, "sources", GOLD, row["start"], row["end"])
    if item["key"] in doc.source_ids:
        raise WarnewsError(f"{where}: source key {item['key']!r} is used twice")
    via = doc.source(item["via"], where) if item.get("via") is not None else None
    doc.source_ids[item["key"]] = source_id
    return {"source_id": source_id, "description": item["description"],
            "source_entity_id": doc.entity(item.get("entity"), where, "entity", nullable=True),
            "relayed_by_entity_id": doc.entity(item["relayed_by"], where, "relayed_by"), "via_source_id": via}


def _mentions(doc: _Doc, item: dict, where: str, row: dict) -> dict:
    entity = doc.entity(item["entity"], where, "entity")
    label = item.get("label", doc.entities[entity].type)
    return {"mention_id": span_id(doc.doc_id, "mentions", GOLD, row["start"], row["end"]),
            "label": doc.choice(label, MENTION_LABELS, where, "label"), "entity_id": entity}


def _dates(doc: _Doc, item: dict, where: str, row: dict) -> dict:
    value = doc.date(item["value"], where, "value")
    if value is None:
        raise WarnewsError(f"{where}: a date expression needs its value")
    return {"date_id": span_id(doc.doc_id, "dates", GOLD, row["start"], row["end"]), "value": value,
            "precision": doc.choice(item["precision"], PRECISIONS[:-1], where, "precision"),
            "kind": doc.choice(item["kind"], DATE_KINDS, where, "kind")}


def _quotes(doc: _Doc, item: dict, where: str, row: dict) -> dict:
    reported_by = item.get("reported_by")
    speakers = doc.entity_list(item["speakers"], where, "speakers")
    return {"quote_id": span_id(doc.doc_id, "quotes", GOLD, row["start"], row["end"]),
            "kind": doc.choice(item["kind"], QUOTE_KINDS, where, "kind"),
            "speaker_entity_ids": speakers,
            # gold names its speakers by entity; their curated names stand for the names in the text
            "speaker_text": None, "speaker_start": None, "speaker_end": None,
            "speaker_name": " and ".join(doc.entities[e].name for e in speakers) or None,
            "speaker_role": item.get("speaker_role"), "cue": item["cue"],
            "reported_by_entity_id": doc.entity(reported_by, where, "reported_by", nullable=True),
            "source_id": doc.source(item["source"], where), **doc.statement_date(item["statement_date"], where)}


def _claims(doc: _Doc, item: dict, where: str, row: dict) -> dict:
    return {"claim_id": span_id(doc.doc_id, "claims", GOLD, row["start"], row["end"]),
            "kind": doc.choice(item["kind"], CLAIM_KINDS, where, "kind"),
            "claimant_entity_ids": doc.entity_list(item["claimants"], where, "claimants"),
            "source_id": doc.source(item["source"], where), **doc.statement_date(item["statement_date"], where)}


def _events(doc: _Doc, item: dict, where: str, row: dict) -> dict:
    when = item["event_date"]
    if not isinstance(when, dict) or set(when) - {"value", "precision", "not_after", "__line__"}:
        raise WarnewsError(f"{where}: event_date is {{value, precision, not_after}}")
    value = doc.date(when.get("value"), where, "event_date.value")
    precision = doc.choice(when.get("precision"), PRECISIONS, where, "event_date.precision")
    if (value is None) != (precision == "unknown"):
        raise WarnewsError(f"{where}: event_date precision is unknown exactly when its value is null")
    return {"event_id": span_id(doc.doc_id, "events", GOLD, row["start"], row["end"]),
            "event_type": doc.choice(item["event_type"], EVENT_TYPES, where, "event_type"),
            "sub_event_type": item["sub_event_type"],
            "actor_entity_ids": doc.entity_list(item["actors"], where, "actors"),
            "location_entity_id": doc.entity(item["location"], where, "location", nullable=True),
            "event_date": value, "event_date_precision": precision,
            "event_not_after": doc.date(when.get("not_after"), where, "event_date.not_after"),
            "reported_by_entity_ids": doc.entity_list(item["reported_by"], where, "reported_by"),
            "source_id": doc.source(item["source"], where)}


_FIELDS = {"sources": _sources, "mentions": _mentions, "dates": _dates, "quotes": _quotes, "claims": _claims,
           "events": _events}


def _check_no_duplicates(path: Path, tables: dict[str, list[dict]]) -> None:
    """Two gold rows of one table on the same span are a mistake; mentions may not even overlap."""
    for table, rows in tables.items():
        spans = sorted((r["start"], r["end"], r["text"]) for r in rows)
        for (s1, e1, t1), (s2, e2, t2) in zip(spans, spans[1:]):
            if (s1, e1) == (s2, e2) or (table == "mentions" and s2 < e1):
                raise WarnewsError(f"{path}: {table}: gold spans {t1!r} [{s1}, {e1}) and {t2!r} [{s2}, {e2}) "
                                   f"{'coincide' if (s1, e1) == (s2, e2) else 'overlap'}; keep one")


def errata_rows(errata: list[dict], doc_id: str, text: str, tables: dict[str, list[dict]]) -> list[dict]:
    """Curated findings about one document, anchored in its text, with the gold rows they affect."""
    rows = []
    for item in (e for e in errata if e["doc_id"] == doc_id):
        for start, end in find_anchor(text, {"text": item["span"]}, f"{item['where']}: errata"):
            printed = item.get("speaker_as_printed")
            affected = sorted(
                [q["quote_id"] for q in tables["quotes"] if printed in q["speaker_entity_ids"]]
                + [c["claim_id"] for c in tables["claims"] if printed in c["claimant_entity_ids"]])
            rows.append({
                "erratum_id": span_id(doc_id, "errata", GOLD, start, end), "doc_id": doc_id, "start": start,
                "end": end, "text": text[start:end], "kind": item["kind"],
                "finding": re.sub(r"\s+", " ", item["finding"]).strip(),
                "speaker_as_printed_entity_id": printed, "speaker_likely_entity_id": item.get("likely_speaker"),
                "affected_ids": affected, "evidence": item["evidence"], "found_by": item["found_by"],
                "confidence": item["confidence"], "layer": GOLD,
            })
    return rows
