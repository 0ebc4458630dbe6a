"""language: the reading stored with each record (CLD2, lingua where CLD2 is unsure), the length
from which a text is read, and that it never replaces the declared language. The sentences here are
written for the tests."""

from __future__ import annotations

from warnews import language
from warnews.language import MIN_WORDS_FOR_LANGUAGE_CHECK, detect_language, read_language

ENGLISH = ("President Volodymyr Zelenskyy confirmed that Russia has started deploying soldiers for assault "
           "operations, with casualties already reported by local media on the same day.")
UKRAINIAN = ("Президент України заявив сьогодні, що війська будуть і надалі захищати країну від нападу, а "
             "уряд готує нові рішення щодо допомоги родинам військових.")
HEBREW = "הנשיא אמר היום כי הצבא ימשיך להגן על המדינה וכי הממשלה מכינה החלטות חדשות לעזרה למשפחות החיילים."


def test_cld2_reads_a_text_and_gives_the_share_of_it_in_that_language():
    code, confidence = detect_language(ENGLISH)
    assert code == "en" and 0.9 <= confidence <= 1
    assert detect_language(UKRAINIAN)[0] == "uk"


def test_cld2s_withdrawn_code_for_hebrew_becomes_the_iso_639_1_code():
    assert detect_language(HEBREW)[0] == "he"


def test_a_control_character_left_by_mojibake_does_not_stop_the_reading():
    assert detect_language(ENGLISH.replace(" with ", " \x85with "))[0] == "en"


def test_lingua_reads_where_cld2_is_unsure(monkeypatch):
    monkeypatch.setattr(language, "_cld2", lambda text: (None, 0.0))
    code, confidence = detect_language(ENGLISH)
    assert code == "en" and 0 < confidence <= 1
    assert confidence == language._lingua().compute_language_confidence_values(ENGLISH)[0].value


def test_the_reading_is_rounded_and_returned_beside_never_instead_of_the_declared_language():
    assert read_language(ENGLISH) == ("en", round(detect_language(ENGLISH)[1], 4))


# 19 words: President | Zelenskyy | said | on | Saturday | that | Russia | has | started | sending |
# North | Korean | soldiers | into | assaults | in | the | Kursk | region
NINETEEN_WORDS = ("President Zelenskyy said on Saturday that Russia has started sending North Korean soldiers "
                  "into assaults in the Kursk region")


def test_texts_shorter_than_twenty_words_are_not_read():
    assert MIN_WORDS_FOR_LANGUAGE_CHECK == 20
    assert read_language(NINETEEN_WORDS + ".") == (None, None)  # too short to judge
    assert read_language(NINETEEN_WORDS + " today.")[0] == "en"
