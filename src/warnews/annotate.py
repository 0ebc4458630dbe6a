"""annotate: document-level facts computed from the clean text (counts of words and sentences,
and the sentences themselves). Offline and deterministic; the definitions here are the ones the
schema documents (the language is read in warnews.language).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from warnews.clean import is_abbreviation

# A word: a run of word characters (letters, digits, and the underscore of handles such as
# `@some_user`), with inner apostrophes, hyphens (ASCII, U+2010, U+2011) or dots (`it’s`,
# `News.az`, `3.5`).
WORD = re.compile(r"\w+(?:[’'.\-\u2010\u2011]\w+)*")
# A sentence ends at . ! ? (with closing quotes or brackets) before white space and a capital,
# digit or opening quote; every line break ends one (news dumps put a paragraph on a line).
_SENTENCE_END = re.compile(r"[.!?]+[”’\")\]]*(?=\s+[“‘\"(\[]?[\d\w])")
_NEXT_CHARACTER = re.compile(r"\s*(\S?)")


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def has_words(text: str, n: int) -> bool:
    """count_words(text) >= n, reading no further than the n-th word."""
    return sum(1 for _ in islice(WORD.finditer(text), n)) == n


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
