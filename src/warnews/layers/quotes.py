"""quotes: quotations in any English news text, with their speakers as printed and as resolved.

1. Quotation marks are paired within a paragraph: curly, straight (opening or closing by what
   stands beside them), « », and single quotes used as quotation marks (an apostrophe inside a
   word is none). A quotation left open at a line break ends there.
2. Each quotation gets the attribution nearest to it: after it (`”, X said`, `” said X`, `” - he
   added`), before it (`X said: “`, `According to X, “`), or the speech verb of its sentence
   (`X described it as “…”`, `X is urging “…”`); a participle takes the subject of the verb
   before it or of its sentence (`Russia responded, calling them “…”`). A quotation with no
   attribution takes the speaker of the quotation before it when it goes on from it and nobody
   else has spoken since; of the next paragraph's quotation when it is left open at its
   paragraph's end; and of another quotation repeating its words (a headline's ‘this week’).
3. The speaker as printed (`he`, `Blinken`, `the ministry`, `a senior US official`) is resolved
   inside the document to the fullest name it gives: a surname to the full name, a pronoun to the
   last speaker (for `he` and `she`, skipping one whose first name is of the other gender in
   nomquamgender's data), a description to the person whose printed role it matches; an unnamed
   speaker keeps its description.
4. A period inside a name or title (`Mr. Rhodes`, `Sen. Tammy Baldwin`, `Harry M. Reid`) ends no
   attribution (v4; v3 took `Mr` for the speaker).
5. Titles, nicknames and scare quotes (short quoted words with no speaker and no speech verb) are
   left out.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from warnews.annotate import sentence_spans
from warnews.clean import is_abbreviation
from warnews.lexicon.gazetteer import Knowledge
from warnews.lexicon.names import (People, bare_word, capitalized_runs, is_org_word, is_title_word, name_gender,
                                   split_title)
from warnews.lexicon.places import country_names
from warnews.lexicon.words import MONTH_PATTERN, OFFICE_WORDS, PLACE_WORDS, PRONOUNS, STOP_WORDS, TITLE_WORDS
from warnews.registry import Document, Layer, register

# The layer whose rows give a quotation's statement date.
DATES_V1 = "rule:dates_v1"
# Speech verbs and phrases, as printed in attributions (past, present, participle).
CUES = sorted("""
said says say saying added adds adding told tells telling wrote writes writing noted notes noting stated states
stating emphasized emphasised emphasizes emphasising emphasizing stressed stresses stressing warned warns warning
urged urges urging announced announces announcing declared declares declaring explained explains explaining
asked asks asking insisted insists insisting continued concluded concludes recalled recalls recalling
joked jokes tweeted tweets tweeting posted posts argued argues arguing claimed claims claiming accused accuses
accusing alleged alleges alleging described describes describing called calls calling termed terms terming
dubbed dubs mentioned mentions mentioning commented comments commenting replied replies replying responded
responds answered answers acknowledged acknowledges admitted admits suggested suggests promised promises vowed
vows threatened threatens predicted predicts cautioned cautions complained complains lamented laments blasted
criticized criticised condemned condemns welcomed welcomes hailed hails quipped added reiterated reiterates
assured assures observed observes remarked remarks affirmed affirms confirmed confirms denied denies reported
reports believes thinks thought spoke speaks expressed expresses demanded demands pledged pledges wondered
shouted exclaimed summarized summarised summed pointed cried cries maintained maintains
""".split(), key=len, reverse=True)
_CUE = "|".join(CUES)
# Phrases that may follow a cue before the quotation: `told reporters`, `said in a statement`.
_CUE_TAIL = (r"(?: (?:up|out|on Twitter|on Telegram|on Facebook|in a statement|in an interview|in a report|"
             r"in a (?:video|post|tweet|message|speech|briefing)(?: \w+)?|at a (?:press conference|briefing|news conference)|"
             r"to (?:reporters|journalists|CNN|the BBC|Reuters|AP|AFP|him|her|them|us)|"
             r"(?:reporters|journalists|CNN|Reuters|lawmakers|parliament|the \w+)|"
             r"(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?: \w+)?|"
             r"(?:earlier|later|today|yesterday|last \w+|this \w+)|that|of|as|it|them|him|her|"
             r"terms such as|for|with))*")
_ADVERB = r"(?:(?:also|later|then|previously|earlier|again|further|once again|repeatedly|recently|has|have|had|"\
          r"would|will|was|is|had also|has also|on \w+day|last \w+|this \w+|on \w+ \d+|\w+day)\s+)*"
# A period inside a name or title is no clause's end: `Mr. Rhodes`, `Sen. Tammy Baldwin`, `Harry
# M. Reid`, `the U.S. envoy`. The attribution patterns read the text with such periods masked
# (one character for one, so every offset holds) and the speaker is then taken from the text; the
# name patterns below take it as part of a word (`[\w’'\-․]`).
MASKED_PERIOD = "\u2024"
DOUBLE_OPEN, DOUBLE_CLOSE = "“«„", "”»"
SINGLE_OPEN, SINGLE_CLOSE = "‘", "’"
# A partial quotation of this many words or fewer, with no speaker and no speech verb, is taken
# for a scare quote or a name (the so-called “referendum”, the “Wagner” group).
SCARE_QUOTE_WORDS = 3
POSSESSIVES = ("its", "his", "her", "their", "our")


@dataclass
class Quotation:
    start: int  # inside the marks
    end: int
    open: int  # the opening mark
    close: int  # the closing mark, or the line end where none closes it
    kind: str = "partial"
    cue: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_name: str | None = None
    speaker_type: str | None = None  # PERSON, ORG or GROUP, where known
    # the quotation whose printed speaker this one's goes on with (`“A,” X said. “B.”`: B's is A's)
    printed: Quotation | None = field(default=None, repr=False, compare=False)


def quotation_spans(text: str) -> list[Quotation]:
    """Every quotation in the text, in order, by its marks."""
    found = []
    pos = 0
    for line in text.split("\n"):
        found += _in_line(line, pos)
        pos += len(line) + 1
    return found


# Every character the pairing below looks at; the others are skipped.
_MARK = re.compile(f"[{DOUBLE_OPEN}{DOUBLE_CLOSE}{SINGLE_OPEN}{SINGLE_CLOSE}\"']")


def _in_line(line: str, offset: int) -> list[Quotation]:
    found, opened, single, depth = [], None, None, 0
    for mark in _MARK.finditer(line):
        i, ch = mark.start(), mark.group()
        before = line[i - 1] if i else " "
        after = line[i + 1] if i + 1 < len(line) else " "
        if ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE or ch == '"':
            single = None  # single quotes inside a double quotation belong to it
            opens = ch in DOUBLE_OPEN or (ch == '"' and opened is None and not after.isspace()) or (
                ch in DOUBLE_CLOSE and opened is None and after.isalpha() and not before.isalnum())
            if opened is None and opens:
                opened, depth = i, 0
            elif opened is not None and ch in DOUBLE_OPEN:
                depth += 1  # “…“might makes right”…”: a quotation inside the quotation
            elif opened is not None and depth and ch in DOUBLE_CLOSE:
                depth -= 1
            elif opened is not None:
                found.append(_make(line, offset, opened, i))
                opened = None
        elif opened is None and ch in SINGLE_OPEN + "'" and not before.isalnum() and after.isalnum():
            single = i if ch == SINGLE_OPEN or single is None else single
        elif opened is None and single is not None and ch in SINGLE_CLOSE + "'" and not after.isalnum():
            if before.isalnum() or before in ".,!?":
                found.append(_make(line, offset, single, i))
                single = None
    if opened is not None and line[opened + 1:].strip():  # open at the line end: it ends there
        found.append(_make(line, offset, opened, len(line.rstrip())))
    return [q for q in found if q.start < q.end]


def _make(line: str, offset: int, opened: int, closed: int) -> Quotation:
    inner = line[opened + 1:closed]
    start = opened + 1 + (len(inner) - len(inner.lstrip()))
    end = closed - (len(inner) - len(inner.rstrip()))
    return Quotation(offset + start, offset + end, offset + opened, offset + closed)


# --- attribution ----------------------------------------------------------------------------

_NP = r"(?P<np>[^\s“”\"«»]+(?: [^\s“”\"«»]+){0,9})"
_AFTER_SUBJECT_CUE = re.compile(
    rf"^[,.!?…]?[”\"»’']?\s*(?:[-–—]\s*)?(?P<who>[^,.;:!?“”\"«»\n]{{1,80}}?)(?P<appos>, [^,“”\"\n]{{3,80}},)? "
    rf"{_ADVERB}(?P<cue>{_CUE})\b")
_AFTER_CUE_SUBJECT = re.compile(
    rf"^[,.!?…]?[”\"»’']?\s*(?:[-–—]\s*)?(?P<cue>{_CUE})(?: (?:on|in|at) [A-Z]?\w+)? "
    r"(?P<who>(?:the |a |an )?[A-Z][^,.;:!?“”\"«»\n]{0,80}?)(?=[,.;:!?]|$| in | on | at | to | who )"
    r"(?:, (?P<appos>[A-Z][\w’'\-․]+(?: [A-Z][\w’'\-․]+){1,3})(?=[,.;]|$))?")
_AFTER_ACCORDING = re.compile(r"^[,.]?[”\"»’']?\s*(?P<cue>according to) (?P<who>[^,.;:!?“”\"\n]{1,80}?)(?=[,.;:!?]|$)")
_BEFORE = re.compile(
    rf"(?P<who>[^,.;:!?“”\"«»\n]{{1,80}}?)(?P<appos>, [^,“”\"\n]{{3,80}},)? {_ADVERB}(?P<cue>{_CUE}){_CUE_TAIL}"
    r"\s*[:,]?\s*$")
_BEFORE_ACCORDING = re.compile(r"(?P<cue>[Aa]ccording to) (?P<who>[^,.;:!?“”\"\n]{1,80}?),?\s*$")
_IN_SENTENCE = re.compile(rf"\b(?P<cue>{_CUE})\b")


# Words between a subject and its speech verb: `The ministry has also called`, `X on Monday said`.
_AUXILIARIES = re.compile(r"(?:,? (?:also|later|then|previously|earlier|again|further|repeatedly|recently|has|have|"
                          r"had|on \w+day|last \w+|this \w+|\w+day|on \w+ \d+|in \w+ \d+))+$")


@dataclass(frozen=True)
class _Said:
    """Someone the text has shown speaking (or acting as a sentence's subject) at `pos`."""

    pos: int
    name: str
    type: str | None


def salient_speakers(text: str, people: People, demonyms: frozenset[str]) -> list[_Said]:
    """Subjects of speech verbs (`X said`, `said X`, `was summarised by X`), and people named at
    the start of a sentence, in text order: what a later `he`, `it` or `the Belarusian leader`
    most likely points back to."""
    found = []
    for m in _IN_SENTENCE.finditer(text):
        if m.group("cue").endswith("ing"):
            continue  # a participle, whose subject is the sentence's
        if text.startswith(" by ", m.end()) or _INVERTED.match(text, m.end()):  # the agent, after the verb
            agent = _INVERTED.match(text, m.end() + 3 if text.startswith(" by ", m.end()) else m.end())
            span = _np_span(agent.group(1)) if agent else None
            if span is not None:
                found += _said(agent.group(1)[span[0]:span[1]], m.start(), people, demonyms)
            continue
        start = _sentence_start(text, m.start(), text.rfind("\n", 0, m.start()) + 1)
        span = _np_span(_AUXILIARIES.sub("", text[start:m.start()].rstrip()))
        if span is not None:
            found += _said(text[start + span[0]:start + span[1]], m.start(), people, demonyms)
    for m in re.finditer(r"(?:^|(?<=[.!?]\s)|(?<=\n))([A-Z][\w’'\-․]+(?: [A-Z][\w’'\-․]+){0,3})(?= [a-z])", text):
        name, kind = _resolve_name(m.group(1), people, m.start(), demonyms)
        if kind == "PERSON":
            found.append(_Said(m.start(), name, kind))
    return sorted(found, key=lambda said: said.pos)


# A name right after a speech verb (`- said Lijian.`) or its `by` (`was summarised by the former
# ambassador Ivo Daalder.`), up to the clause's end.
_INVERTED = re.compile(r" ((?:the [\w’'.\-․ ]{0,60}?|[A-Z][\w’'.\-․ ]{0,60}?)[A-Z][\w’'\-․]+)(?=[,.;:!?]|$)", re.M)


def _said(printed: str, at: int, people: People, demonyms: frozenset[str]) -> list[_Said]:
    """The speaker `printed` at `at` if it names someone (not a pronoun or a description)."""
    runs = list(capitalized_runs(printed))
    if runs and runs[-1][1] == len(printed) and runs[-1][0] > 0:  # `Ukraine’s nuclear operator Energoatom`
        printed = runs[-1][2]
    first, _, rest = printed.partition(" ")
    if printed.lower() in PRONOUNS or first.lower() in ("a", "an", *POSSESSIVES) or (
            first.lower() == "the" and not rest[:1].isupper()):
        return []  # a pronoun or a description; `The Ukrainian Foreign Ministry` is a name
    name, kind = _resolve_name(printed, people, at, demonyms)
    return [_Said(at, name, kind)] if name else []


def attribute(text: str, quotes: list[Quotation], people: People, demonyms: frozenset[str],
              salient: list[_Said]) -> None:
    """Fill in each quotation's cue, kind and speaker (as printed and resolved); `salient` is
    the text's salient_speakers."""
    previous: Quotation | None = None
    for q in quotes:
        paragraph_start = text.rfind("\n", 0, q.open) + 1
        paragraph_end = _line_end(text, q.close)
        sentence_start = _sentence_start(text, q.open, paragraph_start)
        after = text[q.close + 1:paragraph_end]
        before = text[sentence_start:q.open]
        ends_sentence = text[q.start:q.end].rstrip()[-1:] in ".!?…"
        found = (_match_after(after, q.close + 1, ends_sentence) or _match_before(text, before, sentence_start)
                 or _match_in_sentence(text, before, sentence_start)
                 or (None if ends_sentence else _match_sentence_end(text, q.close + 1, paragraph_end, quotes)))
        if found is not None:
            q.cue, who = found
            if who is not None:
                q.speaker_start, q.speaker_end = _name_part(text, who, demonyms)
                q.speaker_text = text[q.speaker_start:q.speaker_end]
        q.kind = _kind(text, q, before)
        same_sentence = previous is not None and previous.close >= sentence_start
        nearby = previous is not None and text.count("\n\n", previous.close, q.open) <= 1
        # a quotation with no attribution goes on with the previous speaker, unless someone else
        # was shown speaking (or opened a sentence) since (`Sydorenko is convinced … “…”`)
        other = previous is not None and any(previous.close < said.pos < q.open and said.type == "PERSON" and
                                             said.name != previous.speaker_name for said in salient)
        continues = found is None and nearby and not (other and not same_sentence) and (
            q.kind == "direct" or len(text[q.start:q.end].split()) > SCARE_QUOTE_WORDS)
        if q.speaker_text is None and previous is not None and previous.speaker_name and (same_sentence or continues):
            q.speaker_name, q.speaker_type = previous.speaker_name, previous.speaker_type
            q.printed = previous if previous.speaker_text is not None else previous.printed
            if found is None and same_sentence:
                q.cue = previous.cue
        elif q.speaker_text is not None:
            q.speaker_name, q.speaker_type = _resolve(q, people, salient, demonyms)
        elif q.kind == "direct":  # no attribution: the person the text was just speaking of
            recent = [said for said in salient if q.open - 600 < said.pos < q.open and said.type == "PERSON"]
            if recent:
                q.speaker_name, q.speaker_type = recent[-1].name, "PERSON"
        if q.speaker_name:
            salient = sorted(salient + [_Said(q.open, q.speaker_name, q.speaker_type)], key=lambda said: said.pos)
            previous = q
        elif previous is not None and q.open > previous.close and found is not None:
            previous = q
    _continued_paragraphs(text, quotes)
    _same_words_same_speaker(text, quotes)


def _continued_paragraphs(text: str, quotes: list[Quotation]) -> None:
    """A quotation left open at its paragraph's end, with no attribution of its own, goes on in
    the next paragraph's opening quotation and has its speaker (the attribution of a quotation
    running over several paragraphs comes in the last one)."""
    for q, r in reversed(list(zip(quotes, quotes[1:]))):
        unclosed = q.close >= len(text) or text[q.close] not in DOUBLE_CLOSE + SINGLE_CLOSE + "\"'"
        between = text[q.close:r.open]
        if unclosed and q.speaker_text is None and r.speaker_name and "\n" in between and not between.strip():
            q.speaker_name, q.speaker_type = r.speaker_name, r.speaker_type
            q.printed = r if r.speaker_text is not None else r.printed


def _words(quoted: str) -> str:
    return " ".join(re.findall(r"\w+", quoted.lower()))


def _same_words_same_speaker(text: str, quotes: list[Quotation]) -> None:
    """A quotation with no attribution of its own whose words another quotation of the text repeats with a
    speaker (a headline's ‘this week’ and the body's “this week”, “Disaster for the region” and
    “it would be a disaster for the region”) has that speaker: the nearest such quotation. Words
    repeated inside a longer quotation count from three words up."""
    padded = [f" {_words(text[q.start:q.end])} " for q in quotes]  # each quotation's words, once
    for q, mine in zip(quotes, padded):
        if q.speaker_text is not None or q.cue is not None or not mine.strip():
            continue
        same = [r for r, theirs in zip(quotes, padded) if r is not q and r.speaker_name and (
            theirs == mine or mine.count(" ") >= 4 and mine in theirs)]  # three words or more inside a longer one
        if same:
            nearest = min(same, key=lambda r: abs(r.open - q.open))
            q.speaker_name, q.speaker_type = nearest.speaker_name, nearest.speaker_type


def _name_part(text: str, span: tuple[int, int], demonyms: frozenset[str]) -> tuple[int, int]:
    """`Jens Stoltenberg` out of `NATO Secretary General Jens Stoltenberg`: the name nearest the
    quotation, where a title stands before a full name."""
    phrase = text[span[0]:span[1]]
    runs = list(capitalized_runs(phrase))
    if not runs:
        return span
    s, e, run = runs[-1]
    title, name = split_title(run, demonyms)
    if (title or s > 0) and len(name.split()) >= 2 and e == len(phrase.rstrip(".,")):
        start = span[0] + s + run.rfind(name)
        return start, start + len(name)
    return span


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


_SENTENCE_END = re.compile(r"[.!?…]+[”\"’']?(?:\s+|(?=[A-Z“\"]))")


@lru_cache(maxsize=4)
def _sentence_ends(text: str) -> tuple[list[int], list[int]]:
    """(where each sentence-ending mark starts, where the next sentence starts), computed once per
    text: a transcript can be one line of 100,000 characters."""
    marks, starts = [], []
    for m in _SENTENCE_END.finditer(text):
        word = re.search(r"(\w+)$", text[max(0, m.start() - 40):m.start()])
        if m.group().startswith(".") and word and (is_abbreviation(word.group(1)) or len(word.group(1)) == 1):
            continue
        marks.append(m.start())
        starts.append(m.end())
    return marks, starts


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """Where the sentence holding `pos` starts (not before `floor`): after . ! ? and space, or
    glued (`edge.He`), outside quotation marks; not after an abbreviation (`Feb. 24`) or an initial."""
    marks, starts = _sentence_ends(text)
    i = bisect.bisect_left(marks, pos) - 1
    return max(floor, min(starts[i], pos)) if i >= 0 and marks[i] >= floor else floor


_CLAUSE_END = re.compile(rf"{_CUE_TAIL}\s*(?:[.,;:!?…]|$)")


def _match_after(after: str, offset: int, ends_sentence: bool):
    """`”, X said` or `” said X`. After a quotation that ends its sentence (`…edge.” He
    emphasized that …`), or whose sentence ends right after it (`“…”. Sunak says that …`), only a
    clause that ends with its speech verb is an attribution."""
    ends_sentence = ends_sentence or re.match(r"[”\"»’']?[.!?]", after) is not None
    m = _AFTER_SUBJECT_CUE.match(after)
    if m and ends_sentence and not _CLAUSE_END.match(after, m.end()):
        m = None
    if m and m.group("appos") and _is_name(m.group("appos").strip(", ")) and \
            not m.group("who").strip().lower().startswith(("and ", "but ")):  # `”, Lithuania’s president, Gitanas Nauseda, said`
        inner = m.group("appos").strip(", ")
        start = offset + m.start("appos") + m.group("appos").find(inner)
        return m.group("cue"), (start, start + len(inner))
    if m and _np_span(m.group("who")) is not None and not m.group("who").strip().lower().startswith(("and ", "but ")):
        span = _np_span(m.group("who"))
        return m.group("cue"), (offset + m.start("who") + span[0], offset + m.start("who") + span[1])
    m = _AFTER_CUE_SUBJECT.match(after) or _AFTER_ACCORDING.match(after)
    if m and ends_sentence and m.group("cue") != "according to" and not re.match(r"^[”\"»’']?\s*[-–—]", after) and \
            not re.match(r"^[”\"»’']?\s*[a-z]", after):
        m = None  # `….” Said X` would be odd; `” said X` needs the quotation's own sentence to go on
    if m:
        appos = m.groupdict().get("appos")
        if appos and _is_name(appos):  # `” said Ukraine’s prosecutor general, Andriy Kostin.`
            return m.group("cue"), (offset + m.start("appos"), offset + m.end("appos"))
        span = _np_span(m.group("who"), leading=True)
        if span is not None:
            return m.group("cue"), (offset + m.start("who") + span[0], offset + m.start("who") + span[1])
        return m.group("cue"), None
    return None


_SENTENCE_END_ATTRIBUTION = re.compile(
    rf", (?P<who>(?:the |a |an )?[^,.;:!?“”\"«»\n]{{1,60}}?) {_ADVERB}(?P<cue>{_CUE}){_CUE_TAIL}\s*[.!?]")


_ACCORDING_LATER = re.compile(r"\baccording to (?P<who>(?:the )?[A-Z][\w’'\-․]*(?: (?:of |the |for )?[A-Z][\w’'\-․]*){0,5})")


def _match_sentence_end(text: str, start: int, paragraph_end: int, quotes: list[Quotation]):
    """`… have “held steady” and … “remained high”, the IMF said.`, `… “robustness”… within
    Russia, according to Petya Koeva Brooks.`: an attribution later in the quotation's sentence,
    other quotations in it skipped."""
    masked = list(text[start:paragraph_end])
    for q in quotes:  # the sentence's end is outside quotation marks
        for i in range(max(q.open, start), min(q.close + 1, paragraph_end)):
            masked[i - start] = "_"
    end = re.search(r"[.!?](?:\s|$)", "".join(masked))
    stop = start + end.end() if end else paragraph_end
    later = _ACCORDING_LATER.search(text, start, stop)
    if later and "_" not in "".join(masked[later.start() - start:later.end() - start]):
        return "according to", (later.start("who"), later.end("who"))
    for m in _SENTENCE_END_ATTRIBUTION.finditer(text, start, stop):
        if m.end() >= stop - 1 and "_" not in "".join(masked[m.start() - start:m.end() - start]):
            span = _np_span(m.group("who"))
            if span is not None:
                return m.group("cue"), (m.start("who") + span[0], m.start("who") + span[1])
    return None


def _match_before(text: str, before: str, offset: int):
    m = _BEFORE.search(before) or _BEFORE_ACCORDING.search(before)
    if not m:
        return None
    appos = m.groupdict().get("appos")
    if appos:  # `Ukraine’s prosecutor general, Andriy Kostin, said`: the name
        named = _np_span(appos.strip(", "))
        inner = appos.strip(", ")
        if named and _is_name(inner[named[0]:named[1]]):
            start = offset + m.start("appos") + appos.find(inner) + named[0]
            return m.group("cue"), (start, start + named[1] - named[0])
    span = _np_span(m.group("who"))
    if span is None:
        return None
    return m.group("cue"), (offset + m.start("who") + span[0], offset + m.start("who") + span[1])


_NOUN_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Tt]hese|[Tt]hose|[Tt]his|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir|[Oo]ur|[Ss]uch|of|using)\s+$")


def _match_in_sentence(text: str, before: str, offset: int):
    """The nearest speech verb before the quotation in its sentence, with its subject; a
    participle (`adding`, `calling them`) takes the subject of the verb before it, or of its
    sentence (`Russia responded, calling them “hysteria”`), unless it has its own (`with a
    commander telling CNN “…”`); `is urging` is no participle."""
    cues = [m for m in _IN_SENTENCE.finditer(before) if not before.startswith(" by ", m.end())  # not passive
            and not _NOUN_BEFORE.search(before, 0, m.start())]  # `these reports`: a noun
    participle = None
    for m in reversed(cues):
        cue = participle or m.group("cue")
        head = before[:m.start()].rstrip()
        head = _AUXILIARIES.sub("", head)
        if m.group("cue").endswith("ing"):
            progressive = re.search(r"\b(?:is|are|was|were|been|be)$", head)
            own = re.search(r"\bwith ([^,]{2,80})$", head)
            if progressive:
                head = _AUXILIARIES.sub("", head[:progressive.start()].rstrip())
            elif own and _np_span(own.group(1)) == (0, len(own.group(1))):
                return cue, (offset + own.start(1), offset + own.end(1))
            else:
                participle = participle or m.group("cue")
                continue
        relative = re.search(r",? (?:who|which|that)$", head)  # `Nikki Haley who tweeted “…”`
        if relative:
            head = head[:relative.start()]
            described = re.search(r", [^,]{3,200}$", head)  # `A Wess Mitchell, a former official, who maintains`
            named = _np_span(head[:described.start()]) if described else None
            if named and _is_name(head[named[0]:named[1]]):
                return cue, (offset + named[0], offset + named[1])
        appositive = re.search(r", ([^,]{3,200}),$", head)  # between subject and verb
        if appositive:
            named = _np_span(appositive.group(1))
            head = head[:appositive.start()]
            if named and _is_name(appositive.group(1)[named[0]:named[1]]) and not _is_name(head.split()[-1] if head.split() else ""):
                return cue, (offset + appositive.start(1) + named[0], offset + appositive.start(1) + named[1])
        elif head.endswith(","):  # `He gave comments on X, emphasized “…”`: the sentence's subject
            return cue, _sentence_subject(before, offset)
        span = _np_span(head)
        if span is not None:
            return cue, (offset + span[0], offset + span[1])
        return cue, None
    return (participle, _sentence_subject(before, offset)) if participle else None


_SUBJECT_AT_START = re.compile(
    r"\s*(?:[A-Z][a-z]+ \w+, )?(He|She|They|It|We|I|[A-Z][\w’'\-․]+(?: [A-Z][\w’'\-․]+){0,3})\b")


def _sentence_subject(before: str, offset: int) -> tuple[int, int] | None:
    """A pronoun or capitalized name opening the sentence (after a short adverbial)."""
    subject = _SUBJECT_AT_START.match(before)
    return (offset + subject.start(1), offset + subject.end(1)) if subject else None


def _np_span(chunk: str, leading: bool = False) -> tuple[int, int] | None:
    """The noun phrase naming a speaker at the end of `chunk` (or at its start, `leading`):
    a pronoun, a capitalized name, or a description opened by a determiner. Its span in chunk."""
    stripped = chunk.rstrip(" ,")
    if leading:
        m = re.match(r"\s*((?:the |a |an )?[\w’'.\-․ ]+)", stripped)
        if not m:
            return None
        phrase = m.group(1).strip()
        start = chunk.find(phrase)
        return (start, start + len(phrase)) if _is_np(phrase) else None
    tokens = list(re.finditer(r"[^\s]+", stripped))
    if not tokens:
        return None
    last = tokens[-1].group().strip(",")
    if last.lower() in PRONOUNS:
        return tokens[-1].start(), tokens[-1].start() + len(last)
    # walk back over the phrase: stop at a stop word, a comma or a quotation mark
    first = len(tokens)
    for k in range(len(tokens) - 1, -1, -1):
        word = tokens[k].group()
        bare = word.strip(".,’'").lower()
        if word.endswith(",") and k != len(tokens) - 1 or any(c in word for c in "“”\"«»") or not any(
                c.isalnum() for c in word) or (
                bare in STOP_WORDS and bare not in POSSESSIVES):
            break
        first = k
        # `A` is an article before a lower-case word (`A senior official`), an initial or a letter
        # before a capitalized one or at the end (`A Wess Mitchell`, `Agency A`)
        article = bare in ("the", "a", "an") and k != len(tokens) - 1 and (
            word[0].islower() or bare == "the" or tokens[k + 1].group()[0].islower())
        if article and not (k > 0 and tokens[k - 1].group().lower() == "of") or \
                bare in POSSESSIVES or re.search(r"\w[’']s$", word) or k < len(tokens) - 10:
            break
    phrase_tokens = tokens[first:]
    # a lower-case start without a determiner: keep the capitalized tail (`minister Ben Wallace`)
    while phrase_tokens and phrase_tokens[0].group()[0].islower() and phrase_tokens[0].group().lower() not in (
            "the", "a", "an", *POSSESSIVES) and any(t.group()[0].isupper() for t in phrase_tokens[1:]):
        phrase_tokens = phrase_tokens[1:]
    if not phrase_tokens:
        return None
    start, end = phrase_tokens[0].start(), phrase_tokens[-1].end()
    phrase = stripped[start:end].rstrip(",.")
    return (start, start + len(phrase)) if _is_np(phrase) else None


def _is_name(phrase: str) -> bool:
    tokens = phrase.split()
    return 2 <= len(tokens) <= 4 and all(t[0].isupper() or t.lower() in ("de", "van", "von", "der", "le", "al")
                                         for t in tokens)


def _is_np(phrase: str) -> bool:
    tokens = phrase.split()
    if not tokens or len(tokens) > 10:
        return False
    if tokens[0].lower() in PRONOUNS and len(tokens) == 1:
        return True
    if tokens[0].lower() in ("the", "a", "an", *POSSESSIVES) or re.search(r"\w[’']s$", tokens[0]):
        return len(tokens) > 1
    return tokens[0][0].isupper() and not tokens[0].lower() in STOP_WORDS


def _kind(text: str, q: Quotation, before: str) -> str:
    """direct when the quoted words make a sentence of their own, partial inside the outlet's."""
    quoted = text[q.start:q.end]
    if not quoted[:1].isupper() and not quoted[:1].isdigit() and quoted[:1] not in "[.…":
        return "partial"
    lead = before.rstrip()
    opens_sentence = not lead or lead[-1] in ".!?:…\"”’" or re.search(
        rf"\b(?:{_CUE})\b{_CUE_TAIL},?$", lead) is not None
    words = len(quoted.split())
    return "direct" if opens_sentence and (words >= 2 or quoted.rstrip()[-1:] in ".!?") or (
        words >= 6 and quoted.rstrip()[-1:] in ".!?,") else "partial"


# Heads of descriptions that name a person (`the Belarusian leader`) or an organisation (`the ministry`).
PERSON_HEADS = frozenset("leader head president minister spokesman spokeswoman spokesperson chief official diplomat "
                         "representative mp "
                         "envoy premier chancellor secretary general commander pontiff speaker ambassador governor "
                         "mayor founder ceo director chairman chairwoman prosecutor negotiator adviser advisor "
                         "analyst economist king queen pope".split())
ORG_HEADS = frozenset("ministry council government agency office department committee service army administration "
                      "embassy court commission company operator kremlin parliament military authorities statement "
                      "bank fund union alliance presidency".split())


_OTHER_GENDER = {"he": "female", "she": "male"}


def _latest(salient: list[_Said], before: int, kinds: tuple, pronoun: str = "") -> _Said | None:
    """The last salient speaker before `before` of one of `kinds`; for `he` or `she`, not one whose
    first name is the other gender's."""
    for said in reversed(salient):
        if said.pos < before and said.type in kinds and not (
                pronoun in _OTHER_GENDER and said.type == "PERSON" and name_gender(said.name) == _OTHER_GENDER[pronoun]):
            return said
    return None


def _resolve_name(printed: str, people: People, at: int, demonyms: frozenset[str]) -> tuple[str | None, str | None]:
    """A printed name (with or without a title) -> the fullest name and PERSON or ORG."""
    printed = _unmasked(printed)  # `Mr. Rhodes` is read as printed: a title and a name
    bare = printed[4:] if printed.lower().startswith("the ") else printed
    runs = [r for _, _, r in capitalized_runs(printed)]
    if not runs or runs[-1] != bare.rstrip(".,"):
        return None, None
    run = runs[-1]
    title, name = split_title(run, demonyms)
    if not name and run.split()[-1].lower().strip(".,") in OFFICE_WORDS:  # `Naftogaz CEO`: an office, not its organisation
        role = people.by_role(run, at)
        return (role, "PERSON") if role else (None, None)
    if any(is_org_word(t) for t in run.split()) and len(name.split()) < 2:  # `Agency A`, `Foreign Ministry`
        return people.acronyms.get(run, run), "ORG"
    if name and not any(is_org_word(t) for t in name.split()) and name not in country_names() and not any(
            bare_word(t) in PLACE_WORDS for t in run.split()):
        fuller = people.fullest(name, at)
        if fuller or len(name.split()) > 1 or title and any(w.lower().strip(".") in TITLE_WORDS for w in title.split()):
            return fuller or name, "PERSON"
        return name, None  # one word and no fuller name: a person or an organisation (`Gazprom`)
    role = people.by_role(run, at) if title else None
    if role:
        return role, "PERSON"
    if any(is_org_word(t) for t in run.split()) or not title:
        return people.acronyms.get(run, run), "ORG"
    return None, None


def _resolve(q: Quotation, people: People, salient: list[_Said],
             demonyms: frozenset[str]) -> tuple[str | None, str | None]:
    """The fullest name the document gives the printed speaker, and whether it is a person. A
    pronoun is the last speaker before it; where that speaker's first name is of the other gender
    than `he` or `she`, the person of its gender named last."""
    printed = _unmasked(q.speaker_text).strip()
    lower = printed.lower()
    if lower in PRONOUNS:
        wanted = {"PERSON": ("PERSON",), "ORG": ("ORG", None), "GROUP": ("PERSON", "ORG", None)}[PRONOUNS[lower]]
        said = _latest(salient, q.open, wanted)
        if said is not None and lower in _OTHER_GENDER and name_gender(said.name) == _OTHER_GENDER[lower]:
            named = people.latest_person(q.open, _OTHER_GENDER[lower])
            said = _Said(q.open, people.fullest(named, q.open) or named, "PERSON") if named else _latest(
                salient, q.open, wanted, lower)
        if said is not None:
            return said.name, said.type
        if PRONOUNS[lower] == "PERSON":
            latest = people.latest_person(q.open, _OTHER_GENDER.get(lower))
            return (latest, "PERSON") if latest else (None, None)
        return None, None
    if lower.split()[0] in ("a", "an"):
        return printed, None  # an unnamed speaker keeps its description
    name, kind = _resolve_name(printed, people, q.open, demonyms)
    if name:
        return name, kind
    bare = printed[4:] if lower.startswith("the ") else printed
    # a description: a role printed with a name, an earlier speaker, an organisation, or itself
    role = people.by_role(printed, q.open)
    if role:
        return role, "PERSON"
    words = {w.strip(".,’'").lower() for w in printed.split()}
    head = re.split(r" of | for | at | in ", printed)[0].split()[-1].strip(".,").lower()  # `the head of the ministry`
    if head in PERSON_HEADS:
        words = {head}
    if head in ORG_HEADS or words & ORG_HEADS and not words & PERSON_HEADS:
        org = people.org_with(head, q.open)
        if org:
            return people.acronyms.get(org, org), "ORG"
        said = _latest(salient, q.open, ("ORG", None)) if lower.startswith("the ") and head in (
            "operator", "statement", "company", "agency") else None
        if said is not None:
            return said.name, "ORG"
        return (bare if bare[:1].isupper() else printed), "ORG"
    if words & PERSON_HEADS and lower.startswith(("the ", *POSSESSIVES)) or re.match(r"\w+[’']s ", lower):
        said = _latest(salient, q.open, ("PERSON",))
        if said is not None:
            return said.name, "PERSON"
        latest = people.latest_person(q.open)
        if latest:
            return latest, "PERSON"
    return (bare if bare[:1].isupper() else printed), None


def keep(text: str, q: Quotation) -> bool:
    """A quotation reports speech unless it has no speaker and no speech verb and looks like a
    name, a title or a scare quote: a few words in title case (the “Red War” film, the “Wagner”
    group), or a few words after `so-called`, `dubbed`, `named` or `known as`."""
    if q.cue is not None or q.speaker_name is not None or q.kind == "direct":
        return True
    quoted = text[q.start:q.end]
    tokens = quoted.split()
    if len(tokens) > SCARE_QUOTE_WORDS:
        return True
    lead = text[max(0, q.open - 20):q.open].lower()
    if re.search(r"(?:so-called|so called|dubbed|named|known as|titled|entitled|called)\s*$", lead):
        return False
    return not all(t[:1].isupper() or t.lower() in ("of", "the", "and", "in", "for") for t in tokens)


_WORD_PERIOD = re.compile(r"\b([A-Za-z]+)\.(?=\s+[A-Z])")
_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}")


def mask_periods(text: str) -> str:
    """The text with the periods of abbreviations before a capital, of initials after a first name
    or another initial (`Harry M. Reid`, `J. K. Rowling`, but not `Agency A. According`), and of
    acronyms (the last one only before a lower-case word), replaced by MASKED_PERIOD."""
    chars = list(text)
    for m in _WORD_PERIOD.finditer(text):
        word = m.group(1)
        if len(word) == 1 and word.isupper():
            before = re.search(r"(\w+)(\.?) $", text[max(0, m.start() - 30):m.start()])
            if before and (before.group(2) and (len(before.group(1)) == 1 or _is_title_abbreviation(before.group(1)))
                           or not before.group(2) and before.group(1)[0].isupper() and name_gender(before.group(1))):
                chars[m.end() - 1] = MASKED_PERIOD
        elif _is_title_abbreviation(word):  # not `Jr.`, `Inc.`, `Dec.`, which may end a sentence
            chars[m.end() - 1] = MASKED_PERIOD
    for m in _ACRONYM.finditer(text):
        last = m.end() - 1
        for i in range(m.start() + 1, last, 2):
            chars[i] = MASKED_PERIOD
        if re.match(r"\s+[a-z]", text[m.end():m.end() + 3]):
            chars[last] = MASKED_PERIOD
    return "".join(chars)


def _is_title_abbreviation(word: str) -> bool:
    """`Mr`, `Sen`, `Gen`: an abbreviated title, which a name follows."""
    return is_abbreviation(word) and is_title_word(word)


def _unmasked(value: str | None) -> str | None:
    return value.replace(MASKED_PERIOD, ".") if value else value


def attributed(text: str, demonyms: frozenset[str]) -> tuple[list[Quotation], People, list[_Said]]:
    """Every quotation of the text with its attribution (titles and scare quotes left out), the
    people the text names and its salient speakers."""
    masked = mask_periods(text)
    people = People.of(text, demonyms)
    quotes = quotation_spans(text)
    salient = salient_speakers(masked, people, demonyms)
    attribute(masked, quotes, people, demonyms, salient)
    for q in quotes:  # names are resolved from the printed words unmasked (_resolve_name)
        if q.speaker_start is not None:
            q.speaker_text = text[q.speaker_start:q.speaker_end]
    return [q for q in quotes if keep(text, q)], people, salient


def find_quotations(text: str, demonyms: frozenset[str] = frozenset()) -> list[Quotation]:
    return attributed(text, demonyms)[0]


# --- indirect speech ------------------------------------------------------------------------
# `X confirmed that …`, `According to X, …`, `…, according to X.`: one row for the reported
# clause of a sentence that no quotation mark opens.

INDIRECT_CUES = ("said", "says", "stated", "noted", "emphasized", "stressed", "confirmed", "reported", "announced",
                 "urged", "warned", "claimed", "argued", "added", "declared", "denied", "insisted", "explained")
_SUBJECT = r"(?P<who>(?:[Tt]he )?[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,5}|[Tt]he [a-z]+(?: [a-z]+)?|[Hh]e|[Ss]he|[Tt]hey)"
_APPOSITIVE = r"(?P<appos>, [^,“”]{3,80},| \([^()]{3,80}\))?"
_ACCORDING_AFTER = re.compile(rf"(?P<content>[^“”]+?), according to {_SUBJECT}{_APPOSITIVE}\s*[.!?]?$")
_ACCORDING_BEFORE = re.compile(rf"According to {_SUBJECT}{_APPOSITIVE}, (?P<content>[^“\"].*?)\s*[.!?]?$")
_INDIRECT = re.compile(
    rf"(?:(?:On|In|At|By) [^,]{{3,40}}, |That same day, |Earlier, |Later, )?{_SUBJECT}{_APPOSITIVE} (?:also )?"
    rf"(?P<cue>{'|'.join(INDIRECT_CUES)})(?: on {MONTH_PATTERN} \d{{1,2}})?(?: (?P<obj>[A-Z][a-z]+))?"
    r"(?: that)?,?(?: according to [^,]{3,60},)? (?P<content>[^“\"].*?)"
    r"(?:, [A-Z][\w.]* (?:reports|reported|said)\b[^.]*)?\s*[.!?]?$")


def indirect_speech(text: str, quotes: list[Quotation], people: People, demonyms: frozenset[str],
                    salient: list[_Said]) -> list[Quotation]:
    found = []
    salient = list(salient)
    for q in quotes:
        if q.speaker_name:
            salient.append(_Said(q.open, q.speaker_name, q.speaker_type))
    salient.sort(key=lambda said: said.pos)
    for s, e in sentence_spans(text):
        if any(q.open <= s <= q.close for q in quotes if q.kind != "indirect"):
            continue  # a sentence inside a quotation is the speaker's, not reported speech
        m = _INDIRECT.match(text, s, e) or _ACCORDING_BEFORE.match(text, s, e) or _ACCORDING_AFTER.match(text, s, e)
        if m is None:
            continue
        body = text[m.start("content"):m.end("content")].rstrip(" ,")
        if len(body.split()) < 3 or body.split()[0] in ("so", "this", "it", "in", "on", "at", "nothing", "something"):
            continue  # `It said so in a statement`: no clause is reported
        start = m.start("content")
        q = Quotation(start, start + len(body), start, start + len(body), kind="indirect",
                      cue=m.groupdict().get("cue") or "according to")
        who = text[m.start("who"):m.end("who")]
        span = _np_span(re.sub(r"\s+(?:also|later|then|again)$", "", who)) or (0, len(who))
        q.speaker_start, q.speaker_end = _name_part(text, (m.start("who") + span[0], m.start("who") + span[1]), demonyms)
        q.speaker_text = text[q.speaker_start:q.speaker_end]
        q.speaker_name, q.speaker_type = _resolve(q, people, salient, demonyms)
        found.append(q)
    return found


# --- the layer ------------------------------------------------------------------------------

QUOTES_V4 = "rule:quotes_v4"


def _speaker_role(text: str, q: Quotation) -> str | None:
    """The title printed before the speaker's name in the attribution (`Kremlin spokesman`)."""
    if q.speaker_start is None:
        return None
    m = re.search(r"((?:[A-Z][\w’'\-․]*|[a-z]+)(?: (?:[A-Z][\w’'\-․]*|of|the|[a-z]+)){0,5}) $",
                  text[max(0, q.speaker_start - 60):q.speaker_start])
    if not m:
        return None
    words = m.group(1).split()
    while words and (words[0].lower() in STOP_WORDS or words[0].lower() in ("the", "a", "an", *POSSESSIVES)):
        words = words[1:]
    role = " ".join(words)
    return role if role and any(w.lower().strip(".,") in TITLE_WORDS for w in words) else None


def quotes_v4(doc: Document, knowledge: Knowledge, upstream: dict[str, list[dict]]) -> list[dict]:
    text = doc.text
    quotes, people, salient = attributed(text, knowledge.demonyms)
    quotes += indirect_speech(text, quotes, people, knowledge.demonyms, salient)
    sentences = sentence_spans(text)
    dates = upstream[DATES_V1]
    forms = knowledge.gazetteer.forms
    rows = []
    for q in sorted(quotes, key=lambda q: (q.start, q.end)):
        sentence = next(((s, e) for s, e in sentences if s <= q.start < e), (q.start, q.end))
        said = [d for d in dates if sentence[0] <= d["start"] < sentence[1] and not q.start <= d["start"] < q.end]
        linked = forms.get(q.speaker_name or "")
        rows.append({
            "start": q.start, "end": q.end, "kind": q.kind,
            "speaker_entity_ids": [linked[0]] if linked and linked[1] in ("PERSON", "ORG", "GPE") else [],
            "speaker_text": q.speaker_text, "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
            "speaker_name": q.speaker_name, "speaker_role": _speaker_role(text, q), "cue": q.cue,
            "reported_by_entity_id": None, "source_id": None,
            "statement_date": said[0]["value"] if said else None,
            "statement_date_precision": said[0]["precision"] if said else "unknown",
            "statement_date_basis": "explicit" if said else None})
    return rows


register(Layer(QUOTES_V4, "quotes", quotes_v4, reads=(DATES_V1,)))
