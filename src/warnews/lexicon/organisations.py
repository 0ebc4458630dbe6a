"""organisations: the names of organisations news on the war prints, from curated data.

lexicon/data/organisations.yaml lists real organisations' names as printed (`NATO`, `Armed Forces
of Ukraine`, `Gazprom`, `Reuters`), names only: a name there makes a mention ORG where the shape of
a name cannot tell (`Gazprom` opening a sentence, `Nato` after `East European`) and links it to
nothing. The mention layers read it beside the model and the words that make a run an
organisation (`Ministry`, `Council`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def organisation_names() -> frozenset[str]:
    """Every name in lexicon/data/organisations.yaml, whatever group it is filed under."""
    text = resources.files("warnews.lexicon").joinpath("data", "organisations.yaml").read_text(encoding="utf-8")
    return frozenset(name for names in yaml.safe_load(text).values() for name in names)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    names = sorted(organisation_names() | {n.upper() for n in organisation_names() if " " in n},
                   key=lambda n: (-len(n), n))  # longest first: leftmost-longest; `FOX NEWS` in a capitals headline
    return re.compile(r"(?<![\w’'\-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w\-]|[’']\w\w)")


def is_organisation(name: str) -> bool:
    return name in organisation_names()


def find_organisations(text: str):
    """(start, end) of every listed name in `text`, left to right, the longest where names nest;
    a name glued to the sentence before it (`anyone.NATO`, in machine-translated text) counts."""
    for m in _pattern().finditer(text):
        yield m.start(), m.end()
