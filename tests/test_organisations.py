"""Organisations: the curated list of their names and how the mention layers use it beside the
shape of names and the model, on sentences written for these tests (synthetic, not news)."""

from __future__ import annotations

import re

import pytest

from warnews import registry
from warnews.lexicon.gazetteer import Gazetteer, Knowledge
from warnews.lexicon.organisations import find_organisations, is_organisation, organisation_names
from warnews.registry import Document

KNOWLEDGE = Knowledge({}, Gazetteer.from_entities({}))


def _mentions(text: str, name: str = "rule:mentions_v4") -> list[tuple[str, str]]:
    layer = registry.resolve(name, "test")
    doc = Document("d-20240101-0000000000", text, None)
    upstream = {r: registry.run(doc, KNOWLEDGE, [registry.resolve(r, "test")])[r] for r in layer.reads}
    return [(text[r["start"]:r["end"]], r["label"])
            for r in registry.rows_of(layer, doc, layer.annotate(doc, KNOWLEDGE, upstream))]


def _spacy_layer():
    from warnews.layers.spacy_mentions import load

    layer = load()
    if layer is None:
        pytest.skip("spaCy or its model is not installed (pip install -e '.[ner]')")
    return layer.name


def test_the_list_holds_names_only():
    names = organisation_names()
    assert {"NATO", "United Nations", "Armed Forces of Ukraine", "Kremlin", "Gazprom", "Reuters"} <= names
    assert not [n for n in names if re.search(r"\bQ\d+\b|\d{5,}", n)]  # no Wikidata or other ids
    assert not is_organisation("nato") and not is_organisation("Ukraine")  # case matters; a place is no organisation


def test_the_finder_takes_the_longest_name_and_a_name_glued_to_a_sentence():
    text = "The United Nations Security Council met.NATO said so."
    assert [text[s:e] for s, e in find_organisations(text)] == ["United Nations Security Council", "NATO"]


@pytest.mark.parametrize("layer", ["rule:mentions_v4", "spacy"])
@pytest.mark.parametrize("text, expected", [
    ("Gazprom cut deliveries again on Monday.", [("Gazprom", "ORG")]),  # a listed name opening a sentence
    ("Officials said talks would resume.NATO did not comment.", [("NATO", "ORG")]),
    ("East European Nato members asked for more.", [("East European", "NORP"), ("Nato", "ORG")]),
    ("The American Department of State ordered staff home.", [("American Department of State", "ORG")]),
    ("The Organization for Security and Co-operation in Europe sent observers.",
     [("Organization for Security and Co-operation in Europe", "ORG")]),
    ("Soldiers of the Armed Forces of Ukraine held the line.", [("Armed Forces of Ukraine", "ORG")]),
    ("CLICK HERE TO GET THE FOX NEWS APP", [("FOX NEWS", "ORG")]),
])
def test_listed_organisations_are_org_in_both_layers(layer, text, expected):
    found = _mentions(text, _spacy_layer() if layer == "spacy" else layer)
    for item in expected:
        assert item in found, (item, found)


@pytest.mark.parametrize("text, not_org", [
    ("The army received BMP-1 vehicles last week.", "BMP-1"),  # a model's code
    ("Crews fired Himars launchers at the depot.", "Himars"),  # printed before the kind of thing it is
    ("She met the Secretary of State and the Rear Admiral.", "Rear Admiral"),  # an office
    ("She met the Secretary of State and the Rear Admiral.", "State"),
])
def test_the_spacy_layer_drops_what_the_model_calls_org_that_is_none(text, not_org):
    assert (not_org, "ORG") not in _mentions(text, _spacy_layer())


@pytest.mark.parametrize("text, expected, absent", [
    ("said Anna Kowal, an analyst at Brightwater Partners, on Monday.", [("Brightwater Partners", "ORG")], []),
    ("More stories on Zorbnews.pl's main page.", [("Zorbnews.pl", "ORG")], []),
    ("Plans include more Liquified Natural Gas (LNG) terminals.", [], ["LNG"]),  # the acronym of no name
    ("The Zorbian Defence Council (ZDC) met.", [("Zorbian Defence Council", "ORG"), ("ZDC", "ORG")], []),
])
def test_what_the_text_says_of_a_name_makes_it_an_organisation_or_not(text, expected, absent):
    found = _mentions(text)
    for item in expected:
        assert item in found, (item, found)
    assert not [name for name, _ in found if name in absent]
