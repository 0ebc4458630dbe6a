"""Benchmark: language identification, lingua (what the build runs) against CLD2 (pycld2).

Reads the real texts of ../shared (the 1,631 primary statements and the 382 news bodies of
corpora/, the texts of external/, and the reference extractions of external/html, whose pages
declare their language in `<html lang>`), and on each text of at least 20 words gives its first
600 characters, as the build does, to lingua's low-accuracy mode and to pycld2. It prints, per
source, how often each detector names the known language (the collections are English; an html
page's is its `lang`), the texts where they disagree, and the time per text of each.

    python bench/language_id.py [--shared ../shared]

Needs the bench extra (pycld2). The texts are the publishers': nothing of them is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import lxml.html
import pycld2

from warnews.annotate import LANGUAGE_SAMPLE_CHARS, MIN_WORDS_FOR_LANGUAGE_CHECK, count_words, detect_language

REPO = Path(__file__).resolve().parents[1]


def texts(shared: Path):
    """(source, name, known language, text)."""
    for path in sorted((shared / "corpora" / "primary-statements").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            yield "primary statements", record["url"], "en", record["text"]
    for path in sorted((shared / "corpora" / "gdelt-bodies").glob("*.txt")):
        yield "news bodies", path.name, "en", path.read_text(encoding="utf-8")
    for path in sorted((shared / "external" / "texts").glob("*/*.txt")):
        yield "external texts", path.name, "en", path.read_text(encoding="utf-8")
    for page in sorted((shared / "external" / "html").glob("*/source.html")):
        expected = page.with_name("expected.html")
        lang = lxml.html.fromstring(page.read_bytes()).get("lang")
        if expected.is_file() and lang:
            text = lxml.html.fromstring(expected.read_bytes()).text_content()
            yield "html pages", page.parent.name, lang.split("-")[0].lower(), re.sub(r"\s+", " ", text).strip()


def cld2(sample: str) -> str | None:
    """CLD2's language, or None where it is not reliable or finds none. CLD2 refuses control
    characters as invalid UTF-8 (a C1 control from mojibake), so those are left out."""
    sample = "".join(c for c in sample if c.isprintable() or c in "\n\t")
    reliable, _, details = pycld2.detect(sample)
    code = details[0][1]
    return code if reliable and code != "un" else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    detect_language("warm-up text for the detector")  # lingua builds its models once; timed apart
    scores: dict[str, dict] = {}
    disagreements = []
    for source, name, known, text in texts(args.shared):
        if count_words(text) < MIN_WORDS_FOR_LANGUAGE_CHECK:
            continue
        sample = text[:LANGUAGE_SAMPLE_CHARS]
        s = scores.setdefault(source, {"n": 0, "lingua": 0, "cld2": 0, "cld2 unsure": 0, "t_lingua": 0.0, "t_cld2": 0.0})
        started = time.perf_counter()
        lingua, _ = detect_language(sample)
        s["t_lingua"] += time.perf_counter() - started
        started = time.perf_counter()
        compiled = cld2(sample)
        s["t_cld2"] += time.perf_counter() - started
        s["n"] += 1
        s["lingua"] += lingua == known
        s["cld2"] += compiled == known
        s["cld2 unsure"] += compiled is None
        if lingua != compiled:
            disagreements.append((source, name, known, lingua, compiled, sample[:70]))
    print(f"{'source':<20} {'texts':>6} {'lingua right':>13} {'cld2 right':>11} {'cld2 unsure':>12} "
          f"{'lingua ms':>10} {'cld2 ms':>8}")
    total = {"n": 0, "lingua": 0, "cld2": 0, "cld2 unsure": 0, "t_lingua": 0.0, "t_cld2": 0.0}
    for source, s in scores.items():
        for key in total:
            total[key] += s[key]
    for source, s in [*scores.items(), ("all", total)]:
        print(f"{source:<20} {s['n']:>6} {s['lingua'] / s['n']:>13.4f} {s['cld2'] / s['n']:>11.4f} "
              f"{s['cld2 unsure']:>12} {1000 * s['t_lingua'] / s['n']:>10.3f} {1000 * s['t_cld2'] / s['n']:>8.3f}")
    print(f"\ncld2 is {total['t_lingua'] / total['t_cld2']:.0f}x faster; {len(disagreements)} texts where they disagree "
          "(source, name, known language, lingua, cld2, start):")
    for row in disagreements:
        print("  " + " | ".join(str(x) for x in row[:5]) + f" | {row[5]!r}")


if __name__ == "__main__":
    main()
