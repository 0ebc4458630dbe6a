"""mentions: names in a text, labelled PERSON, GPE, LOC, ORG or NORP (rule:mentions_v3).

Names are found as runs of capitalized words and labelled by the gazetteers of packages made
for them (countries, cities, continents, nationality words), by the curated entities in
knowledge/ (which also link a mention to its entity), by the words an organisation's name holds
(`Ministry`, `Council`, acronyms), by what the text says of a one-word name (`energy giant
Gazprom`, `the Axios information portal`; platforms such as Twitter are named bare), and by what
the text shows of a person (a title, a speech verb, the surname used alone). A run is split where
a possessive, an office or a place before an organisation's own name splits it (`Russia’s Defense
Ministry`, `NATO Secretary General Jens Stoltenberg`, `US Nato`, `Russia-Nato`). Spans follow the
annotation guidelines: no leading `the`, no possessive, no title; nested names count once, as
the longest.
"""

from __future__ import annotations

import re
from functools import lru_cache

from warnews.lexicon.gazetteer import Knowledge, linked_mentions
from warnews.lexicon.names import (People, bare_word, capitalized_runs, is_org_word, is_person_name, is_title_word,
                                   split_title)
from warnews.lexicon.places import country_names, demonyms, group_names, places
from warnews.lexicon.words import (OFFICE_WORDS, ORG_DESCRIPTORS, ORG_NAME_WORDS, ORG_NAMES, PLACE_WORDS, STOP_WORDS,
                                   TITLE_WORDS)
from warnews.registry import Document, Layer, register

# --- rule:mentions_v3: names of any kind, from gazetteers and the shape of names -----------------

MENTIONS_V3 = "rule:mentions_v3"
# A capitalized word before one of these names a region or a geographic feature with it.
REGION_WORDS = frozenset("Oblast Region Krai Province Republic Governorate Raion District County".split())
FEATURE_WORDS = frozenset("Sea Ocean River Mountains Peninsula Strait Bay Gulf Lake Desert Steppe".split())
COMPASS = frozenset("North South East West Northern Southern Eastern Western Central".split())


@lru_cache(maxsize=4)
def _with_nationality(curated: frozenset[str]) -> frozenset[str]:
    """The curated demonyms and every nationality word of the package data: words that are no
    person's name (made once, not per run)."""
    return curated | frozenset(demonyms())


def _label_run(run: str, knowledge: Knowledge, people, countries, cities, nationality) -> list[tuple[int, int, str]]:
    """(start, end, label) inside `run` (one capitalized run): the whole run, or its parts."""
    tokens = run.split()
    forms = knowledge.gazetteer.forms
    if run in forms:
        return [(0, len(run), forms[run][1])]
    if tokens[-1] in REGION_WORDS and len(tokens) > 1:
        return [(0, len(run), "GPE")]
    if tokens[-1] in FEATURE_WORDS and len(tokens) > 1:
        return [(0, len(run), "LOC")]
    groups = group_names()
    if run in groups:
        return [(0, len(run), groups[run])]
    if run.isupper() and (run.title() in countries or run.title() in cities):  # `MINSK, 16 February (BelTA)`
        return [(0, len(run), "GPE")]
    if run in countries or tokens[0] in COMPASS and " ".join(tokens[1:]) in countries:  # `West Germany`
        return [(0, len(run), "GPE")]
    if run in nationality:
        return [(0, len(run), "NORP")]
    if "-" in run and len(tokens) == 1:  # `Russia-Ukraine`: each place on its own
        parts, pos = [], 0
        for part in run.split("-"):
            if part in countries or part in cities or part in nationality:
                parts.append((pos, pos + len(part), "NORP" if part in nationality else "GPE"))
            elif part.lower() in ORG_NAME_WORDS or part in ORG_NAMES:  # `Russia-Nato`
                parts.append((pos, pos + len(part), "ORG"))
            pos += len(part) + 1
        if parts:
            return parts
    org = any(is_org_word(t) for t in tokens) and not any(bare_word(t) in PLACE_WORDS for t in tokens)
    if run in cities and not org:
        kinds = {p.kind for p in cities[run]}
        return [(0, len(run), "LOC" if "continent" in kinds else "GPE")]
    if org:
        for k in range(min(3, len(tokens) - 1), 0, -1):  # `US Nato`, `New York CNN Business`: a place, then a name
            head, first = " ".join(tokens[:k]), tokens[k]
            if (head in countries or head in cities) and (first.lower() in ORG_NAME_WORDS or first in ORG_NAMES or (
                    first.isupper() and 2 <= len(first) <= 6)):
                rest = run.index(first, len(head))
                return [(0, len(head), "GPE")] + [(rest + s, rest + e, label) for s, e, label in _label_run(
                    run[rest:], knowledge, people, countries, cities, nationality)]
        title, name = split_title(run, _with_nationality(knowledge.demonyms))
        if len(name.split()) >= 2 and not any(is_org_word(t) for t in name.split()):
            start = run.rfind(name)
            return _label_run(title, knowledge, people, countries, cities, nationality) + [
                (start, start + len(name), "PERSON")] if title else [(start, start + len(name), "PERSON")]
        first_title = next((i for i, t in enumerate(tokens) if t.lower().strip(".,") in OFFICE_WORDS), None)
        if first_title is not None:  # `NATO Secretary General`, `Naftogaz CEO`: the organisation before the office
            head = tokens[:first_title]
            while head and (head[-1].lower() in ("of", "the", "for") or is_title_word(head[-1])):
                head = head[:-1]  # `EU High Representative`: `High` belongs to the office
            if not head:
                return []
            part = " ".join(head)
            named_org = any(is_org_word(t) for t in head) or len(head) == 1 and part not in nationality and (
                part not in countries)  # `Belarusian Minister`: a nationality word, no organisation
            return [(0, len(part), "ORG")] if named_org else _label_run(
                part, knowledge, people, countries, cities, nationality)
        return [(0, len(run.rsplit(" of", 1)[0]) if run.endswith(" of") else len(run), "ORG")]
    joined = re.search(r" (?:for|of|the) ", run)
    if joined and not org:  # `Poland for Kyiv`: names joined by a small word that is not one name
        head, tail = run[:joined.start()], run[joined.end():]
        return _label_run(head, knowledge, people, countries, cities, nationality) + [
            (joined.end() + s, joined.end() + e, label)
            for s, e, label in _label_run(tail, knowledge, people, countries, cities, nationality)]
    title, name = split_title(run, _with_nationality(knowledge.demonyms))
    name_tokens = name.split()
    out = []
    if title:  # `Kyiv Mayor`, `Belgian Prime Minister`: places and nationality words in the title
        pos = 0
        for token in title.split():
            at = run.index(token, pos)
            pos = at + len(token)
            bare = token.strip(".,")
            if bare in countries or bare in cities:
                out.append((at, at + len(bare), "GPE"))
            elif bare in nationality:
                out.append((at, at + len(bare), "NORP"))
    if name_tokens and is_person_name(name, _with_nationality(knowledge.demonyms)):
        start = run.rfind(name)
        titled = title and any(w.lower().strip(".") in TITLE_WORDS for w in title.split())
        if titled or people.is_known(name):
            out.append((start, start + len(name), "PERSON"))
    return out


def mentions_v3(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
    text = doc.text
    people = People.of(text, knowledge.demonyms)
    countries, cities, nationality = country_names(), places(), demonyms()
    spans = []
    for start, _, run in capitalized_runs(text):
        # a possessive splits a run: `Russia’s Defense Ministry` is `Russia` and `Defense Ministry`
        for piece_start, piece in _pieces(run, start):
            if piece.isupper() and len(piece.split()) > 2:  # a headline in capitals: only platforms (`ON TELEGRAM`)
                for m in re.finditer(r"[A-Z]+", piece):
                    if m.group().title() in ORG_NAMES:
                        spans.append((piece_start + m.start(), piece_start + m.end(), "ORG"))
                continue
            labelled = _label_run(piece, knowledge, people, countries, cities, nationality)
            if piece not in knowledge.gazetteer.forms and piece not in countries and piece not in nationality and (
                    piece not in cities or piece in ORG_NAMES) and _described_as_organisation(text, piece_start, piece_start + len(piece), piece):
                labelled = [(0, len(piece), "ORG")]  # what the text says of it outweighs a name's shape
            for s, e, label in labelled:
                ordinal = re.search(r"\b\d+(?:st|nd|rd|th) $", text[max(0, piece_start + s - 8):piece_start + s])
                if label == "ORG" and ordinal:  # `82nd Airborne Division`
                    s -= len(ordinal.group())
                spans.append((piece_start + s, piece_start + e, label))
    for m in re.finditer(r"(?<![\w’'])western(?![\w’'])", text):  # the guidelines: the adjective is NORP
        spans.append((m.start(), m.end(), "NORP"))
    return linked_mentions(text, spans, knowledge)


_DESCRIPTOR_BEFORE = re.compile(r"(?<![\w’'])([a-z]+) $")
_DESCRIPTOR_AFTER = re.compile(r"(?: [a-z]+){1,4}\b")


def _described_as_organisation(text: str, start: int, end: int, name: str) -> bool:
    """A one-word name the text describes as an organisation (`energy giant Gazprom`, `the Axios
    information portal`), or a platform news names bare (`on Twitter`, `ON TELEGRAM`)."""
    if " " in name or len(name) < 2:
        return False
    if name in ORG_NAMES or name.isupper() and name.title() in ORG_NAMES:
        return True
    before = _DESCRIPTOR_BEFORE.search(text, max(0, start - 30), start)
    if before and before.group(1) in ORG_DESCRIPTORS:
        return True
    if start == 0 or re.search(r"(?:[.!?:\n–—-]\s*|^\s*)$", text[max(0, start - 3):start]):
        return False  # a capitalized word opening a sentence (`Steel plant …`) may be no name
    after = _DESCRIPTOR_AFTER.match(text, end)
    words = after.group().split() if after else []
    for k, word in enumerate(words):
        if word in ORG_DESCRIPTORS:
            return True
        if word in STOP_WORDS and word != "and" or k == 3:
            break
    return False


def _pieces(run: str, start: int):
    pos = 0
    for m in re.finditer(r"[’']s?(?= |$)", run):
        if m.start() > pos and run[m.start() - 1].isalpha():
            yield start + pos, run[pos:m.start()].strip()
            pos = m.end() + 1
    if pos < len(run):
        piece = run[pos:].strip()
        if piece:
            yield start + pos, piece


register(Layer(MENTIONS_V3, "mentions", mentions_v3))
