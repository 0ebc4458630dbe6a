"""names: what rule layers need to know about names in English news text, without a model.

Capitalized runs of words are split into a title part (`Prime Minister`, `Belgian`) and a name
part (`Viktor Orban`); a document's people are collected with the roles printed around their
names (`Kremlin spokesman Dmitry Peskov`, `Naeem Aslam, chief market analyst with AvaTrade`), so
that a later `Peskov`, `he` or `the Kremlin spokesman` can be resolved to the fullest name the
article gives. Word lists here are about English, not about any one article.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from warnews.lexicon.places import country_names, demonyms as nationality_words, group_names
from warnews.lexicon.words import (LEADING_WORDS, NAME_PARTICLES, ORG_WORDS, PLACE_WORDS, PRONOUNS,
                                   STOP_WORDS, THING_WORDS, TITLE_WORDS)


# A speech verb right after a name (or after its appositive) marks a person.
_SPEECH_AFTER = re.compile(r"(?:,[^,.]{1,80},)? (?:has |had |also )?(?:said|says|told|tells|added|wrote|writes|"
                           r"noted|stressed|warned|explained|argued|claimed|announced|insisted|asked|tweeted)\b")
_PARTICLE = r"(?:de|da|di|del|van|von|der|den|le|la|al|el|bin|ibn|du|dos)"
_RUN = re.compile(r"(?<![\w’'.\-])[A-Z][\w’'.\-]*"
                  rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+{_PARTICLE}[ \t]+|(?:{_PARTICLE}|of|the|for)[ \t]+)?"
                  r"[A-Z][\w’'.\-]*)*")  # `Ursula von der Leyen`, `Ministry of Defence`


# Words that end a name when they end with a dot (`God. Francis` is two runs); initials and
# these abbreviations do not.
_DOTTED = frozenset("mr mrs ms dr st jr sr gen lt col maj capt sgt adm gov sen rep prof rev hon mt ft".split())


def bare_word(word: str) -> str:
    """`Ukraine’s,` -> `ukraine`: lower case, without edge punctuation or a possessive."""
    bare = word.strip(".,;:!?()[]“”\"").lower()
    return bare[:-2] if bare.endswith(("’s", "'s")) else bare.rstrip("’'")


def is_title_word(word: str) -> bool:
    return word.lower().strip(".,") in TITLE_WORDS


def is_org_word(word: str) -> bool:
    """An organisation word, or an acronym of three to five capitals (`OSCE`; `XI` is a name,
    `ADVERTISEMENT` a headline word)."""
    bare = word.strip(".,")
    bare = bare[:-2] if bare.endswith(("’s", "'s")) else bare
    return bare.lower() in ORG_WORDS or (3 <= len(bare) <= 5 and bare.isupper() and bare.isalpha())


def split_title(run: str, demonyms: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(`Belgian Prime Minister`, `Alexander De Croo`) from `Belgian Prime Minister Alexander De
    Croo`: the name is the tail of words that are no title, organisation, country, demonym or
    `of`; after a title it keeps its last two words (with particles and initials before them),
    since `Minister of Foreign Affairs Vladimir Makei` names `Vladimir Makei`."""
    tokens = run.split()
    countries = country_names()
    cut = len(tokens)
    while cut > 0:
        bare = tokens[cut - 1].strip(".,")
        if is_title_word(bare) or is_org_word(bare) or bare in demonyms or bare in countries or bare.lower() in (
                "of", "the", "for", "and"):
            break
        cut -= 1
    if 0 < cut < len(tokens) - 2:
        keep = len(tokens) - 2
        while keep > cut and (tokens[keep].lower() in NAME_PARTICLES or tokens[keep - 1].lower() in NAME_PARTICLES
                              or re.fullmatch(r"[A-Z]\.?", tokens[keep - 1])):
            keep -= 1
        cut = keep
    return " ".join(tokens[:cut]), " ".join(tokens[cut:])


def capitalized_runs(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, run) for every run of capitalized words, joined by single particles (`de`,
    `of`, `the`); a possessive `’s` and a final dot are left out, a leading `With` or `If` too.
    Kept for the last few texts: the mention layer and a text's people read the same text's."""
    return _capitalized_runs(text) if len(text) > 200 else tuple(_runs(text))


@lru_cache(maxsize=2)
def _capitalized_runs(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(_runs(text))


def _runs(text: str, start: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    for m in _RUN.finditer(text, start, end):
        for offset, piece in _split_at_sentence_ends(m.group()):
            tokens = list(re.finditer(r"\S+", piece))
            while len(tokens) > 1 and tokens[0].group().lower() in LEADING_WORDS:  # `With Putin`
                at = m.start() + offset + tokens[0].start()
                if tokens[0].group() == "A" and re.search(r"[a-z\d,]\s+$", text[max(0, at - 3):at]):
                    break  # `by A Wess Mitchell`: a capital A inside a sentence is an initial
                tokens = tokens[1:]
            begin = tokens[0].start()
            trimmed = piece[begin:].rstrip(".,’'")
            if trimmed.endswith(("’s", "'s")):
                trimmed = trimmed[:-2]
            if trimmed and trimmed.lower() not in LEADING_WORDS and trimmed.lower() not in PRONOUNS:
                at = m.start() + offset + begin
                yield at, at + len(trimmed), trimmed


def _split_at_sentence_ends(run: str) -> list[tuple[int, str]]:
    """`Mother of God. Francis` -> (0, `Mother of God.`), (15, `Francis`): a dotted word that is
    neither an initial nor a known abbreviation ends a sentence, and the run with it; so does a
    dot glued between two words (`Ukraine.He`)."""
    pieces, start = [], 0
    for token in re.finditer(r"\S+", run):
        glued = re.search(r"(?<=[a-z])\.(?=[A-Z][a-z])", token.group())
        if glued:
            cut = token.start() + glued.end()
            pieces.append((start, run[start:cut]))
            start = cut
        word = token.group().rstrip(".")
        if token.group().endswith(".") and len(word) > 1 and word.lower() not in _DOTTED and "." not in word:
            pieces.append((start, run[start:token.end()]))
            start = token.end() + 1
    if start < len(run):
        pieces.append((start, run[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


@dataclass
class Person:
    name: str  # the fullest name the text gives
    roles: set[str] = field(default_factory=set)  # lower-cased role words printed with the name
    first: int = 0  # where the name first occurs
    positions: list[int] = field(default_factory=list)  # where it, or its last word, occurs
    said: bool = False  # a speech verb follows the name somewhere


@dataclass
class People:
    """The people (and organisations) a document names, for resolving attributions."""

    persons: list[Person]
    orgs: list[tuple[int, str]]  # (position, name) of every organisation-like run
    _full_count: dict[str, int] = field(default_factory=dict)  # occurrences of each full name
    acronyms: dict[str, str] = field(default_factory=dict)  # `IMF` -> `International Monetary Fund`

    @classmethod
    def of(cls, text: str, demonyms: frozenset[str] = frozenset()) -> People:
        """The people of a text; the mention and quote layers ask for the same text's, so the last
        few are kept (callers only read them)."""
        return _people_of(text, demonyms)

    @classmethod
    def _of(cls, text: str, demonyms: frozenset[str] = frozenset()) -> People:
        persons: dict[str, Person] = {}
        orgs = []
        for s, e, run in capitalized_runs(text):
            tokens = run.split()
            if any(is_org_word(t) for t in tokens) and not _looks_like_person(tokens, demonyms):
                orgs.append((s, run[4:] if run.startswith("The ") else run))
                continue
            title, name = split_title(run, demonyms)
            name_tokens = name.split()
            if not (1 <= len(name_tokens) <= 4) or len(name_tokens) == 1 and not (title and is_title_word(title.split()[-1])):
                continue  # one word is a person's name only after a title (`Pope Francis`)
            if not is_person_name(name, demonyms) or any(bare_word(t) in PLACE_WORDS for t in tokens):
                continue
            person = persons.get(name)
            if person is None:
                person = persons[name] = Person(name, first=s)
            person.roles |= set(w.lower() for w in title.split())
            person.roles |= _role_before(text, s)
            person.roles |= _role_after(text, e)
        full_count = {}
        for person in persons.values():
            person.positions = _occurrences(text, person.name.split()[-1])
            full = _occurrences(text, person.name)
            full_count[person.name] = len(full)
            person.said = any(_SPEECH_AFTER.match(text, at + len(person.name)) for at in full)
        acronyms = {m.group(2): m.group(1) for m in re.finditer(
            r"((?:[A-Z][\w’'\-]*\s+)(?:(?:of|the|for|and)\s+)?(?:[A-Z][\w’'\-]*\s+(?:(?:of|the|for|and)\s+)?)+)\(([A-Z]{2,6})\)",
            text) if _initials(m.group(1)) == m.group(2)}
        acronyms = {k: re.sub(r"^The\s+", "", v.strip()) for k, v in acronyms.items()}
        return cls(sorted(persons.values(), key=lambda p: p.first), orgs, _full_count=full_count, acronyms=acronyms)

    def is_known(self, name: str) -> bool:
        """Whether the document shows `name` to be a person's: a title or role printed with it, its
        last word standing alone elsewhere (`Borrell` after `Josep Borrell`), or a speech verb
        after it."""
        tokens = name.split()
        for person in self.persons:
            if person.name.split()[-len(tokens):] != tokens:
                continue
            if person.roles or len(tokens) == 1 or len(person.positions) > self._full_count.get(person.name, 0):
                return True
            if person.said:
                return True
        return False

    def latest_person(self, before: int, not_gender: str | None = None) -> str | None:
        """The person named last before `before` (whose first name is not of `not_gender`)."""
        best = max(((max((p for p in person.positions if p < before), default=-1), person.name)
                    for person in self.persons if not_gender is None or name_gender(person.name) != not_gender),
                   default=(-1, None))
        return best[1] if best[0] >= 0 else None

    def fullest(self, name: str, before: int) -> str | None:
        """The fullest person name that ends with (or is) `name`: `Borrell` -> `Josep Borrell`."""
        tokens = name.split()
        found = [p for p in self.persons if p.name.split()[-len(tokens):] == tokens]
        if not found:
            return None
        earlier = [p for p in found if p.first < before]
        return max(earlier or found, key=lambda p: (len(p.name.split()), -abs(p.first - before))).name

    def by_role(self, description: str, before: int) -> str | None:
        """The person whose printed roles hold every content word of `the Kremlin spokesman`."""
        wanted = {w.lower().strip(".,") for w in description.split()} - {"the", "a", "an", "of", "his", "her", "its",
                                                                         "their", "country's", "country’s"}
        titles = {w for w in wanted if w in TITLE_WORDS}
        if not wanted:
            return None
        found = [p for p in self.persons if p.first < before and (wanted <= p.roles or titles and len(titles) >= 2
                                                                  and titles <= p.roles)]
        return found[-1].name if found else None

    def org_with(self, head: str, before: int) -> str | None:
        """The latest organisation name before `before` holding the word `head` (`council`)."""
        found = [name for s, name in self.orgs if s < before and head.lower() in name.lower().split()]
        return found[-1] if found else None


# A first name tells `he` from `she` where nomquamgender's name data (names from 36 sources of
# people's gender, with the share of women among the name's bearers) gives a share of at most
# 0.1 or at least 0.9 (the package's own default threshold) in at least three sources.
GENDER_SHARE_THRESHOLD = 0.1
GENDER_MIN_SOURCES = 3
_NAME_DATA_ENTRY = re.compile(r'"([^"\\]+)": \[(\d+), \d+, ([\d.]+)')


@lru_cache(maxsize=1)
def _first_name_genders() -> dict[str, str]:
    """first name -> `female` or `male`. The package's data file is read directly: importing the
    package builds a table of 700,000 names (over 300 MB) when a few thousand are needed."""
    spec = importlib.util.find_spec("nomquamgender")
    path = Path(spec.origin).with_name("name_data.json")
    genders = {}
    for m in _NAME_DATA_ENTRY.finditer(path.read_text(encoding="utf-8")):
        share, sources = float(m.group(3)), int(m.group(2))
        if sources >= GENDER_MIN_SOURCES and " " not in m.group(1) and abs(share - 0.5) >= 0.5 - GENDER_SHARE_THRESHOLD:
            genders[m.group(1)] = "female" if share > 0.5 else "male"
    if len(genders) < 10_000:  # the data file's format has changed: fail loudly, not silently
        raise RuntimeError(f"{path}: read {len(genders)} first names; nomquamgender's data format is not the one "
                           "warnews expects (pinned nomquamgender==0.1.4)")
    return genders


def name_gender(name: str) -> str | None:
    """`female`, `male` or None (unknown, ambiguous, or no first name) for a person's name, by its
    first word that is not an initial (`Ursula von der Leyen` -> female)."""
    for word in name.split():
        if len(word.strip(".")) > 1:
            bare = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
            return _first_name_genders().get(bare)
    return None


def _occurrences(text: str, name: str) -> list[int]:
    """Where `name` occurs as whole words (no word character either side), left to right and
    without overlaps, as a pattern with look-arounds for word characters would find it, but by
    str.find (a pattern per name over a long transcript cost more than the rest of the layer)."""
    found, at = [], text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _WORD_CHAR.match(text, at - 1)) and not _WORD_CHAR.match(text, end):
            found.append(at)
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)
    return found


_WORD_CHAR = re.compile(r"\w")


@lru_cache(maxsize=2)
def _people_of(text: str, demonyms: frozenset[str]) -> People:
    return People._of(text, demonyms)


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in ("of", "the", "for", "and"))


def is_person_name(name: str, demonyms: frozenset[str] = frozenset()) -> bool:
    """Whether words could be a person's name: 1 to 4 capitalized words of letters (initials and
    particles allowed), none a title, organisation, place, thing, country or nationality word, no
    numeral."""
    tokens = name.split()
    if not 1 <= len(tokens) <= 4 or not (tokens[0][0].isupper() and tokens[-1][0].isupper()):
        return False
    countries, nationality, groups = country_names(), nationality_words(), group_names()
    if name in nationality or name in groups:
        return False
    for token in tokens:
        bare = token.strip(",")
        low = bare.lower()
        if low in NAME_PARTICLES:
            continue
        if re.fullmatch(r"[^\W\d_]\.?", bare):  # an initial
            continue
        if not bare[0].isupper() or not all(c.isalpha() or c in "’'-" for c in bare) or bare in _NUMERALS or (
                bare.isupper() and len(bare) > 3):
            return False
        if low in TITLE_WORDS or low in ORG_WORDS or low in PLACE_WORDS or low in THING_WORDS or bare in countries \
                or bare in demonyms or bare in nationality:
            return False
    return True


_NUMERALS = frozenset("II III IV VI VII VIII IX".split())


def _looks_like_person(tokens: list[str], demonyms) -> bool:
    _, name = split_title(" ".join(tokens), demonyms)
    return 2 <= len(name.split()) <= 4 and not any(is_org_word(t) for t in name.split()) and not any(
        bare_word(t) in PLACE_WORDS for t in tokens)


def _sentence_start(text: str, pos: int) -> int:
    m = re.search(r"(?:[.!?]\s+|\n)(?=[^\n]*$)", text[max(0, pos - 300):pos])
    return pos - (len(text[max(0, pos - 300):pos]) - m.end()) if m else max(0, pos - 300)


def _role_before(text: str, start: int) -> set[str]:
    """Lower-case role words just before a name: `Kremlin spokesman Dmitry Peskov`."""
    before = text[max(0, start - 80):start]
    m = re.search(r"((?:[\w’'\-]+ ){1,6})$", before)
    if not m:
        return set()
    out = set()
    for w in reversed(m.group(1).split()):
        lw = w.lower().strip(",.")
        if lw in STOP_WORDS or w.endswith((",", ".")) or lw in ("the", "a", "an"):
            break
        out.add(lw)
    return out


def _role_after(text: str, end: int) -> set[str]:
    """An appositive after a name: `Naeem Aslam, chief market analyst with AvaTrade,`."""
    m = re.match(r", ((?:the |a |an )?[a-z][\w’'\- ]{2,60}?)(?:,|\.|$)", text[end:end + 80])
    if not m or any(w in STOP_WORDS for w in m.group(1).split()[:1]):
        return set()
    return {w.lower() for w in m.group(1).split()} - {"the", "a", "an"}
