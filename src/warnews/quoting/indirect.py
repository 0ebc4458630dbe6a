"""indirect: reported speech that no quotation mark opens.

`X confirmed that …`, `According to X, …`, `…, according to X.`: one row for the reported clause
of a sentence outside every quotation, with its speaker resolved as a quotation's is.
"""

from __future__ import annotations

import re

from warnews.annotate import sentence_spans
from warnews.lexicon.names import People
from warnews.lexicon.words import MONTH_PATTERN
from warnews.quoting.attribution import name_part, np_span
from warnews.quoting.marks import Quotation
from warnews.quoting.resolution import Said, resolve

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
                    salient: list[Said]) -> list[Quotation]:
    found = []
    salient = list(salient)
    for q in quotes:
        if q.speaker_name:
            salient.append(Said(q.open, q.speaker_name, q.speaker_type))
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
        span = np_span(re.sub(r"\s+(?:also|later|then|again)$", "", who)) or (0, len(who))
        q.speaker_start, q.speaker_end = name_part(text, (m.start("who") + span[0], m.start("who") + span[1]), demonyms)
        q.speaker_text = text[q.speaker_start:q.speaker_end]
        q.speaker_name, q.speaker_type = resolve(q, people, salient, demonyms)
        found.append(q)
    return found

