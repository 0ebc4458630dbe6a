"""The quote layers' parts: resolution sieves, speakers from the dependency parse, and the one
parse per document the model layers share. Every sentence here is synthetic, written for these
tests with invented names: one class of English each."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from warnews import parse, registry
from warnews.lexicon.gazetteer import Gazetteer, Knowledge
from warnews.quoting.attribution import find_quotations
from warnews.quoting.resolution import SIEVES
from warnews.registry import Document

KNOWLEDGE = Knowledge({}, Gazetteer.from_entities({}))


@pytest.fixture(scope="module")
def nlp():
    """The spaCy model (the test extra installs it); under CI a missing model fails."""
    model = parse.load_model()
    if model is None:
        if os.environ.get("CI"):
            pytest.fail("the spaCy model is not installed, and CI installs '.[test]', which has it")
        pytest.skip("the spaCy model is not installed: pip install -e '.[test]'")
    return model


def _by_parse(text: str):
    from warnews.quoting.syntax import attributed_by_parse

    return attributed_by_parse(text, parse.parsed(text), frozenset())[0]


# --- resolution: ordered sieves, each one's decision recorded -----------------------------------

@pytest.mark.parametrize("text, name, sieve", [
    ("Olena Kovalchuk arrived. “We are ready,” she said.", "Olena Kovalchuk", "pronoun"),
    ("“We are ready,” a senior official said.", "a senior official", "unnamed"),
    ("Olena Kovalchuk arrived. “We are ready,” Kovalchuk said.", "Olena Kovalchuk", "name"),
    ("Energy Minister Olena Kovalchuk arrived. “We are ready,” the energy minister said.", "Olena Kovalchuk",
     "role"),
    ("The Ministry of Examples spoke first. “We are ready,” the ministry said.", "Ministry of Examples",
     "organisation"),
])
def test_a_printed_speaker_is_resolved_by_the_first_sieve_that_decides(text, name, sieve):
    quote = find_quotations(text)[-1]
    assert (quote.speaker_name, quote.resolved_by) == (name, sieve)


@pytest.mark.parametrize("text, printed, name", [
    # a headline's label, in capitals, read in title case where the text names the person
    ("KOVALCHUK: ‘WE WILL NOT GIVE UP THE CITY’\nOlena Kovalchuk spoke on Monday.", "KOVALCHUK", "Olena Kovalchuk"),
    ("Kovalchuk: “We stay”\nEnergy Minister Olena Kovalchuk spoke.", "Kovalchuk", "Olena Kovalchuk"),
    ("Update: “We stay here for now”\nNothing else was said.", None, None),  # a label that names nobody
    # `the study`: the organisation named last
    ("The Energy Agency published a study. “Demand fell,” the study said.", "the study", "Energy Agency"),
])
def test_headline_labels_and_documents_as_speakers(text, printed, name):
    quote = find_quotations(text)[0]
    assert (quote.speaker_text, quote.speaker_name) == (printed, name)


def test_the_sieves_are_tried_in_a_fixed_order_and_the_last_always_decides():
    names = [name for name, _ in SIEVES]
    assert names[0] == "pronoun" and names[-1] == "as printed" and len(set(names)) == len(names)
    quote = find_quotations("“We are ready,” the observers said.")[0]
    assert (quote.speaker_name, quote.resolved_by) == ("the observers", "as printed")


def test_a_quotation_without_a_printed_speaker_says_where_its_speaker_came_from():
    first, second = find_quotations("“The talks are over,” Olena Kovalchuk said. “We go home now.”")
    assert first.resolved_by == "name" and second.resolved_by == "continued"


# --- speakers from the parse ------------------------------------------------------------------

@pytest.mark.parametrize("text, speaker, cue", [
    # a subject behind an apposition
    ("Olena Kovalchuk, a spokeswoman for the ministry, said: “The grid held.”", "Olena Kovalchuk", "said"),
    # a subject behind a relative clause
    ("Taras Hryhorenko, who leads the regional council, said the shelling “will not stop us.”", "Taras Hryhorenko",
     "said"),
    # a passive
    ("Mykola Danyliuk was quoted as saying: “We are ready.”", "Mykola Danyliuk", "saying"),
    ("“The front is stable,” according to Iryna Savchenko.", "Iryna Savchenko", "according to"),
    # coordination: the subject of the first verb
    ("Petro Marchenko welcomed the delegation and added: “We need more air defence.”", "Petro Marchenko", "added"),
    ("“We need more time,” said Andriy Kostenko.", "Andriy Kostenko", "said"),
    # a sentence opening with an adverbial: not its first word
    ("In a statement on Monday, the ministry said: “Repairs will take weeks.”", "the ministry", "said"),
    ("Among those at the meeting, Serhiy Melnyk told reporters: “Nobody expected this.”", "Serhiy Melnyk", "told"),
    # the speech verb that governs the quotation, not a later one
    ("Oksana Levchenko said the plan was “a trap for everyone,” while Dmytro Boyko warned of delays.",
     "Oksana Levchenko", "said"),
    # the subject, not the object of its preposition
    ("“We are ready,” the observers from Examplestan said.", "the observers from Examplestan", "said"),
    # the owner of what was said, not the remark itself
    ("Olena Kovalchuk’s comment that the grid “will hold all winter” drew criticism.", "Olena Kovalchuk", None),
])
def test_the_parse_gives_the_subject_of_the_verb_that_governs_the_quotation(nlp, text, speaker, cue):
    (quote,) = _by_parse(text)
    assert (quote.speaker_text, quote.cue) == (speaker, cue)
    assert text[quote.speaker_start:quote.speaker_end] == speaker


def test_a_description_with_a_name_in_apposition_is_printed_whole_and_resolved_to_the_name(nlp):
    text = "Synthetic test text. The governor of the region, Vasyl Tkachenko, said: “Power is back.”"
    (quote,) = _by_parse(text)
    assert quote.speaker_text == text[quote.speaker_start:quote.speaker_end] == "The governor of the region, Vasyl Tkachenko"
    assert (quote.speaker_name, quote.speaker_type, quote.cue) == ("Vasyl Tkachenko", "PERSON", "said")


def test_a_relative_pronoun_is_printed_and_resolved_to_the_noun_it_stands_for(nlp):
    text = "Synthetic test text. The plan was backed by Halyna Petrenko, who warned of “a long winter” ahead."
    (quote,) = _by_parse(text)
    assert (quote.speaker_text, quote.speaker_name) == ("who", "Halyna Petrenko")


def test_a_number_or_a_clause_doing_a_verb_that_is_no_speech_is_no_speaker(nlp):
    for text in ("Synthetic test text. Eight of the drones were “shot down over the sea.”",
                 "Synthetic test text. Many in the city remained “without heat for days.”"):
        (quote,) = _by_parse(text)
        assert (quote.speaker_text, quote.speaker_name) == (None, None), text


def test_a_pronoun_from_the_parse_is_resolved_by_the_same_sieves(nlp):
    (quote,) = _by_parse("Ivan Shevchuk, the mayor, insisted the city was safe. “We are not leaving,” he said.")
    assert (quote.speaker_text, quote.speaker_name, quote.resolved_by) == ("he", "Ivan Shevchuk", "pronoun")


def test_a_quotation_the_parse_gives_no_speaker_keeps_the_rules_or_goes_on_with_the_one_before(nlp):
    text = "“The talks are over,” Olena Kovalchuk said. “We go home now.”"
    first, second = _by_parse(text)
    assert first.speaker_text == "Olena Kovalchuk"
    assert second.speaker_text is None and second.printed is first and second.speaker_name == "Olena Kovalchuk"


# --- the layer, and the one parse it shares ------------------------------------------------------

def _model_layers():
    registry.discover()
    names = ["rule:dates_v1", "rule:mentions_v4"] + [
        layer.load().name for layer in (registry.REGISTRY["spacy_v3"], registry.REGISTRY["spacy_quotes_v1"])]
    return registry.configured(names, "test")


def test_the_parse_layer_writes_quotes_rows_under_its_own_name(nlp):
    text = "Olena Kovalchuk, a spokeswoman for the ministry, said: “The grid held.”"
    out = registry.run(Document("d-20240101-0000000000", text, dt.date(2024, 1, 1)), KNOWLEDGE, _model_layers())
    name = next(n for n in out if n.startswith("spacy_quotes_v1:en_core_web_sm-3.8.0-"))
    (row,) = out[name]
    assert row["layer"] == name and row["speaker_text"] == "Olena Kovalchuk"
    assert text[row["speaker_start"]:row["speaker_end"]] == "Olena Kovalchuk" and row["text"] == "The grid held."


def _reading(doc) -> list[tuple]:
    """What the model layers read of a Doc: tags, parts of speech, the parse and the entities."""
    return [(t.idx, t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


def test_texts_parsed_ahead_in_a_batch_read_as_each_parsed_alone(nlp):
    """nlp.pipe with only the model layers' components gives each real text the same tags,
    parse and entities as the whole pipeline on that text alone."""
    from conftest import shared

    folder = shared("corpora", "gdelt-bodies")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:40]]
    texts += [p.read_text(encoding="utf-8") for p in sorted(shared("external", "texts").rglob("*.txt"))]
    layers = [layer for layer in _model_layers() if layer.components]
    assert len(layers) == 2 and len(texts) > 40
    parse.forget_ahead()
    parse.parsed.cache_clear()
    parse.parse_ahead(texts, {name for layer in layers for name in layer.components})
    try:
        for text in texts:
            assert _reading(parse.parsed(text)) == _reading(nlp(text))
    finally:
        parse.forget_ahead()
        parse.parsed.cache_clear()


def test_the_model_layers_of_a_document_share_one_parse(nlp, monkeypatch):
    calls = []

    def counting(text):
        calls.append(text)
        return nlp(text)

    layers = _model_layers()
    parse.parsed.cache_clear()
    monkeypatch.setattr(parse, "load_model", lambda: counting)
    text = "Olena Kovalchuk said: “The grid held.” Ukraine and Examplestan signed a deal."
    out = registry.run(Document("d-20240101-0000000000", text, dt.date(2024, 1, 1)), KNOWLEDGE, layers)
    assert len(calls) == 1
    assert any(rows for name, rows in out.items() if name.startswith("spacy_v3:"))
    parse.parsed.cache_clear()
