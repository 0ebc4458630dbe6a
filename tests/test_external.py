"""Real texts from other outlets (../shared/external, never copied into the repository): cleaning
holds on them and loses no sentence of the article body; the HTML path extracts real pages."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

import pytest

from conftest import REPO, SHARED, shared
from warnews.clean import Cleaner, rebuild
from warnews.ingest import extract_html
from warnews.page_dumps import input_kind
from warnews.vocabularies import PAGE_DUMP

# Listed when the module is collected. Where ../shared/ is missing the lists are empty, so the
# tests over them have no cases; test_the_external_texts_are_there then skips, or fails under CI.
TEXTS = sorted((SHARED / "external" / "texts").glob("*/*.txt"))
PAGES = sorted((SHARED / "external" / "html").glob("*/source.html"))
CLEANER = Cleaner(REPO)
# Rules that only change invisible characters or spacing; they never remove a letter or digit.
SPACING_RULES = {"normalize_nfc", "remove_zero_width", "replace_no_break_spaces", "strip_surrounding_whitespace",
                 "fix_missing_sentence_space"}


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFC", text))


def test_the_external_texts_are_there():
    """../shared/external holds 10 texts (6 article bodies, 4 page dumps) and 5 saved pages."""
    texts = sorted(shared("external", "texts").glob("*/*.txt"))
    pages = sorted(shared("external", "html").glob("*/source.html"))
    assert len(texts) >= 10 and len(pages) >= 5, (texts, pages)


@pytest.mark.parametrize("path", TEXTS, ids=[p.name[:40] for p in TEXTS])
def test_cleaning_holds_on_real_texts(path):
    raw = path.read_text(encoding="utf-8")
    result = CLEANER.clean(path.name, "unknown", dt.date(2026, 1, 1), raw)
    assert rebuild(raw, result.edits) == result.text
    assert unicodedata.is_normalized("NFC", result.text)
    again = CLEANER.clean(path.name, "unknown", dt.date(2026, 1, 1), result.text)
    assert again.text == result.text and again.edits == ()
    boilerplate = CLEANER.profiles["_all"].boilerplate_lines
    dump = input_kind(raw) == PAGE_DUMP
    assert dump == (path.parent.name == "page-dumps")
    for edit in result.edits:  # no sentence of an article body is lost; a dump loses whole lines only
        rules = set(edit.rule.split("+"))
        if rules <= SPACING_RULES:
            assert _letters(edit.raw_text) == _letters(edit.clean_text), edit
        elif dump and "strip_page_furniture" in rules:
            assert rules <= SPACING_RULES | {"strip_page_furniture"} and edit.clean_text == "", edit
            assert edit.raw_start == 0 or raw[edit.raw_start - 1] == "\n" or raw[edit.raw_start] == "\n", edit
            assert edit.raw_end == len(raw) or raw[edit.raw_end - 1] == "\n", edit
        else:
            assert edit.rule == "strip_boilerplate_lines" and edit.clean_text == "", edit
            lines = [line.strip() for line in edit.raw_text.splitlines() if line.strip()]
            assert lines and all(any(p.fullmatch(line) for p in boilerplate) for line in lines), edit


def test_a_real_dump_keeps_every_line_of_its_article():
    """On the development dumps (../shared/gold-dev, article lines marked by hand), cleaning
    removes no line of the article and drops the dump's wrapper and its lists of links."""
    gold = [json.loads(line) for line in shared("gold-dev", "page-dumps.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    for dump in gold:
        raw = shared("external", "texts", "page-dumps", dump["file"]).read_text(encoding="utf-8")
        lines = raw.split("\n")
        result = CLEANER.clean(dump["file"], "unknown", dt.date(2026, 2, 27), raw, PAGE_DUMP)
        kept = result.text.split("\n")
        article = [" ".join(lines[i].split()) for s, e in dump["lines"] for i in range(s, e) if lines[i].strip()]
        assert [line for line in article if line not in {" ".join(k.split()) for k in kept}] == [], dump["file"]
        assert "## Links" not in result.text and "## Metadata" not in result.text
        assert len(result.text) < 0.6 * len(raw)


def test_the_known_blemishes_of_real_texts_are_repaired():
    by_name = {p.name: p for p in shared("external", "texts").glob("*/*.txt")}
    translated = next(p for name, p in by_name.items() if "_PL_" in name)
    text = CLEANER.clean("pl", "unknown", dt.date(2024, 4, 15), translated.read_text(encoding="utf-8")).text
    assert "began. The President" in text and ".The " not in text
    nbsp = next(p for name, p in by_name.items() if name.startswith("united24media"))
    assert "\u00a0" not in CLEANER.clean("u24", "unknown", dt.date(2026, 2, 1), nbsp.read_text(encoding="utf-8")).text
    ads = [p for name, p in by_name.items() if "_UA_" in name]
    for path in ads:
        raw = path.read_text(encoding="utf-8")
        assert "\nAdvertisement\n" in raw
        assert "Advertisement" not in CLEANER.clean("ua", "unknown", dt.date(2024, 5, 11), raw).text


@pytest.mark.parametrize("path", PAGES, ids=[p.parent.name for p in PAGES])
def test_real_html_pages_are_extracted_with_their_metadata(path):
    text, page = extract_html(path.read_text(encoding="utf-8"), path.parent.name)
    assert len(text.split()) > 200
    assert page.get("title")
    if "date" in page:  # from the page's metadata, never a footer's copyright year alone
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page["date"])
