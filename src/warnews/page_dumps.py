"""page_dumps: tell whole-page text dumps from article bodies, and find the article in a dump.

A page saved as text (a scraper's dump, often wrapped in Markdown sections such as `## Metadata`,
`## Page Structure`, `## Content` and `## Links`) holds the article among navigation, share
buttons, captions, promotions and lists of other stories, one element a line. The article is
found by signals that hold for any outlet, read line by line:
- the wrapper's own structure: only `## Content` holds the page's text; `## Page Structure`
  names its headline and subheadings; `## Links` lists every link's text, so a line that is only a
  link is known as one;
- prose: sentences of several words with English function words in them, against short
  fragments, link lines and lines repeated on the page (share buttons, `Advertisement`);
- captions: a line ending in a picture credit (`[Reuters]`, `(Source: Getty Images)`) or followed
  by a credit line of names (`HENRY NICHOLLS`);
- position: the body is the stretch of the page with the most prose, and it starts at the
  headline; a link in a sentence breaks the sentence into lines that belong to it.
Nothing here names an outlet. `article_lines` says which lines to keep, or None where it finds no
article (the text is then kept whole).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from warnews.vocabularies import ARTICLE_BODY, HTML, PAGE_DUMP


# A text without the Markdown wrapper is a dump when at least this many of its lines, and this
# share of its non-empty lines, are short fragments that end no sentence (menu items, buttons):
# among the 2,019 article bodies and statements of ../shared/corpora and ../shared/external the
# most such lines in one text is 10 (0.56 of 18 lines); the dev dumps have 93 to 1,186 (0.45-0.87).
DUMP_MIN_FRAGMENTS = 25
DUMP_MIN_FRAGMENT_SHARE = 0.4
# Fragments: at most this many words and no sentence-ending mark.
FRAGMENT_WORDS = 4
# Prose: a line of at least this many words, with at least this share of function words.
PROSE_WORDS = 6
PROSE_STOPWORD_SHARE = 0.2
# A line of this many words or fewer can be a link inside a sentence (`the fourth anniversary`).
INLINE_LINK_WORDS = 6
# A subheading between paragraphs has at most this many words.
SUBHEADING_WORDS = 12
# Lines of page furniture cost the stretch of body prose that holds them this much each, so a
# body with captions and advertisements between its paragraphs stays one stretch while menus
# and lists of links end it.
FURNITURE_COST = 4.0

_SECTION = re.compile(r"^## (\S.*?)\s*$")
# The wrapper's own sections; any other `## ` line is a heading of the page's content.
WRAPPER_SECTIONS = frozenset({"metadata", "page structure", "content", "links", "images"})
_STRUCTURE_HEADING = re.compile(r"^\s*- (#{1,6}) (.+?)\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_WORD = re.compile(r"\w+")
# A Markdown heading's or list item's mark before a line's text (`## `, `- `, `* `, `1. `).
_MARKDOWN_MARK = re.compile(r"^(?:#{1,6}|[-*+]|\d{1,2}\.)\s+(?=\S)")
_ENDS_SENTENCE = re.compile(r"[.!?…:;\"”’')\]]$")
# A picture credit closing a caption: `[Gleb Garanich/Reuters]`, `[Al Jazeera]`, `(Source: Getty
# Images)`, `(Photo: AFP)`; brackets holding capitalized words or a credit word.
_CREDIT_END = re.compile(
    r"(?:\[(?:[A-Z][\w.’'&-]*(?:[ /,]+[A-Z&][\w.’'&-]*)*)\]|"
    r"\((?:Photo|Photos|Source|Image|Images|Credit|Picture|Photograph|Illustration|Video)s?\b[^()]{0,80}\))$")
# A credit line under a picture: one to three names, each with a surname in capitals
# (`HENRY NICHOLLS`, `Valentin RAKOVSKY, Valentina BRESCHI`).
_CREDIT_LINE = re.compile(r"^[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,3}(?:, [A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,3}){0,2}$")
_MONTHS = ("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
           "september october november december").split()
_DATE = re.compile(rf"\b(?:{'|'.join(_MONTHS)})\b\.?|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b",
                   re.IGNORECASE)
_BYLINE_CONNECTORS = frozenset("and with in by & ,".split())
# A byline of names stands this close under the headline (in non-empty lines), or under a label.
BYLINE_LINES = 3
_BYLINE_LABEL = re.compile(r"^(?:By|Authors?|Written by|Reporting by|Words by):?$", re.IGNORECASE)
# A headline has at least this many words (a site's name above the article has fewer).
HEADLINE_WORDS = 3
_ATTRIBUTION = re.compile(r"^[–—-]\s*")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English function words: jusText's list, made for telling prose from boilerplate."""
    import justext

    return frozenset(justext.get_stoplist("English"))


@dataclass(frozen=True)
class Layout:
    """What a dump's wrapper says of the page: where its content lines are, its headings (level,
    text) and the text of every link."""

    content: range
    headings: tuple[tuple[int, str], ...] = ()
    link_texts: frozenset[str] = frozenset()
    wrapped: bool = False


def layout(lines: list[str]) -> Layout:
    """The wrapper's sections, where there is one (`## Content` among `## ...` headings); else the
    whole text is content."""
    sections = [(i, m.group(1)) for i, line in enumerate(lines)
                if (m := _SECTION.match(line)) and m.group(1).lower() in WRAPPER_SECTIONS]
    names = [name.lower() for _, name in sections]
    if "content" not in names:
        return Layout(range(len(lines)), link_texts=_inline_link_texts(lines))
    bounds = {name.lower(): range(i + 1, sections[k + 1][0] if k + 1 < len(sections) else len(lines))
              for k, (i, name) in enumerate(sections)}
    headings = tuple((len(m.group(1)), _MARKDOWN_MARK.sub("", _norm(m.group(2)))) for i in bounds.get("page structure", ())
                     if (m := _STRUCTURE_HEADING.match(lines[i])))
    links = {_norm(m.group(1)) for i in bounds.get("links", ()) for m in _LINK.finditer(lines[i])}
    content = bounds["content"]
    return Layout(content, headings, frozenset(t for t in links if t) | _inline_link_texts(lines[i] for i in content),
                  wrapped=True)


def _inline_link_texts(lines) -> frozenset[str]:
    return frozenset(_norm(m.group(1)) for line in lines for m in _LINK.finditer(line) if m.group(1).strip())


def _norm(text: str) -> str:
    return " ".join(text.split())


def input_kind(text: str, html: bool = False) -> str:
    """`html` for pages read through the HTML path; `page_dump` for a text that has a dump's
    Markdown wrapper or is mostly short fragments; else `article_body`."""
    if html:
        return HTML
    lines = text.split("\n")
    if layout(lines).wrapped:
        return PAGE_DUMP
    filled = [line.strip() for line in lines if line.strip()]
    fragments = sum(1 for line in filled if _is_fragment(line))
    if fragments >= DUMP_MIN_FRAGMENTS and fragments >= DUMP_MIN_FRAGMENT_SHARE * len(filled):
        return PAGE_DUMP
    return ARTICLE_BODY


def _is_fragment(line: str) -> bool:
    """A menu item or a button: a few words that end no sentence."""
    return (sum(1 for _ in islice(_WORD.finditer(line), FRAGMENT_WORDS + 1)) <= FRAGMENT_WORDS
            and not _ENDS_SENTENCE.search(line))


@dataclass
class _Line:
    text: str  # stripped, links' markup replaced by their text
    words: int
    prose: bool
    link: bool  # the whole line is the text of a link
    furniture: bool  # repeated on the page, a caption or a credit
    ends_sentence: bool
    heading: bool = False  # marked as a Markdown heading (`## …`)


def _lines(lines: list[str], page: Layout) -> dict[int, _Line]:
    """What each non-empty line of the page's content is (by its index)."""
    stop = stopwords()
    texts = {i: _MARKDOWN_MARK.sub("", _norm(_LINK.sub(r"\1", lines[i]))) for i in page.content if lines[i].strip()}
    counts: dict[str, int] = {}
    for text in texts.values():
        counts[text] = counts.get(text, 0) + 1
    out = {}
    ordered = sorted(texts)
    for k, i in enumerate(ordered):
        text = texts[i]
        tokens = _WORD.findall(text.lower())
        following = texts[ordered[k + 1]] if k + 1 < len(ordered) else ""
        caption = bool(_CREDIT_END.search(text)) or (len(tokens) >= PROSE_WORDS and _is_credit_line(following))
        prose = (len(tokens) >= PROSE_WORDS and sum(t in stop for t in tokens) >= PROSE_STOPWORD_SHARE * len(tokens)
                 and (_ENDS_SENTENCE.search(text) is not None or len(tokens) >= 2 * PROSE_WORDS))
        out[i] = _Line(text, len(tokens), prose and not caption, text in page.link_texts,
                       counts[text] > 1 or caption or _is_credit_line(text) or not tokens,
                       _ENDS_SENTENCE.search(text) is not None, _is_heading(lines[i]))
    return out


def _is_heading(line: str) -> bool:
    """Marked as a Markdown heading (`## Putin's air campaign`; a hashtag is none)."""
    mark = _MARKDOWN_MARK.match(line.strip())
    return mark is not None and mark.group().startswith("#")


def _is_credit_line(text: str) -> bool:
    """Two or more names with a surname in capitals, as picture credits print them (`YURIY
    DYACHYSHYN`); one word in capitals (`ADVERTISEMENT`, `AFP`) is none."""
    if " " not in text or not _CREDIT_LINE.match(text):
        return False
    return any(len(w) >= 3 and w.isupper() and w.isalpha() for w in re.split(r"[ ,]+", text))


def article_lines(text: str) -> list[int] | None:
    """Indices (into text.split("\n")) of the lines that hold the article: headline, standfirst,
    byline and date, body paragraphs with their subheadings and the links inside their sentences.
    None where no stretch of prose is found."""
    lines = text.split("\n")
    page = layout(lines)
    info = _lines(lines, page)
    order = sorted(info)
    body = _body(order, info)
    if body is None:
        return None
    first, last = body
    headline = _headline(page, info, order, first)
    keep, previous, previous_kept, dated = [], None, None, False
    begin = order.index(headline if headline is not None else first)
    for k in range(begin, order.index(last) + 1):
        i, line = order[k], info[order[k]]
        following = info[order[k + 1]] if k + 1 < len(order) else None
        in_sentence = False  # the line is prose or a piece of a sentence, which the next line may go on with
        if i == headline:
            kept = True
        elif i < first:  # between the headline and the body
            date = not dated and line.words <= 8 and _DATE.search(line.text) is not None
            dated = dated or date
            near = k - begin <= BYLINE_LINES or _BYLINE_LABEL.match(info[order[k - 1]].text) is not None
            kept = date or _keep_in_header(line, previous, following, near)
            in_sentence = kept and not date and (line.prose or not _is_byline(line.text))
        else:
            kept = _keep_in_body(line, previous, previous_kept, following, info, order, k, page)
            in_sentence = kept
        keep += [i] if kept else []
        previous = line if in_sentence else None
        previous_kept = line if kept else None  # the line just before, where it was kept
    return keep


def _body(order: list[int], info: dict[int, _Line]) -> tuple[int, int] | None:
    """The first and last line of the stretch with the most prose (Kadane's maximum-sum run):
    prose counts its words, furniture and links against, other lines a little against."""
    best, best_span, total, start = 0.0, None, 0.0, None
    for i in order:
        line = info[i]
        score = -FURNITURE_COST if line.furniture or line.link else float(line.words) if line.prose else -1.0
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_span = total, (start, i)
    if best_span is None:
        return None
    first, last = best_span
    while not (info[first].prose and not info[first].furniture and not info[first].link):
        first = order[order.index(first) + 1]
    return first, last


def _headline(page: Layout, info: dict[int, _Line], order: list[int], first: int) -> int | None:
    """The line holding the headline, nearest before the body: a top heading of the page's
    structure that the page's title begins with (or any top heading); else the first part of a
    title line (`Headline | Section | Outlet`) opening the page; else a Markdown heading that is
    no link. None where none of these stands before the body."""
    title = info[order[0]].text if order else ""
    top = [text for level, text in page.headings if level == 1]
    parts = re.split(r" [|–—] | - ", title)
    wanted = set([t for t in top if title.startswith(t)] or top) or ({parts[0]} if len(parts) > 1 else set())
    found = [i for i in order if i < first and info[i].text in wanted and info[i].words >= HEADLINE_WORDS]
    if not found:
        found = [i for i in order if i < first and info[i].heading and not info[i].link and not info[i].furniture
                 and info[i].words >= HEADLINE_WORDS]
    return found[-1] if found else None


def _keep_in_header(line: _Line, previous: _Line | None, following: _Line | None, near: bool) -> bool:
    """Between the headline and the body: a standfirst, the byline (`By …`, or names right under
    the headline or under a label such as `Authors`: `near`), or what goes on with them; buttons,
    captions and repeated lines are left out (the first date is kept by the caller)."""
    if line.furniture:
        return False
    if line.prose:
        return True
    byline = line.text.startswith("By ") or line.text == "By" or near and _is_byline(line.text)
    return byline or _goes_on(line, previous, following)


def _is_byline(text: str) -> bool:
    """`By`, or names joined only by `and`, `with`, `in`, commas (`Maria KOSTENKO with Vadym
    TOMASHEVSKY in Irpin AFP`)."""
    words = text.replace(",", " , ").split()
    if text == "By" or (text.startswith("By ") and len(words) <= 8):
        return True
    names = [w for w in words if w not in _BYLINE_CONNECTORS]
    return 2 <= len(names) <= 8 and all(w[:1].isupper() for w in names)


def _keep_in_body(line: _Line, previous: _Line | None, previous_kept: _Line | None, following: _Line | None, info,
                  order, k, page) -> bool:
    """A body line: prose that is no teaser between links; a subheading of the page's structure
    before prose; a line that goes on with the sentence before it or that the next one goes on
    from; the attribution under a quotation (`– Kostyantyn Mashovets`)."""
    if line.furniture:
        return False
    if _goes_on(line, previous, following):
        return True
    if line.link:
        return False
    if line.prose:
        return not _between_links(info, order, k)
    if previous is not None and previous.prose and _ATTRIBUTION.match(line.text) and _is_byline(
            _ATTRIBUTION.sub("", line.text)):
        return True
    return _is_subheading(line, previous_kept, following, page)


def _is_subheading(line: _Line, previous_kept: _Line | None, following: _Line | None, page: Layout) -> bool:
    """A heading of the page's structure, or a short line that ends no sentence between two
    paragraphs (right after a kept one), with prose after it (`Putin’s air campaign`)."""
    if following is None or not following.prose or following.furniture or following.link:
        return False
    if line.text in {text for _, text in page.headings}:
        return True
    return (line.words <= SUBHEADING_WORDS and not line.ends_sentence and previous_kept is not None
            and previous_kept.prose and previous_kept.ends_sentence)


def _goes_on(line: _Line, previous: _Line | None, following: _Line | None) -> bool:
    """A piece of a sentence broken over lines by a link (`Ukraine marked the` / `fourth
    anniversary` / ...): after a kept piece of prose that ends no sentence, or before a line of
    prose or a short link that starts in lower case. A line that is only a link is a piece only
    after prose, and when short: long ones are headlines of other stories."""
    if previous is not None and not previous.ends_sentence:
        return not line.link or line.words <= INLINE_LINK_WORDS
    if line.link:
        return False
    return (following is not None and not line.ends_sentence and following.text[:1].islower()
            and not following.furniture and (following.prose or following.link and following.words <= INLINE_LINK_WORDS))


def _between_links(info, order, k) -> bool:
    """A prose line whose neighbours on both sides are lines that are only links: a teaser or a
    promotion in a list of links, not a paragraph."""
    before = info[order[k - 1]] if k > 0 else None
    after = info[order[k + 1]] if k + 1 < len(order) else None
    return before is not None and after is not None and before.link and after.link
