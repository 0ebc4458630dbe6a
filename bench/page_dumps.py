"""Benchmark: how well line-based methods keep the article of a whole-page text dump.

Scores, against ../shared/gold-dev/page-dumps.jsonl (the line ranges of the article in each dev
dump, by the guidelines in the same folder), the bag-of-words precision, recall and F1 of the
lines each method keeps, per page and on average; and, on article bodies that are no dumps
(../shared/corpora/gdelt-bodies/ and ../shared/external/texts/article-bodies/), the share of
words each method would remove. Methods:
- `keep-all`: every line (what the cleaning rules do with a dump today);
- `justext`: jusText's paragraph classification (English stop words), each line a paragraph;
- `prose-block`: the contiguous run of lines with the most prose in it (lines scored by length
  and stop-word density, link lines and short fragments against), widened upwards to a headline;
- `block+justext`: inside the prose block, what jusText keeps (and the block's first lines);
- `warnews`: `warnews.page_dumps.article_lines`, what the cleaning rule `strip_page_furniture`
  keeps. It runs only on texts `input_kind` takes for dumps: the share of article-body words it
  removes is 0 unless a body is taken for a dump; what it would remove from every body if forced
  is printed too;
- `unwrapped`: the same rule on each dump with everything but its `## Content` blanked, as a
  dump without the wrapper's headings and list of links would come.
Targets: average F1 >= 0.90, no page below 0.70; article bodies lose <= 1% of their words.

    python bench/page_dumps.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

import justext

REPO = Path(__file__).resolve().parents[1]
STOPWORDS = frozenset(justext.get_stoplist("English"))
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|https?://\S+|www\.\S+")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def bag_f1(kept: str, gold: str) -> tuple[float, float, float]:
    p, g = collections.Counter(words(kept)), collections.Counter(words(gold))
    tp = sum((p & g).values())
    precision = tp / sum(p.values()) if p else 0.0
    recall = tp / sum(g.values()) if g else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def keep_all(lines: list[str]) -> list[int]:
    return list(range(len(lines)))


def justext_lines(lines: list[str]) -> list[int]:
    html = "<html><body>" + "".join(f"<p>{_escape(line)}</p>" for line in lines) + "</body></html>"
    paragraphs = justext.justext(html, STOPWORDS)
    good = [p.text for p in paragraphs if not p.is_boilerplate]
    kept, at = [], 0
    for text in good:  # jusText keeps paragraphs in order: match each back to its line
        while at < len(lines) and " ".join(lines[at].split()) != " ".join(text.split()):
            at += 1
        if at < len(lines):
            kept.append(at)
            at += 1
    return kept


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def line_score(line: str) -> float:
    """Prose counts for a line, furniture against it; blank lines count for nothing."""
    if not line.strip():
        return 0.0
    tokens = words(_LINK.sub(" ", line))
    links = len(_LINK.findall(line))
    if links and len(tokens) < 12 * links:
        return -4.0 * links
    if not tokens:
        return -1.0
    stop = sum(t in STOPWORDS for t in tokens) / len(tokens)
    if len(tokens) >= 8 and stop >= 0.25:
        return float(len(tokens))
    return -2.0


def prose_block(lines: list[str]) -> list[int]:
    scores = [line_score(line) for line in lines]
    best, best_span, total, start = 0.0, (0, 0), 0.0, 0
    for i, score in enumerate(scores):  # the run of lines with the highest sum (Kadane)
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_span = total, (start, i + 1)
    first, end = best_span
    for i in range(first - 1, max(-1, first - 6), -1):  # a headline or dateline just above
        tokens = words(lines[i])
        if lines[i].strip() and not _LINK.search(lines[i]) and 2 <= len(tokens) <= 25:
            first = i
        elif lines[i].strip():
            break
    return [i for i in range(first, end) if lines[i].strip()]


def block_and_justext(lines: list[str]) -> list[int]:
    """Inside the prose block, the lines jusText keeps, and the block's first three (headline,
    standfirst, dateline, which jusText often calls short)."""
    block = prose_block(lines)
    good = set(justext_lines(lines))
    return [i for i in block if i in good or i < block[0] + 3] if block else []


def warnews_rule(lines: list[str]) -> list[int]:
    """warnews.page_dumps.article_lines, as the cleaning rule uses it (all lines where it finds
    no article)."""
    from warnews.page_dumps import article_lines

    kept = article_lines("\n".join(lines))
    return keep_all(lines) if kept is None else kept


def warnews_unwrapped(lines: list[str]) -> list[int]:
    """The same rule on the page without its Markdown wrapper: every line outside `## Content`
    blanked (so the gold's line numbers hold), as a dump from another scraper would come, with no
    headings or links listed."""
    content, blanked = False, []
    for line in lines:
        if re.match(r"^## \S", line):
            content = line.strip() == "## Content"
            blanked.append("")
        else:
            blanked.append(line if content else "")
    return warnews_rule(blanked)


METHODS = {"keep-all": keep_all, "justext": justext_lines, "prose-block": prose_block,
           "block+justext": block_and_justext, "warnews": warnews_rule, "unwrapped": warnews_unwrapped}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    gold_path = args.shared / "gold-dev" / "page-dumps.jsonl"
    if not gold_path.is_file():
        raise SystemExit(f"{gold_path}: not found; give --shared")
    dumps = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    bodies = sorted((args.shared / "corpora" / "gdelt-bodies").glob("*.txt")) + sorted(
        (args.shared / "external" / "texts" / "article-bodies").glob("*.txt"))
    print(f"{'method':<12} {'page':<40} {'P':>6} {'R':>6} {'F1':>6}")
    summary = {}
    for name, method in METHODS.items():
        f1s = []
        for dump in dumps:
            text = (args.shared / "external" / "texts" / "page-dumps" / dump["file"]).read_text(encoding="utf-8")
            lines = text.split("\n")
            gold = "\n".join(lines[i] for s, e in dump["lines"] for i in range(s, e))
            kept = "\n".join(lines[i] for i in method(lines))
            p, r, f = bag_f1(kept, gold)
            f1s.append(f)
            print(f"{name:<12} {dump['file'][:40]:<40} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
        total = removed = 0
        for body in bodies:
            lines = body.read_text(encoding="utf-8").split("\n")
            kept = set(method(lines))
            n = [len(words(line)) for line in lines]
            total += sum(n)
            removed += sum(c for i, c in enumerate(n) if i not in kept)
        summary[name] = (sum(f1s) / len(f1s), min(f1s), removed / total)
    from warnews.page_dumps import input_kind
    from warnews.vocabularies import PAGE_DUMP

    taken = [body for body in bodies if input_kind(body.read_text(encoding="utf-8")) == PAGE_DUMP]
    average, lowest, forced = summary["warnews"]
    for name in ("warnews", "unwrapped"):  # the rule runs on dumps only
        summary[name] = summary[name][:2] + (summary[name][2] if taken else 0.0,)
    print(f"\n{'method':<12} {'average F1':>10} {'lowest page':>11} {'article-body words removed':>27}")
    for name, (average, lowest, share) in summary.items():
        print(f"{name:<12} {average:>10.3f} {lowest:>11.3f} {share:>27.2%}")
    print(f"\nwarnews: {len(taken)} of {len(bodies)} article bodies are taken for page dumps, so the rule runs on "
          f"{len(taken)}; run on every body regardless, it would remove {forced:.2%} of their words")
    print(f"targets: average F1 >= 0.90, no page below 0.70, article bodies lose <= 1% "
          f"({len(dumps)} dev dumps, {len(bodies)} article bodies)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
