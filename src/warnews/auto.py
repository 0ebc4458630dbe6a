"""auto: the automatic annotation layers: offline, deterministic rules that run on any text.

Each row names its layer with a version (`rule:mentions_v1`, …); a change to a rule's behaviour
gets a new version. Gold (gold.py) is the yardstick for these layers (evaluate.py).
- rule:mentions_v1: gazetteer of entity names, aliases and demonyms; whole words, longest match.
- rule:quotes_v1: quotation marks with attribution (`“…,” X said`, `X said: “…”`,
  `according to X`), partial quotes credited to the subject of the sentence's speech verb, and
  indirect speech (`X confirmed that …`, `According to X, …`, `…, according to X`); `he`/`she`/`the president` resolve to the last matching person named
  outside quotation marks.
- rule:dates_v1: calendar dates (`December 14`, `Dec. 14`, `14 December 2024`, `December 2024`),
  weekdays and `yesterday`/`today`, normalized against the publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from warnews.annotate import sentence_spans
from warnews.gold import span_id
from warnews.knowledge import Entity

MENTIONS_V1 = "rule:mentions_v1"
QUOTES_V1 = "rule:quotes_v1"
DATES_V1 = "rule:dates_v1"
AUTOMATIC_LAYERS = (MENTIONS_V1, QUOTES_V1, DATES_V1)

# --- mentions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gazetteer:
    """Surface form -> (entity id, label); a form that names two entities is left out (not sure)."""

    forms: dict[str, tuple[str, str]]
    pattern: re.Pattern | None

    @classmethod
    def from_entities(cls, entities: dict[str, Entity]) -> Gazetteer:
        seen: dict[str, set[tuple[str, str]]] = {}
        for e in entities.values():
            for form in (e.name, *e.aliases):
                seen.setdefault(form, set()).add((e.entity_id, e.type))
            for form in e.demonyms:
                seen.setdefault(form, set()).add((e.entity_id, "NORP"))
        forms = {form: next(iter(hits)) for form, hits in seen.items() if len(hits) == 1}
        alternatives = sorted(forms, key=lambda f: (-len(f), f))  # longest first: leftmost-longest match
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)") if forms else None
        return cls(forms, pattern)

    def find(self, text: str):
        """(start, end, entity_id, label) for every match, left to right."""
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text):
            entity_id, label = self.forms[m.group()]
            yield m.start(), m.end(), entity_id, label


def mentions_v1(doc_id: str, text: str, gazetteer: Gazetteer) -> list[dict]:
    return [{"mention_id": span_id(doc_id, "mentions", MENTIONS_V1, s, e), "doc_id": doc_id, "start": s, "end": e,
             "text": text[s:e], "label": label, "entity_id": entity_id, "layer": MENTIONS_V1}
            for s, e, entity_id, label in gazetteer.find(text)]


# --- dates -------------------------------------------------------------------------------------

MONTHS = {name: i for i, names in enumerate((
    ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",), ("June", "Jun"),
    ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
    ("December", "Dec")), 1) for name in names}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    ("month_day", re.compile(rf"(?<!\w){_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:, (?P<year>\d{{4}}))?(?!\w)")),
    ("day_month", re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}) {_MONTH}(?: (?P<year>\d{{4}}))?(?!\w)")),
    ("month_year", re.compile(rf"(?<!\w){_MONTH} (?P<year>\d{{4}})(?!\w)")),
    ("weekday", re.compile(r"(?<=\bon )(?P<weekday>" + "|".join(WEEKDAYS) + r")(?!\w)")),
    ("relative", re.compile(r"(?<!\w)(?P<relative>[Yy]esterday|[Tt]oday)(?!\w)")),
)
# A date without a year more than this far after publication is taken to be from the year before.
FUTURE_TOLERANCE = dt.timedelta(days=31)


def dates_v1(doc_id: str, text: str, published: dt.date) -> list[dict]:
    rows, taken = [], []
    for name, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # an earlier, more specific pattern already took this text
            normalized = _normalize(name, m, published)
            if normalized is None:
                continue
            value, precision, kind = normalized
            taken.append((m.start(), m.end()))
            rows.append({"date_id": span_id(doc_id, "dates", DATES_V1, m.start(), m.end()), "doc_id": doc_id,
                         "start": m.start(), "end": m.end(), "text": m.group(), "value": value,
                         "precision": precision, "kind": kind, "layer": DATES_V1})
    return sorted(rows, key=lambda r: (r["start"], r["end"]))


def _normalize(name: str, m: re.Match, published: dt.date):
    groups = m.groupdict()
    if name == "weekday":
        back = (published.weekday() - WEEKDAYS.index(groups["weekday"])) % 7
        return published - dt.timedelta(days=back), "day", "relative"
    if name == "relative":
        back = 1 if groups["relative"].lower() == "yesterday" else 0
        return published - dt.timedelta(days=back), "day", "relative"
    month = MONTHS[groups["month"]]
    year = int(groups["year"]) if groups.get("year") else None
    if name == "month_year":
        return dt.date(year, month, 1), "month", "explicit"
    try:
        value = dt.date(year or published.year, month, int(groups["day"]))
        if year is None and value > published + FUTURE_TOLERANCE:
            value = dt.date(published.year - 1, month, int(groups["day"]))
    except ValueError:
        return None  # not a real date (February 30): leave it
    return value, "day", "explicit"


# --- quotes ------------------------------------------------------------------------------------

DIRECT_CUES = ("said", "says", "added", "stated", "noted", "told", "wrote", "explained", "emphasized", "stressed",
               "declared", "asked", "warned", "insisted", "continued", "concluded")
INDIRECT_CUES = ("said", "says", "stated", "noted", "emphasized", "stressed", "confirmed", "reported", "announced",
                 "urged", "warned", "claimed", "argued", "added", "declared", "denied", "insisted", "explained")
TITLES = ("President", "Prime Minister", "Foreign Minister", "Defense Minister", "Defence Minister", "Minister",
          "General", "Gen.", "Spokesman", "Spokeswoman", "Chancellor")
_NAME = r"(?:[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,3})"
_WHO = (rf"(?P<who>(?:(?P<title>{'|'.join(map(re.escape, TITLES))}) )?(?:the )?{_NAME}"
        r"|[Tt]he president|[Hh]e|[Ss]he|[Tt]hey)")
_APPOSITIVE = r"(?P<appos>, [^,“”]{3,80},| \([^()]{3,80}\))?"
_AFTER = re.compile(rf"^,?\s*{_WHO} (?:also )?(?P<cue>{'|'.join(DIRECT_CUES)})\b")
_BEFORE = re.compile(rf"{_WHO}{_APPOSITIVE} (?:also )?(?P<cue>{'|'.join(DIRECT_CUES)})(?: \w+)?:\s*$")
_AFTER_ACCORDING = re.compile(rf"^,?\s*(?P<cue>according to) {_WHO}")
_BEFORE_ACCORDING = re.compile(rf"(?P<cue>[Aa]ccording to) {_WHO}{_APPOSITIVE},\s*$")
# `…, according to X.` and `According to X, …`: the outlet relays X without a speech verb.
_ACCORDING_AFTER = re.compile(rf"(?P<content>[^“”]+?), according to {_WHO}{_APPOSITIVE}\s*[.!?]?$")
_ACCORDING_BEFORE = re.compile(rf"According to {_WHO}{_APPOSITIVE}, (?P<content>[^“].*?)\s*[.!?]?$")
_CUE_IN_SENTENCE = re.compile(rf"{_WHO}{_APPOSITIVE} (?:also )?(?P<cue>{'|'.join(INDIRECT_CUES)})\b")
_INDIRECT = re.compile(
    rf"(?:(?:On|In|At|By) [^,]{{3,40}}, |That same day, |Earlier, |Later, )?{_WHO}{_APPOSITIVE} (?:also )?"
    rf"(?P<cue>{'|'.join(INDIRECT_CUES)})(?: on {_MONTH} \d{{1,2}})?(?: (?P<obj>[A-Z][a-z]+))?"
    r"(?: that)?,?(?: according to [^,]{3,60},)? (?P<content>[^“].*?)"
    r"(?:, [A-Z][\w.]* (?:reports|reported|said)\b[^.]*)?\s*[.!?]?$")


@dataclass(frozen=True)
class _Speaker:
    entity_ids: tuple[str, ...]
    role: str | None


class _Resolver:
    """Speakers: names by the gazetteer; pronouns and `the president` by the last matching
    person named outside quotation marks before the attribution."""

    def __init__(self, text: str, gazetteer: Gazetteer, entities: dict[str, Entity], quoted: list[tuple[int, int]]):
        self.gazetteer, self.entities = gazetteer, entities
        self.named = [(s, e, entity_id) for s, e, entity_id, _ in gazetteer.find(text)
                      if entities[entity_id].type in ("PERSON", "ORG")
                      and not any(qs <= s < qe for qs, qe in quoted)]
        self.first_title = {}
        for s, _, entity_id in self.named:
            title = re.search(rf"(?:{'|'.join(map(re.escape, TITLES))}) $", text[max(0, s - 20):s])
            self.first_title.setdefault(entity_id, title.group().strip() if title else None)

    def resolve(self, m: re.Match, at: int) -> _Speaker:
        who = m.group("who")
        appos = (m.groupdict().get("appos") or "").strip(" ,()") or None
        title = m.groupdict().get("title")
        if who.lower() in ("he", "she", "they", "the president"):
            earlier = [eid for s, _, eid in self.named if s < at and (
                who.lower() != "the president" or "president" in (self.entities[eid].description or "").lower())
                and (who.lower() == "they" or self.entities[eid].type == "PERSON")]
            if not earlier:
                return _Speaker((), None)
            role = who if who.lower() == "the president" else self.first_title.get(earlier[-1])
            return _Speaker((earlier[-1],), role)
        name = who[len(title) + 1:] if title else who
        name = name[4:] if name.startswith("the ") else name
        hit = self._lookup(name)
        if hit is None or self.entities[hit[0]].type not in ("PERSON", "ORG"):
            return _Speaker((), title or appos)
        return _Speaker((hit[0],), title or appos or self.first_title.get(hit[0]))

    def _lookup(self, name: str):
        """The longest leading run of words that the gazetteer knows (`Agency A. According` ->
        `Agency A`): a capitalized word after the name may start the next sentence."""
        words = name.split(" ")
        for k in range(len(words), 0, -1):
            candidate = " ".join(words[:k])
            hit = self.gazetteer.forms.get(candidate) or self.gazetteer.forms.get(candidate.rstrip("."))
            if hit:
                return hit
        return None


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """[open, close] positions of top-level “…” pairs (single ‘…’ inside are left alone)."""
    pairs, opened = [], None
    for i, ch in enumerate(text):
        if ch == "“" and opened is None:
            opened = i
        elif ch == "”" and opened is not None:
            pairs.append((opened, i))
            opened = None
    return pairs


def quotes_v1(doc_id: str, text: str, gazetteer: Gazetteer, entities: dict[str, Entity],
              dates: list[dict]) -> list[dict]:
    pairs = quotation_spans(text)
    resolver = _Resolver(text, gazetteer, entities, [(o, c + 1) for o, c in pairs])
    sentences = sentence_spans(text)
    rows = []

    def add(start: int, end: int, kind: str, speaker: _Speaker, cue: str | None) -> None:
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (start, end))
        said = [d for d in dates if sentence[0] <= d["start"] < sentence[1] and not (start <= d["start"] < end)]
        rows.append({"quote_id": span_id(doc_id, "quotes", QUOTES_V1, start, end), "doc_id": doc_id,
                     "start": start, "end": end, "text": text[start:end], "kind": kind,
                     "speaker_entity_ids": list(speaker.entity_ids), "speaker_role": speaker.role, "cue": cue,
                     "reported_by_entity_id": None, "source_id": None,
                     "statement_date": said[0]["value"] if said else None,
                     "statement_date_precision": said[0]["precision"] if said else "unknown",
                     "statement_date_basis": "explicit" if said else None, "layer": QUOTES_V1})

    for opened, closed in pairs:
        start, end = opened + 1, closed
        if start == end:
            continue
        before = text[:opened].rstrip()
        starts_sentence = not before or before[-1] in ".!?”\n"
        after = _AFTER.match(text[closed + 1:]) or _AFTER_ACCORDING.match(text[closed + 1:])
        window = text[max(0, opened - 200):opened]
        lead = _BEFORE.search(window) or _BEFORE_ACCORDING.search(window)
        if after:
            speaker = resolver.resolve(after, closed)
            add(start, end, "direct" if starts_sentence else "partial", speaker, after.group("cue"))
        elif lead:  # `X said: “Full sentence.”` is direct; `According to X, “a phrase”` partial
            speaker = resolver.resolve(lead, opened)
            add(start, end, "direct" if text[start].isupper() else "partial", speaker, lead.group("cue"))
        else:
            sentence_start = next((s for s, e in sentences if s <= opened < e), 0)
            cues = list(_CUE_IN_SENTENCE.finditer(text, sentence_start, opened))
            if cues:
                add(start, end, "partial", resolver.resolve(cues[-1], cues[-1].start()), cues[-1].group("cue"))
            else:
                add(start, end, "direct" if starts_sentence else "partial", _Speaker((), None), None)
    for s, e in sentences:
        if any(o <= s <= c for o, c in pairs):
            continue  # a sentence inside a direct quotation is the speaker's, not indirect speech
        m = _INDIRECT.match(text, s, e) or _ACCORDING_BEFORE.match(text, s, e) or _ACCORDING_AFTER.match(text, s, e)
        if m is None:
            continue
        content = (m.start("content"), m.end("content"))
        body = text[content[0]:content[1]].rstrip(" ,")
        if not body:
            continue
        cue = m.groupdict().get("cue") or "according to"
        add(content[0], content[0] + len(body), "indirect", resolver.resolve(m, s), cue)
    return sorted(rows, key=lambda r: (r["start"], r["end"]))
