"""Benchmark: language identification: lingua, CLD2 (pycld2), and the rule warnews.language reads
with at import (CLD2, and lingua where CLD2 is unsure).

Reads the real texts of ../shared (the 1,631 primary statements and the 382 news bodies of
corpora/, the texts of external/, and the reference extractions of external/html, whose pages
declare their language in `<html lang>`), and on each text of at least 20 words gives its first
600 characters, as warnews does, to lingua's low-accuracy mode, to pycld2 and to the two together.
It prints, per source, how often each names the known language (the collections are English; an
html page's is its `lang`), the texts where lingua and CLD2 disagree, and the time per text of each.

    python bench/language_id.py [--shared ../shared]

The texts are the publishers': nothing of them is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import lxml.html

from warnews.annotate import count_words
from warnews.language import LANGUAGE_SAMPLE_CHARS, MIN_WORDS_FOR_LANGUAGE_CHECK, _cld2, _lingua, detect_language

REPO = Path(__file__).resolve().parents[1]
KEYS = ("n", "lingua", "cld2", "warnews", "cld2 unsure", "t_lingua", "t_cld2", "t_warnews")


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


def lingua(sample: str) -> str | None:
    best = _lingua().compute_language_confidence_values(sample)[0]
    return best.language.iso_code_639_1.name.lower() if best.value else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    lingua("warm-up text for the detector")  # lingua builds its models once; timed apart
    scores: dict[str, dict] = {}
    disagreements = []
    for source, name, known, text in texts(args.shared):
        if count_words(text) < MIN_WORDS_FOR_LANGUAGE_CHECK:
            continue
        sample = text[:LANGUAGE_SAMPLE_CHARS]
        s = scores.setdefault(source, dict.fromkeys(KEYS, 0))
        read = {}
        for key, detect in (("lingua", lingua), ("cld2", lambda t: _cld2(t)[0]),
                            ("warnews", lambda t: detect_language(t)[0])):
            started = time.perf_counter()
            read[key] = detect(sample)
            s[f"t_{key}"] += time.perf_counter() - started
            s[key] += read[key] == known
        s["n"] += 1
        s["cld2 unsure"] += read["cld2"] is None
        if read["lingua"] != read["cld2"]:
            disagreements.append((source, name, known, read["lingua"], read["cld2"], sample[:70]))
    print(f"{'source':<20} {'texts':>6} {'lingua right':>13} {'cld2 right':>11} {'both right':>11} "
          f"{'cld2 unsure':>12} {'lingua ms':>10} {'cld2 ms':>8} {'both ms':>8}")
    total = dict.fromkeys(KEYS, 0)
    for source, s in scores.items():
        for key in total:
            total[key] += s[key]
    for source, s in [*scores.items(), ("all", total)]:
        print(f"{source:<20} {s['n']:>6} {s['lingua'] / s['n']:>13.4f} {s['cld2'] / s['n']:>11.4f} "
              f"{s['warnews'] / s['n']:>11.4f} {s['cld2 unsure']:>12} {1000 * s['t_lingua'] / s['n']:>10.3f} "
              f"{1000 * s['t_cld2'] / s['n']:>8.3f} {1000 * s['t_warnews'] / s['n']:>8.3f}")
    print(f"\ncld2 is {total['t_lingua'] / total['t_cld2']:.0f}x faster; {len(disagreements)} texts where they disagree "
          "(source, name, known language, lingua, cld2, start):")
    for row in disagreements:
        print("  " + " | ".join(str(x) for x in row[:5]) + f" | {row[5]!r}")


if __name__ == "__main__":
    main()
