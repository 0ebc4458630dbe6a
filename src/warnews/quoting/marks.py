"""marks: quotations found by their marks, and the periods that end no clause.

Quotation marks are paired within a paragraph: curly, straight (opening or closing by what stands
beside them), « », and single quotes used as quotation marks (an apostrophe inside a word is
none). A quotation left open at a line break ends there. Titles, nicknames and scare quotes
(short quoted words with no speaker and no speech verb) are left out by `keep`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warnews.clean import is_abbreviation
from warnews.lexicon.names import is_title_word, name_gender

# A period inside a name or title is no clause's end: `Mr. Rhodes`, `Sen. Tammy Baldwin`, `Harry
# M. Reid`, `the U.S. envoy`. The attribution patterns read the text with such periods masked
# (one character for one, so every offset holds) and the speaker is then taken from the text; the
# name patterns below take it as part of a word (`[\w’'\-․]`).
MASKED_PERIOD = "\u2024"
DOUBLE_OPEN, DOUBLE_CLOSE = "“«„", "”»"
SINGLE_OPEN, SINGLE_CLOSE = "‘", "’"
# A partial quotation of this many words or fewer, with no speaker and no speech verb, is taken
# for a scare quote or a name (the so-called “referendum”, the “Wagner” group).
SCARE_QUOTE_WORDS = 3


@dataclass
class Quotation:
    start: int  # inside the marks
    end: int
    open: int  # the opening mark
    close: int  # the closing mark, or the line end where none closes it
    kind: str = "partial"
    cue: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_name: str | None = None
    speaker_type: str | None = None  # PERSON, ORG or GROUP, where known
    # how speaker_name was found: a sieve of quoting.resolution, or how a quotation without a
    # printed speaker got one (`continued`, `next paragraph`, `same words`, `recent person`)
    resolved_by: str | None = None
    # the quotation whose printed speaker this one's goes on with (`“A,” X said. “B.”`: B's is A's)
    printed: Quotation | None = field(default=None, repr=False, compare=False)


def quotation_spans(text: str) -> list[Quotation]:
    """Every quotation in the text, in order, by its marks."""
    found = []
    pos = 0
    for line in text.split("\n"):
        found += _in_line(line, pos)
        pos += len(line) + 1
    return found


# Every character the pairing below looks at; the others are skipped.
_MARK = re.compile(f"[{DOUBLE_OPEN}{DOUBLE_CLOSE}{SINGLE_OPEN}{SINGLE_CLOSE}\"']")


def _in_line(line: str, offset: int) -> list[Quotation]:
    found, opened, single, depth = [], None, None, 0
    for mark in _MARK.finditer(line):
        i, ch = mark.start(), mark.group()
        before = line[i - 1] if i else " "
        after = line[i + 1] if i + 1 < len(line) else " "
        if ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE or ch == '"':
            single = None  # single quotes inside a double quotation belong to it
            opens = ch in DOUBLE_OPEN or (ch == '"' and opened is None and not after.isspace()) or (
                ch in DOUBLE_CLOSE and opened is None and after.isalpha() and not before.isalnum())
            if opened is None and opens:
                opened, depth = i, 0
            elif opened is not None and ch in DOUBLE_OPEN:
                depth += 1  # “…“might makes right”…”: a quotation inside the quotation
            elif opened is not None and depth and ch in DOUBLE_CLOSE:
                depth -= 1
            elif opened is not None:
                found.append(_make(line, offset, opened, i))
                opened = None
        elif opened is None and ch in SINGLE_OPEN + "'" and not before.isalnum() and after.isalnum():
            single = i if ch == SINGLE_OPEN or single is None else single
        elif opened is None and single is not None and ch in SINGLE_CLOSE + "'" and not after.isalnum():
            if before.isalnum() or before in ".,!?":
                found.append(_make(line, offset, single, i))
                single = None
    if opened is not None and line[opened + 1:].strip():  # open at the line end: it ends there
        found.append(_make(line, offset, opened, len(line.rstrip())))
    return [q for q in found if q.start < q.end]


def _make(line: str, offset: int, opened: int, closed: int) -> Quotation:
    inner = line[opened + 1:closed]
    start = opened + 1 + (len(inner) - len(inner.lstrip()))
    end = closed - (len(inner) - len(inner.rstrip()))
    return Quotation(offset + start, offset + end, offset + opened, offset + closed)

def keep(text: str, q: Quotation) -> bool:
    """A quotation reports speech unless it has no speaker and no speech verb and looks like a
    name, a title or a scare quote: a few words in title case (the “Red War” film, the “Wagner”
    group), or a few words after `so-called`, `dubbed`, `named` or `known as`."""
    if q.cue is not None or q.speaker_name is not None or q.kind == "direct":
        return True
    quoted = text[q.start:q.end]
    tokens = quoted.split()
    if len(tokens) > SCARE_QUOTE_WORDS:
        return True
    lead = text[max(0, q.open - 20):q.open].lower()
    if re.search(r"(?:so-called|so called|dubbed|named|known as|titled|entitled|called)\s*$", lead):
        return False
    return not all(t[:1].isupper() or t.lower() in ("of", "the", "and", "in", "for") for t in tokens)


_WORD_PERIOD = re.compile(r"\b([A-Za-z]+)\.(?=\s+[A-Z])")
_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}")


def mask_periods(text: str) -> str:
    """The text with the periods of abbreviations before a capital, of initials after a first name
    or another initial (`Harry M. Reid`, `J. K. Rowling`, but not `Agency A. According`), and of
    acronyms (the last one only before a lower-case word), replaced by MASKED_PERIOD."""
    chars = list(text)
    for m in _WORD_PERIOD.finditer(text):
        word = m.group(1)
        if len(word) == 1 and word.isupper():
            before = re.search(r"(\w+)(\.?) $", text[max(0, m.start() - 30):m.start()])
            if before and (before.group(2) and (len(before.group(1)) == 1 or _is_title_abbreviation(before.group(1)))
                           or not before.group(2) and before.group(1)[0].isupper() and name_gender(before.group(1))):
                chars[m.end() - 1] = MASKED_PERIOD
        elif _is_title_abbreviation(word):  # not `Jr.`, `Inc.`, `Dec.`, which may end a sentence
            chars[m.end() - 1] = MASKED_PERIOD
    for m in _ACRONYM.finditer(text):
        last = m.end() - 1
        for i in range(m.start() + 1, last, 2):
            chars[i] = MASKED_PERIOD
        if re.match(r"\s+[a-z]", text[m.end():m.end() + 3]):
            chars[last] = MASKED_PERIOD
    return "".join(chars)


def _is_title_abbreviation(word: str) -> bool:
    """`Mr`, `Sen`, `Gen`: an abbreviated title, which a name follows."""
    return is_abbreviation(word) and is_title_word(word)


def unmasked(value: str | None) -> str | None:
    return value.replace(MASKED_PERIOD, ".") if value else value

