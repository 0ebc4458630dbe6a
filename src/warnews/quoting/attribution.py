"""attribution: each quotation's speech verb and speaker as printed, by patterns of English.

Each quotation gets the attribution nearest to it: after it (`”, X said`, `” said X`, `” - he
added`), before it (`X said: “`, `According to X, “`), or the speech verb of its sentence (`X
described it as “…”`, `X is urging “…”`); a participle takes the subject of the verb before it
or of its sentence (`Russia responded, calling them “…”`). A quotation with no attribution takes
the speaker of the quotation before it when it goes on from it and nobody else has spoken since;
of the next paragraph's quotation when it is left open at its paragraph's end; and of another
quotation repeating its words (a headline's ‘this week’). The patterns read the text with the
periods of names and titles masked (`marks.mask_periods`), so `Mr. Rhodes` ends no clause.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from warnews.clean import is_abbreviation
from warnews.lexicon.names import People, capitalized_runs, split_title
from warnews.lexicon.words import PRONOUNS, STOP_WORDS
from warnews.quoting.marks import (DOUBLE_CLOSE, SCARE_QUOTE_WORDS, SINGLE_CLOSE, Quotation, keep, mask_periods,
                                   quotation_spans)
from warnews.quoting.resolution import POSSESSIVES, Said, resolve, resolve_name

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


def salient_speakers(text: str, people: People, demonyms: frozenset[str]) -> list[Said]:
    """Subjects of speech verbs (`X said`, `said X`, `was summarised by X`), and people named at
    the start of a sentence, in text order: what a later `he`, `it` or `the Belarusian leader`
    most likely points back to."""
    found = []
    for m in _IN_SENTENCE.finditer(text):
        if m.group("cue").endswith("ing"):
            continue  # a participle, whose subject is the sentence's
        if text.startswith(" by ", m.end()) or _INVERTED.match(text, m.end()):  # the agent, after the verb
            agent = _INVERTED.match(text, m.end() + 3 if text.startswith(" by ", m.end()) else m.end())
            span = np_span(agent.group(1)) if agent else None
            if span is not None:
                found += _said(agent.group(1)[span[0]:span[1]], m.start(), people, demonyms)
            continue
        start = _sentence_start(text, m.start(), text.rfind("\n", 0, m.start()) + 1)
        span = np_span(_AUXILIARIES.sub("", text[start:m.start()].rstrip()))
        if span is not None:
            found += _said(text[start + span[0]:start + span[1]], m.start(), people, demonyms)
    for m in re.finditer(r"(?:^|(?<=[.!?]\s)|(?<=\n))([A-Z][\w’'\-․]+(?: [A-Z][\w’'\-․]+){0,3})(?= [a-z])", text):
        name, kind = resolve_name(m.group(1), people, m.start(), demonyms)
        if kind == "PERSON":
            found.append(Said(m.start(), name, kind))
    return sorted(found, key=lambda said: said.pos)


# A name right after a speech verb (`- said Lijian.`) or its `by` (`was summarised by the former
# ambassador Ivo Daalder.`), up to the clause's end.
_INVERTED = re.compile(r" ((?:the [\w’'.\-․ ]{0,60}?|[A-Z][\w’'.\-․ ]{0,60}?)[A-Z][\w’'\-․]+)(?=[,.;:!?]|$)", re.M)


def _said(printed: str, at: int, people: People, demonyms: frozenset[str]) -> list[Said]:
    """The speaker `printed` at `at` if it names someone (not a pronoun or a description)."""
    runs = list(capitalized_runs(printed))
    if runs and runs[-1][1] == len(printed) and runs[-1][0] > 0:  # `Ukraine’s nuclear operator Energoatom`
        printed = runs[-1][2]
    first, _, rest = printed.partition(" ")
    if printed.lower() in PRONOUNS or first.lower() in ("a", "an", *POSSESSIVES) or (
            first.lower() == "the" and not rest[:1].isupper()):
        return []  # a pronoun or a description; `The Ukrainian Foreign Ministry` is a name
    name, kind = resolve_name(printed, people, at, demonyms)
    return [Said(at, name, kind)] if name else []


def attribute(text: str, quotes: list[Quotation], people: People, demonyms: frozenset[str],
              salient: list[Said]) -> None:
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
                 or (None if ends_sentence else _match_sentence_end(text, q.close + 1, paragraph_end, quotes))
                 or (_match_label(before, sentence_start, people, demonyms) if sentence_start == paragraph_start
                     else None))
        if found is not None:
            q.cue, who = found
            if who is not None:
                q.speaker_start, q.speaker_end = name_part(text, who, demonyms)
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
            q.resolved_by = "continued"
            q.printed = previous if previous.speaker_text is not None else previous.printed
            if found is None and same_sentence:
                q.cue = previous.cue
        elif q.speaker_text is not None:
            q.speaker_name, q.speaker_type = resolve(q, people, salient, demonyms)
        elif q.kind == "direct":  # no attribution: the person the text was just speaking of
            recent = [said for said in salient if q.open - 600 < said.pos < q.open and said.type == "PERSON"]
            if recent:
                q.speaker_name, q.speaker_type = recent[-1].name, "PERSON"
                q.resolved_by = "recent person"
        if q.speaker_name:
            salient = sorted(salient + [Said(q.open, q.speaker_name, q.speaker_type)], key=lambda said: said.pos)
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
            q.resolved_by = "next paragraph"
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
            q.resolved_by = "same words"


def name_part(text: str, span: tuple[int, int], demonyms: frozenset[str]) -> tuple[int, int]:
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
    if m and np_span(m.group("who")) is not None and not m.group("who").strip().lower().startswith(("and ", "but ")):
        span = np_span(m.group("who"))
        return m.group("cue"), (offset + m.start("who") + span[0], offset + m.start("who") + span[1])
    m = _AFTER_CUE_SUBJECT.match(after) or _AFTER_ACCORDING.match(after)
    if m and ends_sentence and m.group("cue") != "according to" and not re.match(r"^[”\"»’']?\s*[-–—]", after) and \
            not re.match(r"^[”\"»’']?\s*[a-z]", after):
        m = None  # `….” Said X` would be odd; `” said X` needs the quotation's own sentence to go on
    if m:
        appos = m.groupdict().get("appos")
        if appos and _is_name(appos):  # `” said Ukraine’s prosecutor general, Andriy Kostin.`
            return m.group("cue"), (offset + m.start("appos"), offset + m.end("appos"))
        span = np_span(m.group("who"), leading=True)
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
            span = np_span(m.group("who"))
            if span is not None:
                return m.group("cue"), (m.start("who") + span[0], m.start("who") + span[1])
    return None


# A headline's or a caption's label: a name and a colon opening the line (`Kovalchuk: “…”`,
# `KOVALCHUK: ‘…’`).
_LABEL = re.compile(r"^\s*(?P<who>[A-Z][\w’'\-․]+(?: [A-Z][\w’'\-․]+){0,3}):\s*$")


def _match_label(before: str, offset: int, people: People, demonyms: frozenset[str]):
    """A label that names a person or an organisation (not `Update:` or `Breaking:`)."""
    m = _LABEL.match(before)
    if m is None:
        return None
    who = m.group("who")
    kind = resolve_name(who, people, offset, demonyms)[1]
    if kind is None and who.isupper() and people.fullest(who.title(), offset):
        kind = "PERSON"  # an all-caps headline's `KOVALCHUK`
    return (None, (offset + m.start("who"), offset + m.end("who"))) if kind in ("PERSON", "ORG") else None


def _match_before(text: str, before: str, offset: int):
    m = _BEFORE.search(before) or _BEFORE_ACCORDING.search(before)
    if not m:
        return None
    appos = m.groupdict().get("appos")
    if appos:  # `Ukraine’s prosecutor general, Andriy Kostin, said`: the name
        named = np_span(appos.strip(", "))
        inner = appos.strip(", ")
        if named and _is_name(inner[named[0]:named[1]]):
            start = offset + m.start("appos") + appos.find(inner) + named[0]
            return m.group("cue"), (start, start + named[1] - named[0])
    span = np_span(m.group("who"))
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
            elif own and np_span(own.group(1)) == (0, len(own.group(1))):
                return cue, (offset + own.start(1), offset + own.end(1))
            else:
                participle = participle or m.group("cue")
                continue
        relative = re.search(r",? (?:who|which|that)$", head)  # `Nikki Haley who tweeted “…”`
        if relative:
            head = head[:relative.start()]
            described = re.search(r", [^,]{3,200}$", head)  # `A Wess Mitchell, a former official, who maintains`
            named = np_span(head[:described.start()]) if described else None
            if named and _is_name(head[named[0]:named[1]]):
                return cue, (offset + named[0], offset + named[1])
        appositive = re.search(r", ([^,]{3,200}),$", head)  # between subject and verb
        if appositive:
            named = np_span(appositive.group(1))
            head = head[:appositive.start()]
            if named and _is_name(appositive.group(1)[named[0]:named[1]]) and not _is_name(head.split()[-1] if head.split() else ""):
                return cue, (offset + appositive.start(1) + named[0], offset + appositive.start(1) + named[1])
        elif head.endswith(","):  # `He gave comments on X, emphasized “…”`: the sentence's subject
            return cue, _sentence_subject(before, offset)
        span = np_span(head)
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


def np_span(chunk: str, leading: bool = False) -> tuple[int, int] | None:
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

def attributed(text: str, demonyms: frozenset[str]) -> tuple[list[Quotation], People, list[Said]]:
    """Every quotation of the text with its attribution (titles and scare quotes left out), the
    people the text names and its salient speakers."""
    masked = mask_periods(text)
    people = People.of(text, demonyms)
    quotes = quotation_spans(text)
    salient = salient_speakers(masked, people, demonyms)
    attribute(masked, quotes, people, demonyms, salient)
    for q in quotes:  # names are resolved from the printed words unmasked (resolve_name)
        if q.speaker_start is not None:
            q.speaker_text = text[q.speaker_start:q.speaker_end]
    return [q for q in quotes if keep(text, q)], people, salient


def find_quotations(text: str, demonyms: frozenset[str] = frozenset()) -> list[Quotation]:
    return attributed(text, demonyms)[0]

