"""dates: date expressions normalized against the publication date (rule:dates_v1).

Calendar dates (`December 14`, `Dec. 14`, `14 December 2024`, `December 2024`), weekdays
(`on Sunday`) and `yesterday`/`today`.
"""

from __future__ import annotations

import datetime as dt
import re

from warnews.lexicon.words import MONTH_PATTERN, MONTHS, WEEKDAYS
from warnews.registry import Layer, register

DATES_V1 = "rule:dates_v1"

_DATE_PATTERNS = (
    ("month_day", re.compile(rf"(?<!\w){MONTH_PATTERN} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:, (?P<year>\d{{4}}))?(?!\w)")),
    ("day_month", re.compile(rf"(?<!\w)(?P<day>\d{{1,2}}) {MONTH_PATTERN}(?: (?P<year>\d{{4}}))?(?!\w)")),
    ("month_year", re.compile(rf"(?<!\w){MONTH_PATTERN} (?P<year>\d{{4}})(?!\w)")),
    ("weekday", re.compile(r"(?<=\bon )(?P<weekday>" + "|".join(WEEKDAYS) + r")(?!\w)")),
    ("relative", re.compile(r"(?<!\w)(?P<relative>[Yy]esterday|[Tt]oday)(?!\w)")),
)
# A date without a year more than this far after publication is taken to be from the year before.
FUTURE_TOLERANCE = dt.timedelta(days=31)


def dates_v1(text: str, published: dt.date) -> list[dict]:
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
            rows.append({"start": m.start(), "end": m.end(), "value": value, "precision": precision, "kind": kind})
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



def annotate(doc, knowledge, upstream) -> list[dict]:
    return dates_v1(doc.text, doc.published)


register(Layer(DATES_V1, "dates", annotate))
