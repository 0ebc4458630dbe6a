"""Whole-page text dumps: which inputs are dumps, which lines of a dump are the article, and the
cleaning rule that keeps them. The pages here are synthetic (made by `synthetic_dump`, in the
shape of a scraper's Markdown dump; no outlet wrote them); real dumps are in test_external.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import REPO, SEED_RAW, shared
from warnews.clean import CleanContext, OutletProfile, clean_text, rebuild, strip_page_furniture
from warnews.page_dumps import article_lines, input_kind
from warnews.vocabularies import ARTICLE_BODY, HTML, PAGE_DUMP

HEADLINE = "Synthetic city council approves a new bridge over the river"
BODY = [
    "The synthetic city council voted on Tuesday to build a new bridge over the river, after two years of debate.",
    "The mayor said the bridge would open in three years and that the cost would be shared with the region.",
    "Residents of the eastern district, who have waited for a crossing since the old one closed, welcomed the",
    "decision of the council",
    "and asked for a footpath on both sides of the bridge.",
    "Funding and timetable",
    "The regional government will pay for half of the work, according to a statement published on its website.",
    "Work on the foundations is expected to begin in the spring, once the river is low enough for the engineers.",
]
NAVIGATION = ["Home", "News", "Sport", "Weather", "Culture", "Opinion", "Sign in", "Subscribe", "Search"]
SHARE = ["Facebook", "Twitter", "WhatsApp", "Email", "Copy link"]
RELATED = ["Second synthetic story about a new school", "Third synthetic story about the river port",
           "Fourth synthetic story about a concert in the park"]


def synthetic_dump() -> tuple[str, list[int]]:
    """A synthetic whole-page dump and the indices of its article's lines."""
    lines, article = ["# www.synthetic.example", "", "## Metadata", "", "- **URL**: https://synthetic.example/a", "",
                      "## Page Structure", "", f"- # {HEADLINE}", "  - ## Funding and timetable",
                      "  - ## Related stories", "", "## Content", "", f"{HEADLINE} | News | Synthetic Times"], []

    def add(line: str, in_article: bool = False) -> None:
        if in_article:
            article.append(len(lines))
        lines.append(line)

    for item in NAVIGATION + SHARE:
        add(item)
    add(HEADLINE, True)
    add("By Jane Example and John Example", True)
    add("12 March 2026", True)
    for item in SHARE:
        add(item)
    add("A crowd gathers by the river before the vote on the new bridge [Jane Example/Synthetic Times]")
    for line in BODY[:4]:
        add(line, True)
    add("Advertisement")
    for line in BODY[4:]:
        add(line, True)
    add("Related stories")
    for item in RELATED:
        add(item)
    add("Advertisement")
    for item in NAVIGATION:
        add(item)
    add("© 2026 Synthetic Times")
    add("")
    add("## Links")
    add("")
    for item in NAVIGATION + SHARE + RELATED + ["decision of the council"]:
        add(f"- [{item}](https://synthetic.example/{len(lines)})")
    return "\n".join(lines), article


def test_article_lines_keep_the_article_and_nothing_else():
    text, article = synthetic_dump()
    assert article_lines(text) == article


def test_a_link_inside_a_sentence_is_kept_and_a_list_of_links_is_not():
    text, _ = synthetic_dump()
    lines = text.split("\n")
    kept = {lines[i] for i in article_lines(text)}
    assert "decision of the council" in kept  # a link breaking a sentence over lines
    assert "Funding and timetable" in kept  # a subheading of the page structure, before prose
    assert not kept & set(RELATED) and "Related stories" not in kept
    assert not any("[Jane Example/Synthetic Times]" in line for line in kept)  # a caption with its credit


def test_the_rule_removes_whole_lines_records_them_and_settles():
    raw, article = synthetic_dump()
    ctx = CleanContext("synthetic.txt", dt.date(2026, 3, 12), OutletProfile("synthetic"), input_kind=PAGE_DUMP)
    result = clean_text(raw, ctx)
    lines = raw.split("\n")
    assert result.text == "\n".join(lines[i] for i in article)
    assert rebuild(raw, result.edits) == result.text
    assert {e.rule for e in result.edits} == {"strip_page_furniture"}
    assert all(e.clean_text == "" for e in result.edits)
    assert clean_text(result.text, ctx).edits == ()  # the article is no dump: a second pass changes nothing


def test_the_rule_runs_only_on_dumps():
    raw, _ = synthetic_dump()
    for kind in (ARTICLE_BODY, HTML):
        ctx = CleanContext("synthetic.txt", dt.date(2026, 3, 12), OutletProfile("synthetic"), input_kind=kind)
        assert strip_page_furniture(raw, ctx) == []


def test_a_dump_without_an_article_keeps_its_text_and_says_so():
    raw = "\n".join(["## Content", ""] + NAVIGATION * 4 + ["", "## Links", ""] +
                    [f"- [{item}](https://synthetic.example/)" for item in NAVIGATION])
    ctx = CleanContext("menu.txt", dt.date(2026, 3, 12), OutletProfile("synthetic"), input_kind=PAGE_DUMP)
    assert article_lines(raw) is None
    result = clean_text(raw, ctx)
    assert result.text == raw.strip() and result.declined["strip_page_furniture"] == {"no_article": 1}


def test_markdown_links_and_lists_in_the_content_are_read_as_links():
    """A dump with no `## Links` section, its menus a Markdown list of links: the menus go, the
    article stays."""
    menu = [f"- [{item}](https://synthetic.example/{k})" for k, item in enumerate(NAVIGATION)]
    lines = ["## Content", ""] + menu + ["", f"## {HEADLINE}", ""] + BODY[:3] + [
        "[decision of the council](https://synthetic.example/d)"] + BODY[4:] + [""] + menu
    text = "\n".join(lines)
    kept = [lines[i] for i in article_lines(text)]
    assert kept == [f"## {HEADLINE}"] + BODY[:3] + ["[decision of the council](https://synthetic.example/d)"] + BODY[4:]



def test_a_line_of_hashtags_is_no_heading():
    """The headline is the Markdown heading; the hashtags under it are no headline of their own."""
    menu = [f"- [{item}](https://synthetic.example/{k})" for k, item in enumerate(NAVIGATION)]
    lines = ["## Content", ""] + menu + ["", f"## {HEADLINE}", "#SyntheticCity #NewBridge #RiverCrossing", ""] + \
        BODY[6:] + [""] + menu
    text = "\n".join(lines)
    assert [lines[i] for i in article_lines(text)] == [f"## {HEADLINE}"] + BODY[6:]


def test_input_kinds():
    text, _ = synthetic_dump()
    assert input_kind(text) == PAGE_DUMP
    wrapper = text.split("## Content\n", 1)[1].split("## Links")[0]
    assert input_kind(wrapper) == PAGE_DUMP  # no wrapper, but mostly menu items and buttons
    assert input_kind("\n\n".join(BODY)) == ARTICLE_BODY
    assert input_kind("\n\n".join(BODY), html=True) == HTML
    assert input_kind((REPO / SEED_RAW).read_text(encoding="utf-8")) == ARTICLE_BODY


def test_real_article_bodies_are_never_taken_for_dumps():
    """Every article body and statement of ../shared (2,019 texts) is an article body, so the
    rule never runs on them."""
    import json

    bodies = sorted(shared("corpora", "gdelt-bodies").glob("*.txt")) + sorted(
        shared("external", "texts", "article-bodies").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in bodies]
    for path in sorted(shared("corpora", "primary-statements").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 2000
    assert [t[:60] for t in texts if input_kind(t) != ARTICLE_BODY] == []


@pytest.mark.parametrize("path", sorted(Path(REPO.parent / "shared" / "external" / "texts" / "page-dumps").glob("*.txt")),
                         ids=lambda p: p.name[:30])
def test_real_dumps_are_recognised(path):
    assert input_kind(path.read_text(encoding="utf-8")) == PAGE_DUMP
