"""annotate: document-level facts computed from the clean text (language, counts of words and
sentences). Offline and deterministic; the definitions here are the ones the schema documents.

Guarantees to the next stage: the detected language agrees with the sidecar (or the build stops
with a message naming both), and the counts are those of the functions below.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import LanguageDetectorBuilder

from warnews.clean import is_abbreviation

# A word: a run of word characters (letters, digits, and the underscore of handles such as
# `@some_user`), with inner apostrophes, hyphens (ASCII, U+2010, U+2011) or dots (`it’s`,
# `News.az`, `3.5`).
WORD = re.compile(r"\w+(?:[’'.\-\u2010\u2011]\w+)*")
# A sentence ends at . ! ? (with closing quotes or brackets) before white space and a capital,
# digit or opening quote; every line break ends one (news dumps put a paragraph on a line).
_SENTENCE_END = re.compile(r"[.!?]+[”’\")\]]*(?=\s+[“‘\"(\[]?[\d\w])")
_NEXT_CHARACTER = re.compile(r"\s*(\S?)")
# Below this many words language detection is unreliable and is not cross-checked.
MIN_WORDS_FOR_LANGUAGE_CHECK = 20
# The check reads the start of a text: 600 characters (about 100 words) decide as well as the
# whole article and cost a third of the time (lingua's time grows with the text).
LANGUAGE_SAMPLE_CHARS = 600


def count_words(text: str) -> int:
    return len(WORD.findall(text))


@lru_cache(maxsize=4)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each sentence; white space between sentences belongs to none. A dot after
    an abbreviation (see `clean.is_abbreviation`) or a single letter ends no sentence. Kept for
    the last few texts: the counts, the quote layer and validation ask for the same text's."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for m in _SENTENCE_END.finditer(para.group()):
            end = para.start() + m.end()
            following = _NEXT_CHARACTER.match(text, end).group(1)  # the first one after white space
            word = re.search(r"(\w+)[.!?]*$", text[start : para.start() + m.start() + 1])
            if following.islower():
                continue
            if m.group().startswith(".") and word and (is_abbreviation(word.group(1)) or len(word.group(1)) == 1):
                continue  # `Dec. 14`, `U.S. officials`, `J. Smith`: not a sentence end
            spans.append(_trim(text, start, end))
            start = end
        spans.append(_trim(text, start, para.end()))
    return tuple(s for s in spans if s[0] < s[1])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def count_sentences(text: str) -> int:
    return len(sentence_spans(text))


@lru_cache(maxsize=1)
def _detector():
    """lingua's low-accuracy mode (trigram models only): 60 MB where the full models take 900 MB in
    every process, as fast, and on the 2,023 texts of ../shared's collections (first 600
    characters) it disagreed with the full models once; it is weaker only on short phrases, which
    are never checked (MIN_WORDS_FOR_LANGUAGE_CHECK)."""
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of the most likely language (lingua, offline) and its confidence."""
    best = _detector().compute_language_confidence_values(text)[0]
    if best.value == 0:
        return None, 0.0
    return best.language.iso_code_639_1.name.lower(), best.value


def read_language(text: str) -> tuple[str | None, float | None]:
    """What lingua reads in a clean text's first LANGUAGE_SAMPLE_CHARS characters, and its
    confidence (4 decimals); (None, None) for a text too short to judge or where it finds no
    language. Recorded beside the declared language, never in its place."""
    if count_words(text) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return None, None
    detected, confidence = detect_language(text[:LANGUAGE_SAMPLE_CHARS])
    return (detected, round(confidence, 4)) if detected else (None, None)
