"""spacy_mentions: spaCy's English named entities, held to the project's span conventions and
checked against its gazetteers (optional: `pip install 'warnews[ner]'`).

spaCy's small English pipeline finds PERSON, GPE, LOC, ORG, NORP and FAC entities. Its spans are
then trimmed as the annotation guidelines want (no leading `the`, no possessive, no title before
a person's name), labelled from the gazetteers where they know better (a country is GPE, a
nationality word NORP, a continent LOC, a curated entity its own type), and where the rule layer
(rule:mentions_v3, whose rows it reads) found a name, the rule layer's span and label are kept:
they are right more often than the model's where both find one. A name the rule layer found a
person's, or whose first word is a first name with a clear gender in nomquamgender's data, is
PERSON whatever the model says (the small model calls some people ORG).

The layer's name carries the version of these rules and the model's name, version and a digest of
the weights it reads, tok2vec and ner (`spacy_v2:en_core_web_sm-3.8.0-<digest>`), so every row
says what made it. It reads the document's one parse (`warnews.parse`), which the parse-based
quote layer reads too.
"""

from __future__ import annotations

from warnews.lexicon.gazetteer import Knowledge, linked_mentions
from warnews.lexicon.names import is_person_name, is_title_word, name_gender, split_title
from warnews.lexicon.places import country_names, demonyms, group_names, places
from warnews.parse import load_model, model_name, parsed
from warnews.registry import Document, Layer, register

RULES = "spacy_v2"  # the version of what this module does with the model's entities
MENTIONS_V3 = "rule:mentions_v3"  # the rule layer whose names it keeps where both find one
COMPONENTS = ("tok2vec", "ner")  # the weights its rows depend on, digested into its name
LABELS = {"PERSON": "PERSON", "GPE": "GPE", "LOC": "LOC", "ORG": "ORG", "NORP": "NORP", "FAC": "LOC"}


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
        spans = {(r["start"], r["end"]): r["label"] for r in upstream[MENTIONS_V3]}
        persons = {r["text"] for r in upstream[MENTIONS_V3] if r["label"] == "PERSON"}
        persons |= {name.split()[-1] for name in persons}
        taken = sorted(spans)  # the rules' names first: where they find one, they are more often right
        for ent in parsed(text).ents:
            if ent.label_ not in LABELS:
                continue
            start, end = _trim(text, ent.start_char, ent.end_char, LABELS[ent.label_], demonym_words)
            if start >= end or text[start].islower() and LABELS[ent.label_] != "NORP":
                continue  # a lower-case description (`the defence ministry`) is not a name
            label = "PERSON" if _is_person(text[start:end], persons, demonym_words) else _label(
                text[start:end], LABELS[ent.label_], knowledge)
            if label is None or any(s < end and start < e for s, e in taken):
                continue
            if label == "PERSON" and not is_person_name(text[start:end], demonym_words):
                continue
            spans[(start, end)] = label
        return linked_mentions(text, [(start, end, label) for (start, end), label in spans.items()], knowledge)

    return annotate


def load() -> Layer | None:
    """The layer with its full name, where spaCy and the model are installed (`warnews[ner]`)."""
    nlp = load_model()
    if nlp is None:
        return None
    return Layer(f"{RULES}:{model_name(nlp, COMPONENTS)}", "mentions", spacy_mentions(), reads=(MENTIONS_V3,), needs=DECLARED.needs,
                 extra=DECLARED.extra)


DECLARED = register(Layer(RULES, "mentions", load=load, reads=(MENTIONS_V3,), needs=("spacy",), extra="ner"))
