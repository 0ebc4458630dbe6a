"""quotes: quotations in any English news text, with their speakers as printed and as resolved
by patterns of English (rule:quotes_v5).

Quotations are found by their marks (`warnews.quoting.marks`), each gets the attribution nearest
to it (`quoting.attribution`), its printed speaker is resolved inside the document
(`quoting.resolution`), and reported speech that no mark opens is found too (`quoting.indirect`).
A period inside a name or title (`Mr. Rhodes`, `Sen. Tammy Baldwin`, `Harry M. Reid`) ends no
attribution (v4; v3 took `Mr` for the speaker). This layer needs no library beyond warnews's own;
where spaCy is installed the parse-based quote layer (layers/spacy_quotes.py) gives the speakers
from the dependency parse, with these rules as its fallback.
"""

from __future__ import annotations

from warnews.lexicon.gazetteer import Knowledge
from warnews.quoting.attribution import attributed
from warnews.quoting.indirect import indirect_speech
from warnews.quoting.rows import quote_rows
from warnews.registry import Document, Layer, register

QUOTES_V5 = "rule:quotes_v5"
DATES_V1 = "rule:dates_v1"  # the layer whose rows give a quotation's statement date


def quotes_v5(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
    quotes, people, salient = attributed(doc.text, knowledge.demonyms)
    quotes += indirect_speech(doc.text, quotes, people, knowledge.demonyms, salient)
    return quote_rows(doc.text, quotes, knowledge, upstream[DATES_V1])


register(Layer(QUOTES_V5, "quotes", quotes_v5, reads=(DATES_V1,)))
