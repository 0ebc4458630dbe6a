"""rows: a quote layer's quotations as rows of the quotes table.

A row's statement date is the first date expression of its sentence outside the quotation (the
dates layer's rows); its speaker role the title printed before the speaker's name; its speaker
entity the one its resolved speaker_name stands for, as a mention of that name links
(`lexicon.identity`: a curated entity, else an automatic person or organisation; none for a
group or a description).
"""

from __future__ import annotations

import re

from warnews.annotate import sentence_spans
from warnews.lexicon.gazetteer import Knowledge
from warnews.lexicon.identity import speaker_entity_ids
from warnews.lexicon.words import STOP_WORDS, TITLE_WORDS
from warnews.quoting.marks import Quotation
from warnews.quoting.resolution import POSSESSIVES


def speaker_role(text: str, q: Quotation) -> str | None:
    """The title printed before the speaker's name in the attribution (`Kremlin spokesman`)."""
    if q.speaker_start is None:
        return None
    m = re.search(r"((?:[A-Z][\w’'\-․]*|[a-z]+)(?: (?:[A-Z][\w’'\-․]*|of|the|[a-z]+)){0,5}) $",
                  text[max(0, q.speaker_start - 60):q.speaker_start])
    if not m:
        return None
    words = m.group(1).split()
    while words and (words[0].lower() in STOP_WORDS or words[0].lower() in ("the", "a", "an", *POSSESSIVES)):
        words = words[1:]
    role = " ".join(words)
    return role if role and any(w.lower().strip(".,") in TITLE_WORDS for w in words) else None


def quote_rows(text: str, quotes: list[Quotation], knowledge: Knowledge, dates: list[dict]) -> list[dict]:
    """One row per quotation, in text order, with the quotes table's own columns."""
    sentences = sentence_spans(text)
    rows = []
    for q in sorted(quotes, key=lambda q: (q.start, q.end)):
        sentence = next(((s, e) for s, e in sentences if s <= q.start < e), (q.start, q.end))
        said = [d for d in dates if sentence[0] <= d["start"] < sentence[1] and not q.start <= d["start"] < q.end]
        rows.append({
            "start": q.start, "end": q.end, "kind": q.kind,
            "speaker_entity_ids": speaker_entity_ids(text, q.speaker_name, q.speaker_type, knowledge),
            "speaker_text": q.speaker_text, "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
            "speaker_name": q.speaker_name, "speaker_role": speaker_role(text, q), "cue": q.cue,
            "reported_by_entity_id": None, "source_id": None,
            "statement_date": said[0]["value"] if said else None,
            "statement_date_precision": said[0]["precision"] if said else "unknown",
            "statement_date_basis": "explicit" if said else None})
    return rows
