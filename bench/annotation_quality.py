"""Benchmark: the automatic layers against the development gold in ../shared/gold-dev.

Quotes (direct and partial quotations): exact-span precision, recall and F1, and on matched
quotations how often `speaker_name` equals the gold speaker (and `speaker_text` the speaker as
printed). Mentions: span+label P/R/F1 overall and per label. Transcript turns: exact boundaries
and speaker. The texts are read from ../shared/corpora (never copied into the repository); the
layers run on each file's text as it is, so that offsets index the same string as the gold's.

    python bench/annotation_quality.py [--shared ../shared] [--show-errors quotes|parse-quotes|mentions|spacy|turns] [--half a|b]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {"quotes span F1": 0.90, "quotes speaker_name": 0.90, "quotes speaker_name, half a": 0.90,
           "quotes speaker_name, half b": 0.90, "parse quotes span F1": 0.90, "parse quotes speaker_name": 0.90,
           "parse quotes speaker_name, half a": 0.90, "parse quotes speaker_name, half b": 0.90, "turns boundaries": 0.95, "turns speaker": 0.95,
           "rule mentions precision": 0.90, "rule mentions F1": 0.70, "spacy mentions F1": 0.90,
           "spacy mentions PERSON F1": 0.85, "spacy mentions GPE F1": 0.85, "spacy mentions ORG F1": 0.85}


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _norm(name):
    return " ".join(name.split()).lower() if name else None


# The gold's files in two halves by a digest of their names (no one chose which file goes where),
# scored apart: rules developed while reading the errors of one half are judged on the other.
HALVES = ("a", "b")


def half_of(name: str) -> str:
    return HALVES[hashlib.sha256(name.encode("utf-8")).digest()[0] % 2]


def score_quotes(shared: Path, show: bool, find_quotations=None) -> dict:
    """Quotation spans and speakers of one quote finder (the rules' `find_quotations` unless
    another is given: the parse layer's), overall and per half of the files."""
    from warnews.lexicon.names import name_gender

    if find_quotations is None:
        from warnews.quoting.attribution import find_quotations
    started = time.perf_counter()
    name_gender("warm-up")  # the first-name table is read once per process; timed apart
    table_seconds = time.perf_counter() - started
    gold = defaultdict(list)
    for line in (shared / "gold-dev" / "quotes.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold[row["file"]].append(row)
    tp = fp = fn = 0
    speaker_right = printed_right = matched = 0
    halves = {half: [0, 0] for half in HALVES}  # half -> [speaker_name right, matched]
    words, seconds = 0, 0.0
    for name, rows in sorted(gold.items()):
        text = _read(shared / "corpora" / "gdelt-bodies" / name)
        started = time.perf_counter()
        found = find_quotations(text)
        seconds += time.perf_counter() - started
        words += len(text.split())
        predicted = {(q.start, q.end): q for q in found}
        expected = {(r["start"], r["end"]): r for r in rows}
        tp += len(predicted.keys() & expected.keys())
        fp += len(predicted.keys() - expected.keys())
        fn += len(expected.keys() - predicted.keys())
        for key in sorted(predicted.keys() & expected.keys()):
            q, r = predicted[key], expected[key]
            matched += 1
            speaker_right += _norm(q.speaker_name) == _norm(r["speaker"])
            halves[half_of(name)][0] += _norm(q.speaker_name) == _norm(r["speaker"])
            halves[half_of(name)][1] += 1
            printed_right += _norm(q.speaker_text) == _norm(r["speaker_as_printed"])
            if show and _norm(q.speaker_name) != _norm(r["speaker"]):
                print(f"  speaker {name}:{key}: {q.speaker_text!r} -> {q.speaker_name!r}; gold "
                      f"{r['speaker_as_printed']!r} -> {r['speaker']!r} ({text[key[0]:key[1]][:50]!r})")
        if show:
            for key in sorted(predicted.keys() - expected.keys()):
                print(f"  extra {name}:{key}: {text[key[0]:key[1]][:70]!r}")
            for key in sorted(expected.keys() - predicted.keys()):
                print(f"  missed {name}:{key}: {text[key[0]:key[1]][:70]!r}")
    p, r, f = _prf(tp, fp, fn)
    return {"files": len(gold), "gold": tp + fn, "predicted": tp + fp, "precision": p, "recall": r, "f1": f,
            "speaker_name": speaker_right / matched if matched else 0.0,
            "speaker_text": printed_right / matched if matched else 0.0, "words_per_second": words / seconds,
            "halves": {half: (right / n if n else 0.0, n) for half, (right, n) in halves.items()},
            "table_seconds": table_seconds}


LABELS = ("PERSON", "GPE", "LOC", "ORG", "NORP")


def score_mentions(shared: Path, layer_name: str, show: bool, show_half: str | None = None) -> dict:
    """span+label P/R/F1 of one mention layer, overall, per label and per half of the files (errors
    printed of one half only where `show_half` names it), and its words per second."""
    from warnews import registry
    from warnews.lexicon.gazetteer import Gazetteer, Knowledge

    knowledge = Knowledge({}, Gazetteer.from_entities({}))
    layer = registry.resolve(layer_name, "bench")
    gold = defaultdict(list)
    for line in (shared / "gold-dev" / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold[row["file"]].append(row)
    counts = {label: Counter() for label in LABELS}
    by_half = {half: {label: Counter() for label in LABELS} for half in HALVES}
    words, seconds = 0, 0.0
    for name, rows in sorted(gold.items()):
        text = _read(shared / "corpora" / "gdelt-bodies" / name)
        document = registry.Document("bench-20240101-0000000000", text, None)
        upstream = {name: registry.run(document, knowledge, [registry.resolve(name, "bench")])[name]
                    for name in layer.reads}
        started = time.perf_counter()  # the layer's own time, not that of the layers it reads
        found = registry.rows_of(layer, document, layer.annotate(document, knowledge, upstream))
        seconds += time.perf_counter() - started
        words += len(text.split())
        predicted = {(r["start"], r["end"], r["label"]) for r in found}
        expected = {(r["start"], r["end"], r["label"]) for r in rows}
        half = half_of(name)
        shown = show and show_half in (None, half)
        for key in predicted & expected:
            counts[key[2]]["tp"] += 1
            by_half[half][key[2]]["tp"] += 1
        for key in sorted(predicted - expected):
            counts[key[2]]["fp"] += 1
            by_half[half][key[2]]["fp"] += 1
            if shown:
                print(f"  extra {name}:{key}: {text[key[0]:key[1]]!r} in {text[max(0, key[0] - 40):key[1] + 30]!r}")
        for key in sorted(expected - predicted):
            counts[key[2]]["fn"] += 1
            by_half[half][key[2]]["fn"] += 1
            if shown:
                print(f"  missed {name}:{key}: {text[key[0]:key[1]]!r} in {text[max(0, key[0] - 40):key[1] + 30]!r}")
    result = _scores(counts)
    result["words_per_second"] = words / seconds
    result["halves"] = {half: _scores(c) for half, c in by_half.items()}
    return result


def _scores(counts: dict[str, Counter]) -> dict:
    total = Counter()
    for c in counts.values():
        total.update(c)
    result = {"all": _prf(total["tp"], total["fp"], total["fn"])}
    result.update({label: _prf(c["tp"], c["fp"], c["fn"]) for label, c in counts.items()})
    return result


def _print_mentions(name: str, m: dict) -> None:
    per_label = ", ".join(f"{label} {m[label][2]:.3f}" for label in LABELS)
    print(f"mentions {name}: P {m['all'][0]:.3f} R {m['all'][1]:.3f} F1 {m['all'][2]:.3f} (F1 per label: {per_label}); "
          f"{m['words_per_second']:,.0f} words/s")
    for half, h in m["halves"].items():
        per_label = ", ".join(f"{label} {h[label][2]:.3f}" for label in LABELS)
        print(f"  half {half}: P {h['all'][0]:.3f} R {h['all'][1]:.3f} F1 {h['all'][2]:.3f} (F1 per label: {per_label})")


def spacy_pipe_words_per_second(shared: Path) -> float:
    """spaCy's own speed on the gold files' texts: nlp.pipe with the model the layer loads."""
    from warnews.parse import load_model

    nlp = load_model()
    names = sorted({json.loads(line)["file"] for line in
                    (shared / "gold-dev" / "mentions.jsonl").read_text(encoding="utf-8").splitlines()})
    texts = [_read(shared / "corpora" / "gdelt-bodies" / name) for name in names]
    started = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return sum(len(t.split()) for t in texts) / (time.perf_counter() - started)


def score_turns(shared: Path, show: bool) -> dict:
    from warnews.layers.turns import find_turns

    gold = defaultdict(list)
    for line in (shared / "gold-dev" / "turns.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold[row["url"]].append(row)
    texts = {}
    for line in (shared / "corpora" / "primary-statements" / "kremlin-en.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["url"] in gold:
            texts[record["url"]] = record["text"]
    exact = speaker = role = label = predicted_total = 0
    for url, rows in sorted(gold.items()):
        text = texts[url]
        found = {(t.start, t.end): t for t in find_turns(text)}
        predicted_total += len(found)
        for r in rows:
            t = found.get((r["start"], r["end"]))
            if t is None:
                if show:
                    print(f"  missed {url} [{r['start']}, {r['end']}) {r['speaker']}: {text[r['start']:r['start'] + 40]!r}")
                continue
            exact += 1
            label += (t.label_start, t.label_end) == (r["label_start"], r["label_end"])
            speaker += t.speaker == r["speaker"]
            role += t.role == r["role"]
            if show and (t.speaker != r["speaker"] or t.role != r["role"]):
                print(f"  speaker {url} {t.speaker!r} / {t.role!r}; gold {r['speaker']!r} / {r['role']!r}")
    total = sum(len(rows) for rows in gold.values())
    return {"documents": len(gold), "gold": total, "predicted": predicted_total, "exact": exact / total,
            "speaker": speaker / total, "role": role / total, "label": label / total}


def _print_quotes(name: str, quotes: dict) -> None:
    print(f"quotes {name} ({quotes['files']} files, {quotes['gold']} gold direct+partial, {quotes['predicted']} "
          f"predicted): P {quotes['precision']:.3f} R {quotes['recall']:.3f} F1 {quotes['f1']:.3f}; on matched "
          f"quotations speaker_name right {quotes['speaker_name']:.3f}, speaker_text right {quotes['speaker_text']:.3f}; "
          f"{quotes['words_per_second']:,.0f} words/s (after a one-off {quotes['table_seconds']:.2f} s read of the "
          "first-name table)")
    print("  speaker_name right per half of the files: " + ", ".join(
        f"{half} {share:.3f} of {n}" for half, (share, n) in quotes["halves"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--show-errors", choices=("quotes", "parse-quotes", "turns", "mentions", "spacy"), default=None)
    parser.add_argument("--half", choices=HALVES, default=None,
                        help="print the mention errors of this half of the gold files only")
    args = parser.parse_args()
    if not (args.shared / "gold-dev").is_dir():
        raise SystemExit(f"{args.shared / 'gold-dev'}: not found; give --shared")
    quotes = score_quotes(args.shared, args.show_errors == "quotes")
    _print_quotes("rule:quotes_v5", quotes)
    parse_quotes = None
    from warnews.layers.spacy_quotes import load as load_quotes

    quote_layer = load_quotes()
    if quote_layer is not None:
        from warnews.parse import parsed
        from warnews.quoting.syntax import attributed_by_parse

        parse_quotes = score_quotes(args.shared, args.show_errors == "parse-quotes",
                                    lambda text: attributed_by_parse(text, parsed(text), frozenset())[0])
        _print_quotes(quote_layer.name, parse_quotes)
    else:
        print("quotes spaCy layer: not measured (pip install -e '.[ner]')")
    turns = score_turns(args.shared, args.show_errors == "turns")
    print(f"turns ({turns['documents']} transcripts, {turns['gold']} gold turns, {turns['predicted']} predicted): "
          f"boundaries exact {turns['exact']:.3f}, label span exact {turns['label']:.3f}, speaker right "
          f"{turns['speaker']:.3f}, role right {turns['role']:.3f}")
    rule = score_mentions(args.shared, "rule:mentions_v4", args.show_errors == "mentions", args.half)
    _print_mentions("rule:mentions_v4 (no model)", rule)
    values = {"quotes span F1": quotes["f1"], "quotes speaker_name": quotes["speaker_name"],
              **{f"quotes speaker_name, half {half}": share for half, (share, _) in quotes["halves"].items()},
              "turns boundaries": turns["exact"], "turns speaker": turns["speaker"],
              "rule mentions precision": rule["all"][0], "rule mentions F1": rule["all"][2]}
    if parse_quotes is not None:
        values.update({"parse quotes span F1": parse_quotes["f1"], "parse quotes speaker_name": parse_quotes["speaker_name"],
                       **{f"parse quotes speaker_name, half {half}": share
                          for half, (share, _) in parse_quotes["halves"].items()}})
    from warnews.layers.spacy_mentions import load

    spacy_layer = load()
    if spacy_layer is not None:
        model = score_mentions(args.shared, spacy_layer.name, args.show_errors == "spacy", args.half)
        _print_mentions(spacy_layer.name, model)
        own = spacy_pipe_words_per_second(args.shared)
        overhead = own / model["words_per_second"] - 1
        print(f"  spaCy's own nlp.pipe on the same texts: {own:,.0f} words/s; the layer's overhead {overhead:.1%} "
              f"(target <= 15%: {'met' if overhead <= 0.15 else 'NOT met'})")
        values["spacy mentions F1"] = model["all"][2]
        for label in ("PERSON", "GPE", "ORG"):
            values[f"spacy mentions {label} F1"] = model[label][2]
    else:
        print("mentions spaCy layer: not measured (pip install -e '.[ner]')")

    for target, threshold in TARGETS.items():
        if target not in values:
            print(f"  target {target} >= {threshold}: not measured")
            continue
        value = values[target]
        print(f"  target {target} >= {threshold}: {value:.3f} {'met' if value >= threshold else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
