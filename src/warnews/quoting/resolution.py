"""resolution: who a printed speaker is, inside the document.

The speaker as printed (`he`, `Blinken`, `the ministry`, `a senior US official`) is resolved to
the fullest name the document gives by ordered sieves (SIEVES), the first that decides winning:
a pronoun to the last speaker before it (for `he` and `she`, skipping one whose first name is of
the other gender in nomquamgender's data); an unnamed speaker (`a senior official`) keeps its
description; a name (with or without a title) to the fullest name given for it; a description to
the person whose printed role it matches, to the organisation whose head word it ends with, or to
the last person speaking. Each quotation records the sieve that named its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warnews.lexicon.names import People, bare_word, capitalized_runs, is_org_word, name_gender, split_title
from warnews.lexicon.places import country_names
from warnews.lexicon.words import OFFICE_WORDS, PLACE_WORDS, PRONOUNS, TITLE_WORDS
from warnews.quoting.marks import Quotation, unmasked

POSSESSIVES = ("its", "his", "her", "their", "our")


@dataclass(frozen=True)
class Said:
    """Someone the text has shown speaking (or acting as a sentence's subject) at `pos`."""

    pos: int
    name: str
    type: str | None

# Heads of descriptions that name a person (`the Belarusian leader`) or an organisation (`the ministry`).
PERSON_HEADS = frozenset("leader head president minister spokesman spokeswoman spokesperson chief official diplomat "
                         "representative mp "
                         "envoy premier chancellor secretary general commander pontiff speaker ambassador governor "
                         "mayor founder ceo director chairman chairwoman prosecutor negotiator adviser advisor "
                         "analyst economist king queen pope".split())
ORG_HEADS = frozenset("ministry council government agency office department committee service army administration "
                      "embassy court commission company operator kremlin parliament military authorities statement "
                      "bank fund union alliance presidency report study".split())


_OTHER_GENDER = {"he": "female", "she": "male"}


def _latest(salient: list[Said], before: int, kinds: tuple, pronoun: str = "") -> Said | None:
    """The last salient speaker before `before` of one of `kinds`; for `he` or `she`, not one whose
    first name is the other gender's."""
    for said in reversed(salient):
        if said.pos < before and said.type in kinds and not (
                pronoun in _OTHER_GENDER and said.type == "PERSON" and name_gender(said.name) == _OTHER_GENDER[pronoun]):
            return said
    return None


def resolve_name(printed: str, people: People, at: int, demonyms: frozenset[str]) -> tuple[str | None, str | None]:
    """A printed name (with or without a title) -> the fullest name and PERSON or ORG."""
    printed = unmasked(printed)  # `Mr. Rhodes` is read as printed: a title and a name
    bare = printed[4:] if printed.lower().startswith("the ") else printed
    runs = [r for _, _, r in capitalized_runs(printed)]
    if not runs or runs[-1] != bare.rstrip(".,"):
        return None, None
    run = runs[-1]
    title, name = split_title(run, demonyms)
    if not name and run.split()[-1].lower().strip(".,") in OFFICE_WORDS:  # `Naftogaz CEO`: an office, not its organisation
        role = people.by_role(run, at)
        return (role, "PERSON") if role else (None, None)
    if any(is_org_word(t) for t in run.split()) and len(name.split()) < 2:  # `Agency A`, `Foreign Ministry`
        return people.acronyms.get(run, run), "ORG"
    if name and not any(is_org_word(t) for t in name.split()) and name not in country_names() and not any(
            bare_word(t) in PLACE_WORDS for t in run.split()):
        fuller = people.fullest(name, at)
        if fuller or len(name.split()) > 1 or title and any(w.lower().strip(".") in TITLE_WORDS for w in title.split()):
            return fuller or name, "PERSON"
        return name, None  # one word and no fuller name: a person or an organisation (`Gazprom`)
    role = people.by_role(run, at) if title else None
    if role:
        return role, "PERSON"
    if any(is_org_word(t) for t in run.split()) or not title:
        return people.acronyms.get(run, run), "ORG"
    return None, None


@dataclass(frozen=True)
class Printed:
    """What a sieve reads: the speaker as printed, where, and what the document has shown."""

    text: str
    at: int  # the quotation's opening mark
    people: People
    salient: list[Said]
    demonyms: frozenset[str]

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def bare(self) -> str:
        return self.text[4:] if self.lower.startswith("the ") else self.text


Resolved = tuple[str | None, str | None]  # (speaker_name, PERSON / ORG / None)


def _pronoun(p: Printed) -> Resolved | None:
    """`he`, `she`, `it`, `they`: the last speaker of a kind the pronoun may stand for; where that
    speaker's first name is of the other gender than `he` or `she`, the person of its gender named
    last. Decides even where no one is found: a pronoun is never a name."""
    if p.lower not in PRONOUNS:
        return None
    wanted = {"PERSON": ("PERSON",), "ORG": ("ORG", None), "GROUP": ("PERSON", "ORG", None)}[PRONOUNS[p.lower]]
    said = _latest(p.salient, p.at, wanted)
    if said is not None and p.lower in _OTHER_GENDER and name_gender(said.name) == _OTHER_GENDER[p.lower]:
        named = p.people.latest_person(p.at, _OTHER_GENDER[p.lower])
        said = Said(p.at, p.people.fullest(named, p.at) or named, "PERSON") if named else _latest(
            p.salient, p.at, wanted, p.lower)
    if said is not None:
        return said.name, said.type
    if PRONOUNS[p.lower] == "PERSON":
        latest = p.people.latest_person(p.at, _OTHER_GENDER.get(p.lower))
        return (latest, "PERSON") if latest else (None, None)
    return None, None


def _unnamed(p: Printed) -> Resolved | None:
    """`a senior US official`: an unnamed speaker keeps its description."""
    return (p.text, None) if p.lower.split()[0] in ("a", "an") else None


def _name(p: Printed) -> Resolved | None:
    """A name, with or without a title: the fullest name the document gives it; an all-caps name
    (a headline's `KOVALCHUK`) read in title case where the document names that person."""
    if p.text.isupper() and len(p.text.split()) <= 4:
        fuller = p.people.fullest(p.text.title(), p.at)
        if fuller:
            return fuller, "PERSON"
    name, kind = resolve_name(p.text, p.people, p.at, p.demonyms)
    return (name, kind) if name else None


def _role(p: Printed) -> Resolved | None:
    """`the Kremlin spokesman`: the person printed earlier with that role."""
    role = p.people.by_role(p.text, p.at)
    return (role, "PERSON") if role else None


def _head(p: Printed) -> tuple[str, set[str]]:
    """The description's head word (`head` of `the head of the ministry`) and its words."""
    words = {w.strip(".,’'").lower() for w in p.text.split()}
    head = re.split(r" of | for | at | in ", p.text)[0].split()[-1].strip(".,").lower()
    return head, ({head} if head in PERSON_HEADS else words)


def _organisation(p: Printed) -> Resolved | None:
    """`the ministry`, `the operator`: the organisation named earlier whose name has that word,
    else (for a few generic heads) the last organisation speaking, else the description itself."""
    head, words = _head(p)
    if not (head in ORG_HEADS or words & ORG_HEADS and not words & PERSON_HEADS):
        return None
    org = p.people.org_with(head, p.at)
    if org:
        return p.people.acronyms.get(org, org), "ORG"
    generic = p.lower.startswith("the ") and head in ("operator", "statement", "company", "agency", "report", "study")
    said = _latest(p.salient, p.at, ("ORG", None)) if generic else None
    if said is not None:
        return said.name, "ORG"
    named = [name for at, name in p.people.orgs if at < p.at] if generic else []
    if named:  # `Agency A published a report. “…,” the report said.`: the organisation named last
        return p.people.acronyms.get(named[-1], named[-1]), "ORG"
    return (p.bare if p.bare[:1].isupper() else p.text), "ORG"


def _person_description(p: Printed) -> Resolved | None:
    """`the minister`, `his spokesman`, `Russia’s leader`: the last person speaking, else the
    last person named."""
    _, words = _head(p)
    if not (words & PERSON_HEADS and p.lower.startswith(("the ", *POSSESSIVES)) or re.match(r"\w+[’']s ", p.lower)):
        return None
    said = _latest(p.salient, p.at, ("PERSON",))
    if said is not None:
        return said.name, "PERSON"
    latest = p.people.latest_person(p.at)
    return (latest, "PERSON") if latest else None


def _as_printed(p: Printed) -> Resolved:
    """Nothing else decided: the description itself, of no known kind."""
    return (p.bare if p.bare[:1].isupper() else p.text), None


# The sieves in the order they are tried; the first that decides names the speaker.
SIEVES = (("pronoun", _pronoun), ("unnamed", _unnamed), ("name", _name), ("role", _role),
          ("organisation", _organisation), ("person description", _person_description), ("as printed", _as_printed))


def resolve(q: Quotation, people: People, salient: list[Said], demonyms: frozenset[str]) -> Resolved:
    """The fullest name the document gives q's printed speaker, and whether it is a person or an
    organisation; the sieve that decided is recorded in q.resolved_by."""
    printed = Printed(unmasked(q.speaker_text).strip(), q.open, people, salient, demonyms)
    for name, sieve in SIEVES:
        found = sieve(printed)
        if found is not None:
            q.resolved_by = name
            return found
    raise AssertionError("the last sieve always decides")
