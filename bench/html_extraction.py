"""Benchmark: how much of an article's text the HTML path keeps.

For every page in ../shared/external/html/<name>/ (source.html + expected.html, the reference
extraction of mozilla/readability's test suite), compares bag-of-words precision, recall and F1
of (a) trafilatura's default extraction and (b) the warnews pipeline (ingest's extraction, then
every cleaning rule) against the reference text. Targets: pipeline average F1 >= 0.96, and no page
more than 0.01 below trafilatura's default on it. Prints a table; exits 1 when a target is missed.

    python bench/html_extraction.py [--pages ../shared/external/html]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import re
import sys
import time
from pathlib import Path

import lxml.html
import trafilatura

from warnews.clean import Cleaner
from warnews.ingest import extract_html

REPO = Path(__file__).resolve().parents[1]
TARGET_AVERAGE_F1 = 0.96
TARGET_MAX_LOSS = 0.01


def bag_of_words(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def scores(predicted: str, reference: str) -> tuple[float, float, float]:
    p, g = bag_of_words(predicted), bag_of_words(reference)
    tp = sum((p & g).values())
    precision = tp / sum(p.values()) if p else 0.0
    recall = tp / sum(g.values()) if g else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=REPO.parent / "shared" / "external" / "html")
    args = parser.parse_args()
    pages = sorted(p for p in args.pages.glob("*") if (p / "source.html").is_file())
    if not pages:
        print(f"no pages under {args.pages}", file=sys.stderr)
        return 1
    cleaner = Cleaner(REPO)
    rows, started = [], time.perf_counter()
    print(f"{'page':<16} {'trafilatura default P/R/F1':<28} {'warnews P/R/F1':<22} delta F1")
    for page in pages:
        html = (page / "source.html").read_text(encoding="utf-8")
        reference = lxml.html.fromstring((page / "expected.html").read_text(encoding="utf-8")).text_content()
        default = scores(trafilatura.extract(html) or "", reference)
        text, _ = extract_html(html, page.name)
        clean = cleaner.clean(page.name, "unknown", dt.date.today(), text).text
        ours = scores(clean, reference)
        rows.append((page.name, default, ours))
        print(f"{page.name:<16} {'/'.join(f'{x:.3f}' for x in default):<28} {'/'.join(f'{x:.3f}' for x in ours):<22} "
              f"{ours[2] - default[2]:+.3f}")
    average_default = sum(r[1][2] for r in rows) / len(rows)
    average_ours = sum(r[2][2] for r in rows) / len(rows)
    worst = min(r[2][2] - r[1][2] for r in rows)
    print(f"average F1: trafilatura default {average_default:.3f}, warnews {average_ours:.3f}; "
          f"worst page vs default {worst:+.3f}; {len(rows)} pages in {time.perf_counter() - started:.2f} s")
    met = average_ours >= TARGET_AVERAGE_F1 and worst >= -TARGET_MAX_LOSS
    print(f"targets (average >= {TARGET_AVERAGE_F1}, no page below default by more than {TARGET_MAX_LOSS}): "
          f"{'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
