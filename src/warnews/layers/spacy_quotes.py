"""spacy_quotes: quotations with their speakers read from spaCy's dependency parse (optional:
`pip install 'warnews[ner]'`).

The quotations are the rule layer's (rule:quotes_v5: the same marks, the same scare quotes left
out, the same reported speech); each one's speech verb and speaker as printed come from the
parse of the document (`warnews.quoting.syntax`), the one parse the spaCy mention layer reads too
(`warnews.parse`), and are resolved inside the document by the same sieves
(`quoting.resolution`). Where the parse gives a quotation no speaker, the rules' attribution is
kept: the rule layer is this layer's fallback, and the layer to use where spaCy is not installed.
Its name carries the version of these rules and the model's name, version and a digest of the
weights its rows depend on (`spacy_quotes_v1:en_core_web_sm-3.8.0-<digest>`).
"""

from __future__ import annotations

from warnews.lexicon.gazetteer import Knowledge
from warnews.parse import load_model, model_name, parsed
from warnews.quoting.indirect import indirect_speech
from warnews.quoting.rows import quote_rows
from warnews.quoting.syntax import attributed_by_parse
from warnews.registry import Document, Layer, register

RULES = "spacy_quotes_v1"
DATES_V1 = "rule:dates_v1"  # the layer whose rows give a quotation's statement date
# The weights its rows depend on: the vectors, the tagger and the attribute ruler (parts of speech) and the parser.
COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "parser")


def spacy_quotes(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
    quotes, people, salient = attributed_by_parse(doc.text, parsed(doc.text), knowledge.demonyms)
    quotes += indirect_speech(doc.text, quotes, people, knowledge.demonyms, salient)
    return quote_rows(doc.text, quotes, knowledge, upstream[DATES_V1])


def load() -> Layer | None:
    """The layer with its full name, where spaCy and the model are installed (`warnews[ner]`)."""
    nlp = load_model()
    if nlp is None:
        return None
    return Layer(f"{RULES}:{model_name(nlp, COMPONENTS)}", "quotes", spacy_quotes, reads=DECLARED.reads,
                 needs=DECLARED.needs, extra=DECLARED.extra, components=COMPONENTS)


DECLARED = register(Layer(RULES, "quotes", load=load, reads=(DATES_V1,), needs=("spacy",), extra="ner"))
