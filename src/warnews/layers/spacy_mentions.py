"""spacy_mentions: spaCy's English named entities, held to the project's span conventions and
checked against its gazetteers (optional: `pip install 'warnews[ner]'`).

spaCy's small English pipeline finds PERSON, GPE, LOC, ORG, NORP and FAC entities. Its spans are
then trimmed as the annotation guidelines want (no leading `the`, no possessive, no title before
a person's name), labelled from the gazetteers where they know better (a country is GPE, a
nationality word NORP, a continent LOC, a curated entity its own type, a listed organisation ORG),
and where the rule layer
(rule:mentions_v4, whose rows it reads) found a name, the rule layer's span and label are kept:
they are right more often than the model's where both find one. A name the rule layer found a
person's, or whose first word is a first name with a clear gender in nomquamgender's data, is
PERSON whatever the model says (the small model calls some people ORG). Lower-case compass words
are the rule layer's to judge (`western allies` NORP, `western Ukraine` a direction); a place
followed by a lower-case `region` or `oblast` links to the subdivision.

The layer's name carries the version of these rules and the model's name, version and a digest of
the weights it reads, tok2vec and ner (`spacy_v3:en_core_web_sm-3.8.0-<digest>`), so every row
says what made it. It reads the document's one parse (`warnews.parse`), which the parse-based
quote layer reads too.
"""

from __future__ import annotations

import re

from warnews.layers.mentions import acronym_of_no_name, described_as_place
from warnews.lexicon.gazetteer import Knowledge, linked_mentions
from warnews.lexicon.names import is_org_word, is_person_name, is_title_word, name_gender, split_title
from warnews.lexicon.organisations import is_organisation
from warnews.lexicon.places import country_names, demonyms, group_names, places, relink_regions
from warnews.parse import load_model, model_name, parsed
from warnews.registry import Document, Layer, register

RULES = "spacy_v3"  # the version of what this module does with the model's entities
MENTIONS_V4 = "rule:mentions_v4"  # the rule layer whose names it keeps where both find one
COMPONENTS = ("tok2vec", "ner")  # the weights its rows depend on, digested into its name
LABELS = {"PERSON": "PERSON", "GPE": "GPE", "LOC": "LOC", "ORG": "ORG", "NORP": "NORP", "FAC": "LOC"}
COMPASS_WORDS = frozenset("western eastern northern southern central west east north south".split())


def _trim(text: str, start: int, end: int, label: str, demonym_words: frozenset[str]) -> tuple[int, int]:
    """The guidelines' span: no leading `the`, no possessive, no title before a person's name."""
    span = text[start:end]
    for article in ("the ", "The "):
        if span.startswith(article):
            start, span = start + len(article), span[len(article):]
    for possessive in ("’s", "'s", "’", "'"):
        if span.endswith(possessive):
            end, span = end - len(possessive), span[:-len(possessive)]
    if label == "PERSON":
        title, name = split_title(span, demonym_words)
        if title and name and any(is_title_word(w) for w in title.split()):
            start, span = start + span.rfind(name), name
    return start, start + len(span)


def _label(span: str, label: str, knowledge: Knowledge) -> str:
    """The gazetteers' label where they know the name, else spaCy's."""
    linked = knowledge.gazetteer.forms.get(span)
    if linked:
        return linked[1]
    if is_organisation(span):
        return "ORG"
    if span in group_names():
        return group_names()[span]
    if span in demonyms():
        return "NORP"
    if span in country_names():
        return "GPE"
    kinds = {p.kind for p in places().get(span, ())}
    if "continent" in kinds:
        return "LOC"
    if kinds and label in ("LOC", "NORP"):
        return "GPE"
    return label


# What the small model calls ORG that is none: a model of a weapon or vehicle (`F-16`, `BMP-1`), a
# name printed before the kind of thing it is (`Nord Stream 2 pipeline`, `Himars launchers`), a
# title or office (`Advisor`, `Rear Admiral`, `State` of `Secretary of State`), a span across lines,
# a word of a headline in capitals, a hyphenated compound used as an adjective.
_MODEL_CODE = re.compile(r"^[A-Z][A-Za-z]{0,3}-?\d{1,3}[A-Za-z]?$")
THING_AFTER = frozenset("""
pipeline pipelines missile missiles rocket rockets system systems launcher launchers tank tanks drone drones jet jets
fighter fighters aircraft plane planes helicopter helicopters howitzer howitzers vehicle vehicles vaccine satellite
satellites project programme program
""".split())


def _not_organisation(text: str, start: int, end: int) -> bool:
    """What the model calls ORG at [start, end) is none, by the classes above."""
    span = text[start:end]
    if "\n" in span or _MODEL_CODE.match(span):
        return True
    line_end = text.find("\n", end)
    line = text[text.rfind("\n", 0, start) + 1:len(text) if line_end < 0 else line_end]
    if line.isupper() and len(line.split()) > 2:  # a headline in capitals, where the model reads any word as a name
        return True
    if re.fullmatch(r"[A-Z]\w+(?:-[A-Z]\w+)+", span) and re.match(r" [a-z]", text[end:end + 2]):
        return True  # `Euro-Atlantic solidarity`, `Biden-Putin summit`: a compound used as an adjective
    words = span.split()
    if is_title_word(words[-1]) and not is_org_word(words[-1]):
        return True
    return any(m.group(1) in THING_AFTER for m in re.finditer(
        r"(?<![\w’'])" + re.escape(span) + r"(?:’s|'s)? ([a-z]+)", text))


def _is_person(span: str, persons: set[str], demonym_words: frozenset[str]) -> bool:
    """A person's name whatever the model's label: one the rule layer found a person's (or the
    surname of one), or a name whose first word is a first name with a clear gender in
    nomquamgender's data (`Volodymyr Zelenskiy`, which the model may call ORG)."""
    if span in persons:
        return True
    return len(span.split()) >= 2 and is_person_name(span, demonym_words) and name_gender(span) is not None


def spacy_mentions():
    def annotate(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
        text = doc.text
        demonym_words = knowledge.demonyms | frozenset(demonyms())
        spans = {(r["start"], r["end"]): r["label"] for r in upstream[MENTIONS_V4]}
        persons = {r["text"] for r in upstream[MENTIONS_V4] if r["label"] == "PERSON"}
        persons |= {name.split()[-1] for name in persons}
        taken = sorted(spans)  # the rules' names first: where they find one, they are more often right
        for ent in parsed(text).ents:
            if ent.label_ not in LABELS:
                continue
            start, end = _trim(text, ent.start_char, ent.end_char, LABELS[ent.label_], demonym_words)
            if start >= end or text[start].islower() and (LABELS[ent.label_] != "NORP" or text[start:end].split()[0] in
                                                          COMPASS_WORDS):
                continue  # a lower-case description (`the defence ministry`) is not a name
            label = "PERSON" if _is_person(text[start:end], persons, demonym_words) else _label(
                text[start:end], LABELS[ent.label_], knowledge)
            if label == "ORG" and not is_organisation(text[start:end]) and (_not_organisation(text, start, end) or (
                    acronym_of_no_name(text, start, end, taken))):
                continue
            if label in ("ORG", "LOC") and described_as_place(text, start, end):
                label = "GPE"
            if label is None or any(s < end and start < e for s, e in taken):
                continue
            if label == "PERSON" and not is_person_name(text[start:end], demonym_words):
                continue
            spans[(start, end)] = label
        rows = linked_mentions(text, [(start, end, label) for (start, end), label in spans.items()], knowledge)
        return relink_regions(text, rows, knowledge.place_ids)

    return annotate


def load() -> Layer | None:
    """The layer with its full name, where spaCy and the model are installed (`warnews[ner]`)."""
    nlp = load_model()
    if nlp is None:
        return None
    return Layer(f"{RULES}:{model_name(nlp, COMPONENTS)}", "mentions", spacy_mentions(), reads=(MENTIONS_V4,), needs=DECLARED.needs,
                 extra=DECLARED.extra, components=COMPONENTS)


DECLARED = register(Layer(RULES, "mentions", load=load, reads=(MENTIONS_V4,), needs=("spacy",), extra="ner"))
