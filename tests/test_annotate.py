"""annotate: word and sentence counts by their documented rules, counted by hand."""

from __future__ import annotations

import string

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import REPO, SEED_DOC_ID, SEED_RAW
from warnews.annotate import count_sentences, count_words, sentence_spans
from warnews.errors import WarnewsError
from warnews.release import releases

# A word is a run of letters, digits or underscores, with inner apostrophes, hyphens or dots;
# every other mark (comma, dash, quote, a dot at the end) separates words. Counted by hand, word by word.
WORDS = [
    ("It’s only in Kursk Oblast.", 5),
    ("News.az reports citing local media .", 5),
    ("The war—stop it reliably, on Dec. 14, 3.5 km away.", 11),
    ("", 0),
    # Mr | Smith | met | Dr | Jones | and | Gen | Zaluzhnyi | on | Dec | 14
    ("Mr. Smith met Dr. Jones and Gen. Zaluzhnyi on Dec. 14.", 11),
    # J | R | R | Tolkien | and | J.R.R | Tolkien | visited | the | U.S
    ("J. R. R. Tolkien and J.R.R. Tolkien visited the U.S.", 10),
    # It | grew | 3.5 | percent | to | 1 | 000 | units | on | 2024-12-14: a comma is no inner mark
    ("It grew 3.5 percent to 1,000 units on 2024-12-14.", 10),
    # 2014 | 2022: an en dash is no hyphen; % and $ are no letters
    ("the 2014–2022 war, 50% and $5", 7),
    # Don’t | he | said | It's | over | she | said
    ("“Don’t,” he said. \"It's over,\" she said.", 7),
    # Ukraine’s | allies | aid | isn't | the | soldiers | own: a final apostrophe is no inner one
    ("Ukraine’s allies’ aid isn't the soldiers' own.", 7),
    # A | well-known | state-of-the-art | drone | not | a | so-called | toy
    ("A well-known, state-of-the-art drone—not a so-called ‘toy’.", 8),
    # pre | and | post-war: a hyphen at the end of a word is no inner one
    ("pre- and post-war", 3),
    ("Tanks, guns, etc. arrived. Then it rained.", 7),
    ("Wait... what? No! Really?!", 4),
    ("First paragraph here.\n\nSecond one.", 5),
    ("e.g. News.az, i.e. kyivindependent.com", 4),
    ("Київ і Харків", 3),
    ("--- ... — “” ’ ?!", 0),
]


@pytest.mark.parametrize("text,words", WORDS)
def test_count_words(text, words):
    assert count_words(text) == words


# A sentence ends at . ! ? (with closing quotes or brackets) before white space and a capital, a
# digit or an opening quote; a dot after an abbreviation or a single letter ends none; a line
# break always ends one. Split by hand.
SENTENCES = [
    ("On Dec. 14, the HUR reported it. Then it ended.", ["On Dec. 14, the HUR reported it.", "Then it ended."]),
    ("“So far, it’s only in Kursk Oblast. But we know,” he said. The president left.",
     ["“So far, it’s only in Kursk Oblast.", "But we know,” he said.", "The president left."]),
    ("U.S. officials met J. Smith. They agreed.", ["U.S. officials met J. Smith.", "They agreed."]),
    ("What is? Many asked.\n\nA new paragraph", ["What is?", "Many asked.", "A new paragraph"]),
    ("He said it ends.” then stopped.", ["He said it ends.” then stopped."]),
    ("Mr. Smith met Dr. Jones. Gen. Zaluzhnyi left on Dec. 14. Then it rained.",
     ["Mr. Smith met Dr. Jones.", "Gen. Zaluzhnyi left on Dec. 14.", "Then it rained."]),
    ("St. Petersburg is far. Gov. Smith agreed.", ["St. Petersburg is far.", "Gov. Smith agreed."]),
    ("Tanks, guns, etc. arrived. Then it rained.", ["Tanks, guns, etc. arrived.", "Then it rained."]),
    ("J. R. R. Tolkien wrote it. The U.S. Army agreed.", ["J. R. R. Tolkien wrote it.", "The U.S. Army agreed."]),
    ("It was 5 p.m. and late. Dr. Smith's well-known car left.",
     ["It was 5 p.m. and late.", "Dr. Smith's well-known car left."]),
    ("It grew 3.5 percent to 1,000 units on 2024-12-14. Prices fell.",
     ["It grew 3.5 percent to 1,000 units on 2024-12-14.", "Prices fell."]),
    ("The toll rose. 14 died.", ["The toll rose.", "14 died."]),
    ("Is it over? No! It is not.", ["Is it over?", "No!", "It is not."]),
    ("Really?! Yes.", ["Really?!", "Yes."]),
    ("“Why?” he asked. Nobody knew.", ["“Why?” he asked.", "Nobody knew."]),
    ("He said, “It ends.” Then he left.", ["He said, “It ends.”", "Then he left."]),
    ("He said, \"It ends.\" Then he left.", ["He said, \"It ends.\"", "Then he left."]),
    ("There are rumors about ‘the Koreans who never end.’ They will end.",
     ["There are rumors about ‘the Koreans who never end.’", "They will end."]),
    ("It ended. \"Good,\" she said.", ["It ended.", "\"Good,\" she said."]),
    ("He left (for good.) Then rain fell.", ["He left (for good.)", "Then rain fell."]),
    ("Wait... Then silence. And then... nothing.", ["Wait...", "Then silence.", "And then... nothing."]),
    ("Ukraine’s army held. Its allies’ aid came.", ["Ukraine’s army held.", "Its allies’ aid came."]),
    ("A title without a stop\n\nThe body starts.  It ends.", ["A title without a stop", "The body starts.", "It ends."]),
    ("“We will win.”\n\n\nHe left.", ["“We will win.”", "He left."]),
    # The rule's price: a sentence that really ends at an abbreviation or an initial runs on.
    ("Smith joined Acme Inc. The firm grew.", ["Smith joined Acme Inc. The firm grew."]),
    ("He moved to the U.S. The next day he left.", ["He moved to the U.S. The next day he left."]),
]


@pytest.mark.parametrize("text,sentences", SENTENCES)
def test_sentence_spans(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences
    assert count_sentences(text) == len(sentences)


# Cases that once went wrong: a lower-case word that is also an abbreviation, a line break
# (every line break ends a sentence: news dumps put a paragraph on a line), the hyphens of
# Unicode, and the underscore (a word character, so that `@some_user` is one word).
@pytest.mark.parametrize("text,sentences", [
    pytest.param("They sat. Then they left.", ["They sat.", "Then they left."], id="sat is not Sat."),
    pytest.param("He said no. Then he left.", ["He said no.", "Then he left."], id="no is not No."),
    pytest.param("It is No. 5 on the list. It won.", ["It is No. 5 on the list.", "It won."], id="No. 5"),
    pytest.param("They met on Sat. 14 December. Then they left.",
                 ["They met on Sat. 14 December.", "Then they left."], id="Sat. 14"),
    pytest.param("Kyiv said\nthat it held.", ["Kyiv said", "that it held."], id="a line break ends a sentence"),
])
def test_sentence_spans_where_words_look_like_abbreviations(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


@pytest.mark.parametrize("text,words", [
    pytest.param("snake_case and @some_user", 3, id="an underscore joins a word"),
    pytest.param("well\u2010known", 1, id="U+2010 HYPHEN is an inner hyphen"),
    pytest.param("well\u2011known", 1, id="U+2011 NON-BREAKING HYPHEN is an inner hyphen"),
])
def test_count_words_with_unicode_hyphens_and_underscores(text, words):
    assert count_words(text) == words


def _seed_text() -> str:
    documents = pq.read_table(REPO / "corpus" / f"v{releases(REPO)[-1]}" / "documents.parquet")
    (row,) = documents.filter(pc.equal(documents["doc_id"], SEED_DOC_ID)).to_pylist()
    return row["text"]


# The seed's sentences as a reader splits them: how each begins and ends.
SEED_SENTENCES = [
    ("President Volodymyr Zelenskyy confirmed", "reports citing local media ."),
    ("“So far, it’s only", "only in Kursk Oblast."),
    ("But we have information", "of the front as well."),
    ("Losses among this group", "noticeable,” Zelenskyy said."),
    ("The president emphasized", "and “maximally” at that."),
    ("“If this isn’t escalation", "then what is?"),
    ("Many have spoken", "about escalation."),
    ("It is Putin who", "prolong this war."),
    ("He is the one", "any chance of peace."),
    ("And he wants the world", "even in Asia."),
    ("This is why the Russians", "warfare,” the president said."),
    ("He also noted that Moscow", "making the war worse."),
    ("“We will defend ourselves", "these North Koreans."),
    ("We will continue to act", "guaranteed peace,” Zelenskyy said."),
    ("The president also announced", "to strengthen Ukraine."),
    ("On Dec. 14, the HUR", "in combat operations."),
    ("That same day, Andrii Sybiha", "occupiers in Kursk Oblast."),
    ("“Right now, there are", "Koreans who never end.’"),
    ("They will end, very much so", "everyone else,” Sybiha said."),
]


def test_the_seed_has_the_sentences_a_reader_counts():
    text = _seed_text()
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert len(sentences) == len(SEED_SENTENCES) == 19
    for sentence, (begins, ends) in zip(sentences, SEED_SENTENCES):
        assert sentence.startswith(begins) and sentence.endswith(ends), sentence


def test_the_seed_has_the_words_a_reader_counts():
    """Counted another way: split at white space and strip the marks around each piece. That
    drops the stray ` .` after `local media` (no letter in it) as the definition does; it keeps
    `war—stop` as one piece where the definition sees two words (a dash is no hyphen)."""
    text = _seed_text()
    pieces = [p.strip(string.punctuation + "“”‘’—") for p in text.split()]
    pieces = [p for p in pieces if p]
    assert "war—stop" in pieces
    assert count_words(text) == len(pieces) + 1 == 308
