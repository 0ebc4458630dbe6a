"""annotate: word and sentence counts by their documented rules; the language cross-check."""

from __future__ import annotations

import pytest

from conftest import SEED_RAW
from warnews.annotate import check_language, count_sentences, count_words, detect_language, sentence_spans
from warnews.errors import WarnewsError


@pytest.mark.parametrize("text,words", [
    ("It’s only in Kursk Oblast.", 5),
    ("News.az reports citing local media .", 5),
    ("The war—stop it reliably, on Dec. 14, 3.5 km away.", 11),
    ("", 0),
])
def test_count_words(text, words):
    assert count_words(text) == words


@pytest.mark.parametrize("text,sentences", [
    ("On Dec. 14, the HUR reported it. Then it ended.", ["On Dec. 14, the HUR reported it.", "Then it ended."]),
    ("“So far, it’s only in Kursk Oblast. But we know,” he said. The president left.",
     ["“So far, it’s only in Kursk Oblast.", "But we know,” he said.", "The president left."]),
    ("U.S. officials met J. Smith. They agreed.", ["U.S. officials met J. Smith.", "They agreed."]),
    ("What is? Many asked.\n\nA new paragraph", ["What is?", "Many asked.", "A new paragraph"]),
    ("He said it ends.” then stopped.", ["He said it ends.” then stopped."]),
])
def test_sentence_spans(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences
    assert count_sentences(text) == len(sentences)


ENGLISH = ("President Volodymyr Zelenskyy confirmed that Russia has started deploying soldiers for assault "
           "operations, with casualties already reported by local media on the same day.")


def test_language_is_detected_offline():
    code, confidence = detect_language(ENGLISH)
    assert code == "en" and confidence > 0.5


def test_a_sidecar_language_that_disagrees_with_the_text_stops_the_build():
    with pytest.raises(WarnewsError, match=rf"{SEED_RAW}: the sidecar says language 'de' but the text reads as 'en'"):
        check_language(ENGLISH, "de", SEED_RAW)


def test_short_texts_are_not_cross_checked():
    check_language("Kyiv, Kharkiv, Odesa.", "uk", "short.txt")  # too short to judge: no error
