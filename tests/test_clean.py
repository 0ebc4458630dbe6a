"""clean: each rule from a table of cases (including where it must do nothing), the seed's clean
text, and properties on arbitrary Unicode: no crash, exact rebuild, idempotent, NFC."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED_RAW, shared
from warnews.clean import (RULES, Alignment, Change, CleanContext, clean_text, load_profile, load_profiles,
                           rebuild)
from warnews.errors import WarnewsError
from warnews.ingest import read_raw

PROFILE = load_profile(REPO / "outlets" / "news-az.yaml").with_generic(load_profile(REPO / "outlets" / "_all.yaml"))
PROTECTED = frozenset(n.casefold() for n in PROFILE.protected_names)
CTX = CleanContext("test.txt", dt.date(2024, 12, 14), PROFILE, PROTECTED)
RULE = dict(RULES)

# (rule, input, expected output); expected == input means the rule must leave the text alone.
CASES = [
    ("normalize_nfc", "Cafe\u0301 in Kyiv", "Café in Kyiv"),
    ("normalize_nfc", "Київ и\u0306", "Київ й"),
    ("normalize_nfc", "already “composed” é", "already “composed” é"),
    ("repair_mojibake", "CafÃ© â€œquoteâ€\x9d", "Café “quote”"),
    ("repair_mojibake", "Ð¡Ð»Ð°Ð²Ð° Ð£ÐºÑ€Ð°Ñ—Ð½Ñ–", "Слава Україні"),
    ("repair_mojibake", "Kyiv said Â that", "Kyiv said \u00a0that"),
    ("repair_mojibake", "“curly” quotes, naïve façade — déjà vu, ﬁne, ＡＢＣ", "“curly” quotes, naïve façade — déjà vu, ﬁne, ＡＢＣ"),
    ("repair_mojibake", "AT&amp;T said", "AT&amp;T said"),
    ("remove_zero_width", "Kyiv\u200b said\ufeff.", "Kyiv said."),
    ("remove_zero_width", "\u200cنمی\u200cخواهم 👩\u200d💻", "\u200cنمی\u200cخواهم 👩\u200d💻"),
    # joiners between Latin letters, digits, spaces or punctuation do nothing: wire copy's leftovers
    ("remove_zero_width", "Volodymyr \u200cZelenskiy, according to \u200cthree sources", "Volodymyr Zelenskiy, "
     "according to three sources"),
    ("remove_zero_width", "Kyiv\u200d\u200c, 2024\u200c.", "Kyiv, 2024."),
    # ... and are kept where a script joins or conjoins letters with them, or in an emoji sequence
    ("remove_zero_width", "क्\u200dष and क्\u200cष", "क्\u200dष and क्\u200cष"),  # Devanagari half forms
    ("remove_zero_width", "Tehran: می\u200cخواهم", "Tehran: می\u200cخواهم"),
    ("remove_zero_width", "👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),
    ("remove_zero_width", "🏳\ufe0f\u200d🌈 flag", "🏳\ufe0f\u200d🌈 flag"),
    ("replace_no_break_spaces", "16\u00a0px and 5\u202fkm", "16 px and 5 km"),
    ("strip_boilerplate_lines", "First.\n\nAdvertisement\n\nSecond.", "First.\n\nSecond."),
    ("strip_boilerplate_lines", "First.\nADVERTISEMENT\nSecond.\n\nAdvertisement", "First.\nSecond."),
    ("strip_boilerplate_lines", "First.\n\nPhoto: Reuters/Gleb Garanich\n\nSecond.", "First.\n\nSecond."),
    ("strip_boilerplate_lines", "Advertisement revenue fell.\n\nThe photo: a ruin.", "Advertisement revenue fell.\n\nThe photo: a ruin."),
    ("strip_boilerplate_lines", "Photo: the minister said the bridge held. It did.", "Photo: the minister said the bridge held. It did."),
    ("strip_boilerplate_lines", "Advertisement", "Advertisement"),
    ("strip_surrounding_whitespace", "  \n text \n", "text"),
    ("strip_surrounding_whitespace", "text", "text"),
    ("strip_page_chrome", "date 2024-12-14 + ↺ − 16 px\n\nBody.", "Body."),
    ("strip_page_chrome", "date 2024-12-14 + ↺ − 18 px\nBody.", "Body."),
    ("strip_page_chrome", "Body.\n\ndate 2024-12-14 + ↺ − 16 px", "Body.\n\ndate 2024-12-14 + ↺ − 16 px"),
    ("strip_page_chrome", "date 2024-12-14 + ↺ − 16 px", "date 2024-12-14 + ↺ − 16 px"),
    ("strip_page_chrome", "The date 2024-12-14 was set.", "The date 2024-12-14 was set."),
    ("strip_outlet_trailer", "Body.\n\nNews.Az", "Body."),
    ("strip_outlet_trailer", "Body.\n\nNews.Az\n\nNews.Az", "Body."),
    ("strip_outlet_trailer", "Body quoted by News.Az", "Body quoted by News.Az"),
    ("strip_outlet_trailer", "News.Az", "News.Az"),
    ("strip_outlet_trailer", "Body.\n\nNews.Az reports", "Body.\n\nNews.Az reports"),
    ("fix_missing_sentence_space", "Zelenskyy said.The president", "Zelenskyy said. The president"),
    ("fix_missing_sentence_space", "“maximally” at that.“If this", "“maximally” at that. “If this"),
    ("fix_missing_sentence_space", "in Kursk Oblast.“Right now", "in Kursk Oblast. “Right now"),
    ("fix_missing_sentence_space", "strengthen Ukraine.On Dec. 14", "strengthen Ukraine. On Dec. 14"),
    ("fix_missing_sentence_space", "like everyone else.”Then", "like everyone else.” Then"),
    ("fix_missing_sentence_space", "what is?Many have", "what is? Many have"),
    ("fix_missing_sentence_space", "Войска ушли.Потом", "Войска ушли. Потом"),
    ("fix_missing_sentence_space", "and they sat.Then they left", "and they sat. Then they left"),
    # where it must do nothing
    ("fix_missing_sentence_space", "News.az reports citing", "News.az reports citing"),
    ("fix_missing_sentence_space", "as News.Az reports", "as News.Az reports"),
    ("fix_missing_sentence_space", "see news.az today", "see news.az today"),
    ("fix_missing_sentence_space", "visit Kyivpost.Com daily", "visit Kyivpost.Com daily"),
    ("fix_missing_sentence_space", "the U.S. and the U.K.", "the U.S. and the U.K."),
    ("fix_missing_sentence_space", "the U.S.Army said", "the U.S.Army said"),
    ("fix_missing_sentence_space", "grew 3.5 percent", "grew 3.5 percent"),
    ("fix_missing_sentence_space", "by J.R.R. Tolkien and J.Smith", "by J.R.R. Tolkien and J.Smith"),
    ("fix_missing_sentence_space", "On Dec. 14, the HUR", "On Dec. 14, the HUR"),
    ("fix_missing_sentence_space", "Gen.Zaluzhnyi and Dr.Smith", "Gen.Zaluzhnyi and Dr.Smith"),
    ("fix_missing_sentence_space", "met on Sat.December 14", "met on Sat.December 14"),
    ("fix_missing_sentence_space", "see https://www.Example.com/News.Html now", "see https://www.Example.com/News.Html now"),
    ("fix_missing_sentence_space", "write to press@Ministry.Gov today", "write to press@Ministry.Gov today"),
    ("fix_missing_sentence_space", "e.g.The example", "e.g.The example"),
    ("fix_missing_sentence_space", "they said.HUR reported", "they said.HUR reported"),
    ("fix_missing_sentence_space", "they said.the end", "they said.the end"),
    ("fix_missing_sentence_space", "version 2.The", "version 2.The"),
]


def _apply(rule: str, text: str) -> str:
    alignment = Alignment(text)
    alignment.apply(rule, RULE[rule](text, CTX))
    return alignment.text


# (rule, input, what it declined): each place where a rule saw a candidate and was not sure.
DECLINES = [
    ("fix_missing_sentence_space", "Zelenskyy said.The president", {}),
    ("fix_missing_sentence_space", "Gen.Zaluzhnyi and Dr.Smith met", {"abbreviation": 2}),
    ("fix_missing_sentence_space", "by J.Smith, e.g.The example", {"initial": 3}),  # J. e. g.
    ("fix_missing_sentence_space", "the U.S.Army said", {"initial": 2}),  # U. S.
    ("fix_missing_sentence_space", "News.az reports; they said.HUR said", {"next_word_not_capitalized": 2}),
    ("fix_missing_sentence_space", "as News.Az reports", {"protected_name": 1}),  # the outlet profile names it
    ("fix_missing_sentence_space", "visit Kyivpost.Com daily", {"possible_domain": 1}),
    # www.Example and News.Html sit in a URL; at .com the next word is not capitalized
    ("fix_missing_sentence_space", "visit https://www.Example.com/News.Html now",
     {"url_or_email": 2, "next_word_not_capitalized": 1}),
    ("fix_missing_sentence_space", "KYIV.The city", {"capital_before": 1}),
    ("strip_page_chrome", "date 2024-12-14 + ↺ − 16 px", {"only_chrome": 1}),
    ("strip_page_chrome", "date 2024-12-14 + ↺ − 16 px\n\nBody.", {}),
    ("strip_outlet_trailer", "News.Az", {"only_trailer": 1}),
    ("strip_boilerplate_lines", "Advertisement", {"only_line": 1}),
    ("remove_zero_width", "می\u200cخواهم and Kyiv\u200c said 👩\u200d💻", {"joining_script": 2}),
]


@pytest.mark.parametrize("rule,text,declined", DECLINES, ids=[f"{r}:{t[:25]}" for r, t, _ in DECLINES])
def test_a_rule_counts_what_it_declined(rule, text, declined):
    result = clean_text(text, CTX, rules=[(rule, RULE[rule])])
    assert result.declined.get(rule, {}) == declined
    if declined and rule == "fix_missing_sentence_space":
        assert result.text == text  # declined means left alone


def test_declines_are_counted_on_the_clean_text_once():
    # two passes run (the first changes the text); the count is the last pass's, not the sum
    result = clean_text("  Gen.Zaluzhnyi said.The end  ", CTX)
    assert result.text == "Gen.Zaluzhnyi said. The end"
    assert result.declined == {"fix_missing_sentence_space": {"abbreviation": 1}}


@pytest.mark.parametrize("rule,text,expected", CASES, ids=[f"{r}:{t[:25]}" for r, t, _ in CASES])
def test_rule_case(rule, text, expected):
    assert _apply(rule, text) == expected


def test_page_chrome_date_must_match_the_sidecar():
    ctx = CleanContext("raw/x/2024-12-13-a.txt", dt.date(2024, 12, 13), PROFILE, PROTECTED)
    with pytest.raises(WarnewsError, match=r"2024-12-13-a\.txt: the page chrome says date 2024-12-14 but the sidecar says published 2024-12-13"):
        RULE["strip_page_chrome"]("date 2024-12-14 + ↺ − 16 px\n\nBody.", ctx)


@pytest.fixture(scope="module")
def seed():
    doc = read_raw(REPO, REPO / SEED_RAW)
    profiles = load_profiles(REPO)
    ctx = CleanContext(doc.path, doc.meta.published, profiles["news-az"], PROTECTED)
    return doc.text, clean_text(doc.text, ctx)


def test_seed_clean_text(seed):
    raw, result = seed
    text = result.text
    assert text.startswith("President Volodymyr Zelenskyy confirmed on December 14")
    assert text.endswith("like everyone else,” Sybiha said.")
    assert "date 2024-12-14" not in text and "↺" not in text and " px" not in text
    assert not text.rstrip().endswith("News.Az")
    for kept in ("Zelenskyy said. The president", "urged Ukrainians", "News.az reports", "Dec. 14",
                 "Ukraine. On Dec. 14", "at that. “If this"):
        assert kept in text
    for quote in "“”‘’":
        assert text.count(quote) == raw.count(quote) > 0
    assert unicodedata.is_normalized("NFC", text)
    assert text == text.strip()


# Where the raw seed runs one sentence into the next without a space, found by reading it.
SEED_GLUED_SENTENCES = ["said.The", "that.“If", "said.He", "worse.“We", "said.The", "Ukraine.On", "operations.That",
                        "Oblast.“Right"]


def test_seed_edits_rebuild_the_clean_text_and_map_to_raw(seed):
    raw, result = seed
    assert rebuild(raw, result.edits) == result.text
    for e in result.edits:
        assert raw[e.raw_start : e.raw_end] == e.raw_text
        assert result.text[e.clean_start : e.clean_end] == e.clean_text
    rules = [e.rule for e in result.edits]
    glued = [raw[: e.raw_start].split()[-1] + raw[e.raw_start :].split()[0]
             for e in result.edits if e.rule == "fix_missing_sentence_space"]
    assert glued == SEED_GLUED_SENTENCES
    assert not any(r in rules for r in ("repair_mojibake", "remove_zero_width", "replace_no_break_spaces",
                                        "strip_boilerplate_lines"))  # the seed has none of these
    (chrome,) = [e.raw_text for e in result.edits if e.rule == "strip_page_chrome"]
    (trailer,) = [e.raw_text for e in result.edits if e.rule == "strip_outlet_trailer"]
    assert chrome.strip() == "date 2024-12-14 + ↺ − 16 px" and trailer.strip() == "News.Az"


def test_overlapping_rules_merge_into_one_edit():
    alignment = Alignment("ab cd")
    alignment.apply("first", [Change(2, 3, "")])  # "abcd"
    alignment.apply("second", [Change(1, 3, "X")])  # "aXd"
    assert alignment.text == "aXd"
    (edit,) = alignment.edits()
    assert (edit.rule, edit.raw_start, edit.raw_end, edit.raw_text, edit.clean_text) == ("first+second", 1, 4, "b c", "X")


def test_an_undone_change_leaves_no_edit():
    alignment = Alignment("ab")
    alignment.apply("insert", [Change(1, 1, " ")])
    alignment.apply("delete", [Change(1, 2, "")])
    assert alignment.text == "ab" and alignment.edits() == ()


def test_a_rule_returning_overlapping_changes_is_a_bug():
    with pytest.raises(ValueError, match="overlapping or out-of-range"):
        Alignment("abc").apply("bad", [Change(0, 2, ""), Change(1, 3, "")])


@st.composite
def _changes(draw, text: str):
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    changes, last = [], 0
    for a, b in zip(points[::2], points[1::2]):
        if a >= last:
            changes.append(Change(a, b, draw(st.text(alphabet="xy ", max_size=2))))
            last = b
    return changes


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_composed_edits_always_rebuild_the_text(data):
    raw = data.draw(st.text(alphabet="ab .\n", max_size=12))
    alignment = Alignment(raw)
    for round_ in range(data.draw(st.integers(1, 4))):
        text = alignment.text
        changes = data.draw(_changes(text))
        expected = text
        for c in reversed(changes):
            expected = expected[: c.start] + c.text + expected[c.end :]
        alignment.apply(f"r{round_}", changes)
        assert alignment.text == expected
        assert rebuild(raw, alignment.edits()) == expected


# News-like pieces glued at random, so chrome, trailers and glued sentences actually occur.
_NEWSY = st.lists(st.sampled_from(list("ab AZ.?!“”‘’\n\u0301\u00a0\u200b\ufeffйиеé")
                                  + ["News.Az", "said.The", "date 2024-12-14 + ↺ − 16 px\n", "\n\n", "Advertisement\n",
                                     "Ã©", "â€œ", "Photo: AP", "\r\n"])).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _NEWSY))
def test_cleaning_properties_on_arbitrary_unicode(raw):
    result = clean_text(raw, CTX)
    assert rebuild(raw, result.edits) == result.text
    assert unicodedata.is_normalized("NFC", result.text)
    again = clean_text(result.text, CTX)
    assert again.text == result.text and again.edits == ()


@pytest.mark.parametrize("name,content,message", [
    ("news-az.yaml", "outlet: news-az\npage_chrome_top: ['date (']\n", r"page_chrome_top\[0\] is not a valid regular expression"),
    ("news-az.yaml", "outlet: news-az\nfooter: x\n", r"unknown key\(s\) footer"),
    ("other.yaml", "outlet: news-az\n", r"file name must be the outlet slug \(news-az\.yaml\)"),
    ("news-az.yaml", "outlet: news-az\ntrailer_lines: News.Az\n", r"'trailer_lines' must be a list of non-empty strings"),
    ("news-az.yaml", "outlet: [news-az\n", r"news-az\.yaml: line 2: not valid YAML"),
])
def test_a_bad_outlet_profile_is_refused(name, content, message, tmp_path):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(WarnewsError, match=message):
        load_profile(path)


def test_the_seed_is_cleaned_as_in_1_1_2(seed):
    """The seed is read as an article body, and its clean text is the one released in 1.1.2, in
    the code's own cleaning and in the newest release."""
    import pyarrow.parquet as pq

    from warnews.vocabularies import ARTICLE_BODY
    from warnews.versions import releases

    raw, result = seed
    assert read_raw(REPO, REPO / SEED_RAW).kind == ARTICLE_BODY
    released = pq.read_table(REPO / "corpus" / "v1.1.2" / "documents.parquet").column("text").to_pylist()
    newest = pq.read_table(REPO / "corpus" / f"v{releases(REPO)[-1]}" / "documents.parquet").to_pylist()
    assert released == [result.text] == [row["text"] for row in newest]
    assert [row["input_kind"] for row in newest] == [ARTICLE_BODY]


# --- ftfy's mojibake test run by RE2 -------------------------------------------------------------

def _ftfy_on_every_line(text: str) -> str:
    """What repair_mojibake did before RE2 chose the lines: ftfy on every line."""
    from warnews.clean import _FTFY_CONFIG
    from ftfy import fix_text

    return "\n".join(fix_text(line, _FTFY_CONFIG) for line in text.split("\n"))


def _repaired(text: str) -> str:
    return _apply("repair_mojibake", text)


def _badness_alphabet() -> list[str]:
    """The characters ftfy's pattern names, every one of its ranges, and a few that it does not."""
    import re as re_module

    from ftfy.badness import BADNESS_RE

    pattern = BADNESS_RE.pattern
    chars = {c for c in pattern if not c.isspace()}
    for start, end in re_module.findall(r"(.)-(.)", pattern):
        if ord(start) < ord(end):
            chars.update(chr(i) for i in range(ord(start), ord(end) + 1))
    return sorted(chars | set("aZ .\t"))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_badness_alphabet()), max_size=12))
def test_re2_finds_a_bad_sequence_wherever_ftfy_finds_one(text):
    from ftfy.badness import BADNESS_RE

    from warnews.clean import _BADNESS

    if BADNESS_RE.search(text):
        assert _BADNESS.search(text)


def test_re2s_word_and_space_classes_take_in_every_character_pythons_do():
    import re as re_module

    import re2

    from warnews.clean import RE2_CLASSES

    word, space = (re2.compile(f"[{RE2_CLASSES[c]}]") for c in "ws")
    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    assert all(word.fullmatch(c) for c in chars if re_module.fullmatch(r"\w", c))
    assert [c for c in chars if space.fullmatch(c)] == [c for c in chars if re_module.fullmatch(r"\s", c)]


def test_the_pattern_without_its_layout_is_the_same_pattern():
    import re as re_module

    from ftfy.badness import BADNESS_RE

    from warnews.clean import _without_verbose

    parsed = re_module._parser.parse(_without_verbose(BADNESS_RE.pattern), 0)
    assert repr(parsed.data) == repr(re_module._parser.parse(BADNESS_RE.pattern, re_module.VERBOSE).data)


@pytest.mark.parametrize("text", ["CafÃ© â€œquoteâ€\x9d\nplain line\nÐ¡Ð»Ð°Ð²Ð°", "lone \ud800 surrogate Ã©",
                                  "a C1 control \x85 alone", "“curly” — déjà vu\n\nnaïve"])
def test_mojibake_is_repaired_as_ftfy_on_every_line_repairs_it(text):
    assert _repaired(text) == _ftfy_on_every_line(text)


def test_real_texts_and_their_mojibake_are_repaired_as_ftfy_on_every_line_repairs_them():
    """Every text of ../shared/external, and each as it reads when its UTF-8 is decoded as
    Windows-1252: ftfy alone and ftfy on the lines RE2 picks give the same text."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(shared("external", "texts").rglob("*.txt"))]
    assert len(texts) >= 10
    garbled = [t.encode("utf-8").decode("cp1252", errors="replace") for t in texts if not t.isascii()]
    assert garbled
    for text in texts + garbled:
        assert _repaired(text) == _ftfy_on_every_line(text)
