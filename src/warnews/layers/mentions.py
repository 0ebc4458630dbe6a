"""mentions: names in a text, labelled PERSON, GPE, LOC, ORG or NORP (rule:mentions_v4).

Names are found as runs of capitalized words and labelled by the gazetteers of packages made
for them (countries, cities, continents, nationality words, the war's regions), by the curated
entities in knowledge/ (which also link a mention to its entity), by the curated list of
organisations' names (lexicon/data/organisations.yaml, which also finds a listed name no run
holds, `anyone.NATO`), by the words an organisation's name holds (`Ministry`, `Council`,
acronyms), by what the text says of a one-word name (`energy giant
Gazprom`, `the Axios information portal`; platforms such as Twitter are named bare), and by what
the text shows of a person (a title, a speech verb, the surname used alone). A run is split where
a possessive, an office or a place before an organisation's own name splits it (`Russia’s Defense
Ministry`, `NATO Secretary General Jens Stoltenberg`, `US Nato`, `Russia-Nato`), and where a listed
organisation's name begins or ends it (`East European` `Nato`, `NATO` `Troop Training`). A
lower-case compass word is a direction before a country or a nationality word (`western
Ukraine`, none), part of a region's name before a continent (`western Europe`, LOC) or of a
group's before a group word (`west European`, NORP), and `western` alone is NORP (`western
allies`). A name the text calls a town (`the town of Soledar`) is GPE, one it calls an employer
(`an analyst at Brightwater Partners`) or a web address (`Gazeta.pl`) ORG, and an acronym in
brackets after words that are no name (`Liquified Natural Gas (LNG)`) nothing. A place followed
by a lower-case `region` or `oblast` links to the subdivision. Spans
follow the annotation guidelines: no leading `the`, no possessive, no title; nested names count
once, as the longest.
"""

from __future__ import annotations

import re
from functools import lru_cache

from warnews.lexicon.gazetteer import Knowledge, linked_mentions
from warnews.lexicon.names import (People, bare_word, capitalized_runs, is_org_word, is_person_name, is_title_word,
                                   name_gender, split_title)
from warnews.lexicon.organisations import find_organisations, is_organisation
from warnews.lexicon.places import country_names, demonyms, group_names, places, relink_regions
from warnews.lexicon.words import (OFFICE_WORDS, ORG_DESCRIPTORS, ORG_NAME_WORDS, ORG_NAMES, ORG_WORDS, PLACE_WORDS,
                                   STOP_WORDS, TITLE_WORDS)
from warnews.registry import Document, Layer, register

# --- rule:mentions_v4: names of any kind, from gazetteers and the shape of names -----------------

MENTIONS_V4 = "rule:mentions_v4"
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
    if is_organisation(run):
        return [(0, len(run), "ORG")]
    if len(tokens) == 1 and run.lower() in KIND_WORDS and run.endswith("s"):
        return []  # `Analysts`, `Authorities` opening a sentence: a plural noun, no name
    if len(tokens) > 1 and tokens[-1].lower() in DOCUMENT_WORDS:  # `UN Charter`: the name in it counts alone
        head = run[:run.rindex(tokens[-1])].strip()
        return [x for x in _label_run(head, knowledge, people, countries, cities, nationality) if x[1] <= len(head)]
    listed = _listed_organisation_part(run, knowledge, people, countries, cities, nationality)
    if listed:
        return listed
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


def _listed_organisation_part(run: str, knowledge: Knowledge, people, countries, cities, nationality):
    """A run that a listed organisation's name begins, the rest two or more words of no
    organisation (`NATO` `Troop Training`; `CNN Business` stays one), or that a listed proper name
    ends after a place or group word (`East European` `Nato`; a name of a kind, `American Department
    of State`, keeps its nationality word, as the guidelines say): the name ORG, the rest labelled
    on its own. None where the run is no such pair."""
    tokens = run.split()
    for k in range(len(tokens) - 1, 0, -1):
        head, tail = " ".join(tokens[:k]), " ".join(tokens[k:])
        at = run.index(tail, len(head))
        if is_organisation(head) and len(tokens) - k >= 2 and not any(
                is_org_word(t) or t.lower() in OFFICE_WORDS for t in tokens[k:]):
            rest = [(at + s, at + e, label) for s, e, label in _label_run(
                tail, knowledge, people, countries, cities, nationality)]  # a person only by a known first name
            return [(0, len(head), "ORG")] + [(s, e, label) for s, e, label in rest if label != "PERSON" or (
                name_gender(run[s:e]) is not None)]
        if is_organisation(tail) and not any(bare_word(t).lower() in KIND_WORDS for t in tokens[k:]):
            if head in countries or head in cities:
                return _label_run(head, knowledge, people, countries, cities, nationality) + [(at, len(run), "ORG")]
            if _is_group_word(head, nationality):
                return [(0, len(head), "NORP"), (at, len(run), "ORG")]
    return None


# Organisation words that name a kind of body (`Department`, `Ministry`), not one body (`Nato`).
KIND_WORDS = ORG_WORDS - ORG_NAME_WORDS
# The last word of the name of a document, which is no organisation (`UN Charter`).
DOCUMENT_WORDS = frozenset("charter treaty convention resolution declaration statute memorandum protocol".split())


def _is_group_word(words: str, nationality) -> bool:
    """A nationality or group word, after a compass word or not (`Russian`, `East European`)."""
    tokens = words.split()
    if len(tokens) == 2 and tokens[0] in COMPASS:
        tokens = tokens[1:]
    word = " ".join(tokens)
    return len(tokens) == 1 and (word in nationality or group_names().get(word) == "NORP")


# A lower-case compass word and the word after it, if any.
_COMPASS = re.compile(r"(?<![\w’'\-])(western|eastern|northern|southern|central|west|east|north|south)(?![\w’'\-])"
                      r"(?: ([\w\-]+))?")
# Nouns of parts of a place: a compass word before one is a direction (`the western border`).
DIRECTION_NOUNS = frozenset("""
border borders part parts flank flanks side sides edge edges outskirts suburbs area areas region regions city cities
town towns village villages coast coastline front frontline direction province provinces district districts bank
shore half corner tip end approaches
""".split())


def _compass_spans(text: str, countries, cities, nationality) -> list[tuple[int, int, str]]:
    """`western Europe` LOC and `west European` NORP (a region's or a group's name with its compass
    word); `western` NORP where no place follows (`western allies`); nothing before a country, a
    city, a nationality word or a part of a place (`western Ukraine`, `eastern Ukrainian city`,
    `the western border`): a direction."""
    spans = []
    for m in _COMPASS.finditer(text):
        word, after = m.group(1), m.group(2)
        if after and after in DIRECTION_NOUNS:
            continue
        after = after if after and after[0].isupper() else None
        kinds = {p.kind for p in cities.get(after, ())} if after else set()
        if after and ("continent" in kinds or group_names().get(after) == "LOC"):
            spans.append((m.start(), m.end(), "LOC"))
        elif after and group_names().get(after) == "NORP" and after not in nationality:
            spans.append((m.start(), m.end(), "NORP"))
        elif after and (after in countries or after in nationality or after in cities):
            continue
        elif word == "western":  # the guidelines: the adjective is NORP
            spans.append((m.start(1), m.end(1), "NORP"))
    return spans


def mentions_v4(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
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
            if not labelled and described_as_place(text, piece_start, piece_start + len(piece)):
                labelled = [(0, len(piece), "GPE")]  # `the town of Soledar`: a place no gazetteer holds
            if not labelled and (_WEB_ADDRESS.fullmatch(piece) or _EMPLOYER_BEFORE.search(
                    text, max(0, piece_start - 40), piece_start)) and piece not in cities:
                labelled = [(0, len(piece), "ORG")]  # `Gazeta.pl`; `an analyst at Capital Partners`
            for s, e, label in labelled:
                ordinal = re.search(r"\b\d+(?:st|nd|rd|th) $", text[max(0, piece_start + s - 8):piece_start + s])
                if label == "ORG" and ordinal:  # `82nd Airborne Division`
                    s -= len(ordinal.group())
                spans.append((piece_start + s, piece_start + e, label))
    spans = _without_acronyms_of_things(text, spans)
    spans = _with_listed_organisations(text, spans + _compass_spans(text, countries, cities, nationality))
    spans = [(s, e, "GPE" if label != "GPE" and described_as_place(text, s, e) else label) for s, e, label in spans]
    return relink_regions(text, linked_mentions(text, spans, knowledge), knowledge.place_ids)


def _with_listed_organisations(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans with every listed organisation's name ORG: where no span touches it (`anyone.NATO`,
    `FOX NEWS`), or in place of the spans it holds whole (`Organization for Security` and
    `Co-operation in Europe` of one name split at its `and`); a span that crosses it stays."""
    for start, end in find_organisations(text):
        touching = [x for x in spans if x[0] < end and start < x[1]]
        if touching and not all(start <= s and e <= end for s, e, _ in touching):
            continue
        if touching == [(start, end, "ORG")]:
            continue
        spans = [x for x in spans if x not in touching] + [(start, end, "ORG")]
    return spans


# An outlet named by its web address; the employer after a job (`a senior fellow at`, `an analyst with`).
_WEB_ADDRESS = re.compile(r"[A-Z][\w\-]*\.(?:com|net|org|info|news|pl|ua|ru|by|az|uk|de|fr|eu)")
_EMPLOYER_BEFORE = re.compile(r"(?<![\w’'])(?:analyst|economist|strategist|researcher|fellow|professor|lecturer|expert|"
                              r"scholar|editor|correspondent|reporter|journalist|executive|partner|trader) (?:at|with) "
                              r"(?:the )?$")


def _without_acronyms_of_things(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [x for x in spans if not acronym_of_no_name(text, x[0], x[1], spans)]


def acronym_of_no_name(text: str, start: int, end: int, spans) -> bool:
    """An acronym in brackets after the words it stands for, which no span names (`Liquified
    Natural Gas (LNG)`): no name either; the acronym of a name is one (`OSCE`)."""
    acronym = text[start:end]
    if not (acronym.isupper() and text[start - 1:start] == "(" and text[end:end + 1] == ")"):
        return False
    words = text[max(0, start - 2 - 12 * len(acronym)):start - 2].split()[-len(acronym):]
    begin = start - 2 - len(" ".join(words))
    return len(words) == len(acronym) and "".join(w[0] for w in words) == acronym and not any(
        s < start - 2 and begin < e for s, e, *_ in spans)


_PLACE_BEFORE = re.compile(r"(?<![\w’'])(?:town|city|village|settlement|port|region|district|oblast|province|capital) of $")


def described_as_place(text: str, start: int, end: int) -> bool:
    """A name the text calls a place (`the town of Soledar`, `the city of Mariupol`): GPE; not a
    first name (`the city of Mary`)."""
    name = text[start:end]
    return _PLACE_BEFORE.search(text, max(0, start - 12), start) is not None and name.istitle() and (
        " " not in name) and name_gender(name) is None


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


register(Layer(MENTIONS_V4, "mentions", mentions_v4))
