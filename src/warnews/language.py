"""language: what language a clean text is in, read once, when the text comes in (`warnews import`,
`warnews add`), and stored with its record; the build trusts the stored reading.

CLD2 (pycld2, compiled) reads the text's first LANGUAGE_SAMPLE_CHARS characters; where it is not
sure, or names a language outside the corpus's vocabulary, lingua (low-accuracy mode) reads them
instead. On the 2,023 real texts of bench/language_id.py CLD2 named the known language for 0.9995
of them and lingua for 0.9975, CLD2 in 0.10 ms a text against lingua's 3.26 ms, and the two
together for all of them.
"""

from __future__ import annotations

from functools import lru_cache

from warnews.annotate import has_words
from warnews.vocabularies import LANGUAGES

# Below this many words language detection is unreliable and is not cross-checked.
MIN_WORDS_FOR_LANGUAGE_CHECK = 20
# The check reads the start of a text: 600 characters (about 100 words) decide as well as the
# whole article and cost a fraction of the time.
LANGUAGE_SAMPLE_CHARS = 600
# The rule below, named in every stored reading (`language_read.reader`) and in build.json: a
# change to what it reads is a new name.
READER = "cld2_lingua_v1"
# CLD2 still names Hebrew by its withdrawn ISO 639-1 code.
_CLD2_CODES = {"iw": "he"}


def _cld2(sample: str) -> tuple[str | None, float]:
    """CLD2's language and the share of the sample it gives that language (0 to 1); None where it
    is not reliable. CLD2 refuses control characters as invalid UTF-8 (a C1 control left by
    mojibake), so those are left out of what it reads."""
    import pycld2

    if not sample.replace("\n", "").replace("\t", "").isprintable():
        sample = "".join(c for c in sample if c.isprintable() or c in "\n\t")
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:  # an unpaired surrogate: no reliable answer from CLD2
        return None, 0.0
    name, code, percent, _ = details[0]
    code = _CLD2_CODES.get(code, code.split("-")[0])
    if not reliable or code not in LANGUAGES:
        return None, 0.0
    return code, percent / 100


@lru_cache(maxsize=1)
def _lingua():
    """lingua's low-accuracy mode (trigram models only): 60 MB where the full models take 900 MB,
    and on the 2,023 real texts it disagreed with the full models once."""
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of the most likely language and a confidence (0 to 1): CLD2's share of the
    text where CLD2 is sure, else lingua's confidence; (None, 0.0) where neither finds one."""
    code, confidence = _cld2(text)
    if code is not None:
        return code, confidence
    best = _lingua().compute_language_confidence_values(text)[0]
    if best.value == 0:
        return None, 0.0
    return best.language.iso_code_639_1.name.lower(), best.value


def stored_reading(text: str) -> dict:
    """What `warnews import` and `warnews add` store with a record as its `language_read`."""
    detected, confidence = read_language(text)
    return {"reader": READER, "language": detected, "confidence": confidence}


def read_language(text: str) -> tuple[str | None, float | None]:
    """What the detectors read in a clean text's first LANGUAGE_SAMPLE_CHARS characters, and the
    confidence (4 decimals); (None, None) for a text too short to judge or where none is found.
    Recorded beside the declared language, never in its place."""
    if not has_words(text, MIN_WORDS_FOR_LANGUAGE_CHECK):
        return None, None
    detected, confidence = detect_language(text[:LANGUAGE_SAMPLE_CHARS])
    return (detected, round(confidence, 4)) if detected else (None, None)
