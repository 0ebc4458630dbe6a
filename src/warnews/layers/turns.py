"""turns: who speaks when in a transcript (rule:turns_v2).

A statement or transcript that carries speaker labels (`President of Russia Vladimir Putin: Good
afternoon.`, `Question: …`), often in the middle of a line because its paragraph breaks were
lost, gets one row per turn: the utterance from the first character after the label's colon to
the last one before the next label, the label as printed, the speaker's full name (`Putin` after
`Vladimir Putin`) and role (the title a label of the same speaker prints). A label starts the text
or follows the end of a sentence, and names a person or is a generic label (`Question`); a colon
inside an utterance that introduces neither is no label. A text with fewer than two labels is no
transcript and gets no rows. A note in brackets after the name (`Vladimir Putin (retranslated):`)
belongs to the label, not to the name (v2; v1 read no such label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warnews.lexicon.gazetteer import Knowledge
from warnews.lexicon.identity import speaker_entity_ids
from warnews.lexicon.names import is_org_word, split_title
from warnews.lexicon.words import TITLE_WORDS
from warnews.registry import Document, Layer, register

TURNS_V2 = "rule:turns_v2"
# Labels that name a role in the conversation rather than a person.
GENERIC_LABELS = frozenset("Question Answer Remark Reply Response Moderator Host Interviewer Journalist Correspondent "
                           "Participant Voice Audience Interpreter Comment Q A".split())
_WORD = r"(?:[A-Z][\w'’\-]*|[A-Z]\.)"  # a dot only after an initial: `Congratulations. Sergei Shoigu:` is two
_TOKEN = rf"(?:{_WORD}|of|the|and|for|in|on|de|von|van|der|al)"
# A note in brackets may follow the name (`Vladimir Putin (retranslated):`): it is part of the
# label as printed, not of the speaker's name.
_LABEL = re.compile(rf"(?:(?<=^)|(?<=\s))(?P<label>{_WORD}(?: {_TOKEN}){{0,17}})(?: \([^()\n:]{{1,40}}\))? ?:")
# Where a label may start: the text's start, a line's, or after a sentence's end (or a `***` rule).
_AFTER_SENTENCE = re.compile(r"(?:^|\n|[.!?…*][”\"’)]?\s+)$")
# The Kremlin's markup of a long label: `<role> <First> <Last> <Last> <First><role again>`.
_DOUBLED = re.compile(r"^(?P<role>.*?) ?(?P<first>[A-Z][\w'’\-]+) (?P<last>[A-Z][\w'’\-]+) (?P=last) [A-Z]")
MIN_LABELS = 2


@dataclass
class Turn:
    label_start: int
    label_end: int
    start: int = 0
    end: int = 0
    speaker: str | None = None
    role: str | None = None


def _name_and_role(label: str, demonyms: frozenset[str]) -> tuple[str | None, str | None]:
    label = label.strip()
    if label in GENERIC_LABELS:
        return label, None
    doubled = _DOUBLED.match(label)
    if doubled:
        return f"{doubled.group('first')} {doubled.group('last')}", doubled.group("role").strip() or None
    title, name = split_title(label, demonyms)
    tokens = name.split()
    if not tokens or len(tokens) > 4 or any(is_org_word(t) for t in tokens):
        return None, None
    if len(tokens) == 1 and not title:
        return name, None  # a surname: a speaker only if a fuller label names it
    return name, (title or None) if not title or any(w.lower() in TITLE_WORDS for w in title.split()) else None


def find_turns(text: str, demonyms: frozenset[str] = frozenset()) -> list[Turn]:
    candidates = []
    for m in _LABEL.finditer(text):
        name, role = _name_and_role(m.group("label"), demonyms)
        if name is None:
            continue
        if not _AFTER_SENTENCE.search(text[max(0, m.start() - 5):m.start()]) and not (
                not candidates and role and len(name.split()) > 1):
            continue  # mid-sentence, unless it is the first label, after a heading, with a title and a full name
        candidates.append((m, name, role))
    full_names = [name for _, name, _ in candidates if len(name.split()) > 1]
    roles: dict[str, str] = {}
    for _, name, role in candidates:
        if role and name not in roles:
            roles[name] = role
    turns: list[Turn] = []
    for m, name, _ in candidates:
        if len(name.split()) == 1 and name not in GENERIC_LABELS:
            fuller = [f for f in full_names if f.split()[-1] == name]
            if not fuller:
                continue  # `Armenia:` or `Note:` inside an utterance, not a speaker
            name = fuller[0]
        turns.append(Turn(m.start("label"), m.end() - 1, speaker=name, role=roles.get(name)))  # up to the colon
    if len(turns) < MIN_LABELS and not (turns and turns[0].label_start == 0):
        return []  # one label is a transcript only where it opens the text
    for turn, following in zip(turns, turns[1:] + [None]):
        start = turn.label_end + 1
        while start < len(text) and text[start].isspace():
            start += 1
        end = following.label_start if following else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        turn.start, turn.end = start, end
    return [t for t in turns if t.start < t.end]


def turns_v2(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
    rows = []
    for t in find_turns(doc.text, knowledge.demonyms):
        rows.append({"start": t.start, "end": t.end, "label_start": t.label_start, "label_end": t.label_end,
                     "label": doc.text[t.label_start:t.label_end], "speaker_name": t.speaker,
                     "speaker_role": t.role,
                     "speaker_entity_ids": speaker_entity_ids(doc.text, t.speaker, "PERSON", knowledge)})
    return rows


register(Layer(TURNS_V2, "turns", turns_v2))
