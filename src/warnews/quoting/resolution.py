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
                      "bank fund union alliance presidency".split())


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


def resolve(q: Quotation, people: People, salient: list[Said],
             demonyms: frozenset[str]) -> tuple[str | None, str | None]:
    """The fullest name the document gives the printed speaker, and whether it is a person. A
    pronoun is the last speaker before it; where that speaker's first name is of the other gender
    than `he` or `she`, the person of its gender named last."""
    printed = unmasked(q.speaker_text).strip()
    lower = printed.lower()
    if lower in PRONOUNS:
        wanted = {"PERSON": ("PERSON",), "ORG": ("ORG", None), "GROUP": ("PERSON", "ORG", None)}[PRONOUNS[lower]]
        said = _latest(salient, q.open, wanted)
        if said is not None and lower in _OTHER_GENDER and name_gender(said.name) == _OTHER_GENDER[lower]:
            named = people.latest_person(q.open, _OTHER_GENDER[lower])
            said = Said(q.open, people.fullest(named, q.open) or named, "PERSON") if named else _latest(
                salient, q.open, wanted, lower)
        if said is not None:
            return said.name, said.type
        if PRONOUNS[lower] == "PERSON":
            latest = people.latest_person(q.open, _OTHER_GENDER.get(lower))
            return (latest, "PERSON") if latest else (None, None)
        return None, None
    if lower.split()[0] in ("a", "an"):
        return printed, None  # an unnamed speaker keeps its description
    name, kind = resolve_name(printed, people, q.open, demonyms)
    if name:
        return name, kind
    bare = printed[4:] if lower.startswith("the ") else printed
    # a description: a role printed with a name, an earlier speaker, an organisation, or itself
    role = people.by_role(printed, q.open)
    if role:
        return role, "PERSON"
    words = {w.strip(".,’'").lower() for w in printed.split()}
    head = re.split(r" of | for | at | in ", printed)[0].split()[-1].strip(".,").lower()  # `the head of the ministry`
    if head in PERSON_HEADS:
        words = {head}
    if head in ORG_HEADS or words & ORG_HEADS and not words & PERSON_HEADS:
        org = people.org_with(head, q.open)
        if org:
            return people.acronyms.get(org, org), "ORG"
        said = _latest(salient, q.open, ("ORG", None)) if lower.startswith("the ") and head in (
            "operator", "statement", "company", "agency") else None
        if said is not None:
            return said.name, "ORG"
        return (bare if bare[:1].isupper() else printed), "ORG"
    if words & PERSON_HEADS and lower.startswith(("the ", *POSSESSIVES)) or re.match(r"\w+[’']s ", lower):
        said = _latest(salient, q.open, ("PERSON",))
        if said is not None:
            return said.name, "PERSON"
        latest = people.latest_person(q.open)
        if latest:
            return latest, "PERSON"
    return (bare if bare[:1].isupper() else printed), None
