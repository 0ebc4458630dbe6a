"""vocabularies: the closed lists of values a column or a sidecar field may take.

At the bottom of the package beside `ids`: the schema checks columns against these, and ingest,
gold and knowledge check their inputs against the same lists, without importing each other.
"""

from __future__ import annotations

import datetime as dt

from lingua import Language

# Russia's war on Ukraine began in February 2014; reports from before 2014 are out of scope. The
# earliest publication date a sidecar (ingest), `warnews import`, `warnews add` and the schema accept.
PUBLISHED_MIN = dt.date(2014, 1, 1)

# What a text's copyright allows, with what each status means.
LICENSES = {
    "publisher-copyright": "all rights reserved by the publisher; included for research only",
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC-BY-SA-4.0": "Creative Commons Attribution-ShareAlike 4.0",
    "CC0-1.0": "Creative Commons Zero 1.0 (public domain dedication)",
}
# The licenses above that let anyone pass the text on: `warnews publish` sends other texts only when
# told to by name (publisher-copyright texts are in the corpus for research, not to be redistributed).
REDISTRIBUTABLE = frozenset({"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"})
# Licenses for what warnews writes beside the texts: SPDX id -> (name, address, Hugging Face Hub id).
ANNOTATION_LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/",
                  "cc-by-4.0"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/", "cc-by-sa-4.0"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution-NonCommercial 4.0 International",
                     "https://creativecommons.org/licenses/by-nc/4.0/", "cc-by-nc-4.0"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/",
                "cc0-1.0"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/",
                   "odc-by"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/",
                 "odbl"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication and License v1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/", "pddl"),
}
# Licenses a collection may give its code (CITATION.cff lists them beside the annotations' license).
CODE_LICENSES = {"MIT": ("MIT License", "https://opensource.org/licenses/MIT", "mit"),
                 "Apache-2.0": ("Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0", "apache-2.0")}
# ISO 639-1 codes the language detector knows; a sidecar language outside it cannot be checked.
LANGUAGES = frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())
# What a raw text is, which decides how it is cleaned (warnews.page_dumps.input_kind).
ARTICLE_BODY, PAGE_DUMP, HTML = "article_body", "page_dump", "html"
INPUT_KINDS = (ARTICLE_BODY, PAGE_DUMP, HTML)
# Entities (knowledge/entities.yaml) and mentions.
ENTITY_TYPES = ("PERSON", "GPE", "LOC", "ORG")
MENTION_LABELS = ("PERSON", "GPE", "LOC", "ORG", "NORP")
# Quotations, claims and their dates.
QUOTE_KINDS = ("direct", "partial", "indirect")
CLAIM_KINDS = ("fact", "forecast", "opinion")
PRECISIONS = ("day", "month", "year", "unknown")
DATE_BASES = ("explicit", "context")
DATE_KINDS = ("explicit", "relative", "anaphoric")
# ACLED's event types (https://acleddata.com/knowledge-base/codebook/); the coding is ours.
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments")
# Errata (knowledge/errata.yaml).
ERRATUM_KINDS = ("misattribution", "factual-error", "misquotation", "wrong-date")
CONFIDENCE = ("low", "medium", "high")
