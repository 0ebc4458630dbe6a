"""evaluate: score each automatic layer against gold, on the documents that have gold.

Exact-span precision, recall and F1 (a span counts only if start and end both match), and the
same with the layer's key attribute (entity, speakers, speaker name, date value) required to
match too. The numbers are what they are; they go into evaluation.json and the dataset card.
"""

from __future__ import annotations

from warnews.ids import GOLD
from warnews.schema import TABLES

def _value(value):
    """A cell as a comparable key: a list of ids in any order is the same list; a date is its day."""
    if isinstance(value, (list, tuple)):
        return tuple(sorted(value))
    return value.isoformat() if hasattr(value, "isoformat") else value


def scored_tables() -> dict[str, dict]:
    """Table -> {score name: function giving a row's key}, for every table whose spec names
    scores (schema.TABLES): the span, and the span with the spec's columns."""
    return {table: {name: (lambda r, columns=columns: (r["doc_id"], r["start"], r["end"],
                                                      *(_value(r[c]) for c in columns)))
                    for name, columns in spec.scores.items()}
            for table, spec in TABLES.items() if spec.scores}


def prf(predicted: set, gold: set) -> dict:
    tp = len(predicted & gold)
    return _scores(tp, len(predicted) - tp, len(gold) - tp)


def evaluate_document(rows: dict[str, list[dict]]) -> dict:
    """Counts for one document with gold: per automatic layer and score, the predicted and gold
    key sets' overlap (keys carry the doc_id, so documents add up)."""
    counts = {}
    for table, keys in scored_tables().items():
        gold = [r for r in rows.get(table, []) if r["layer"] == GOLD]
        for layer in sorted({r["layer"] for r in rows.get(table, []) if r["layer"] != GOLD}):
            auto = [r for r in rows[table] if r["layer"] == layer]
            counts[layer] = {"table": table, "gold_rows": len(gold), "predicted_rows": len(auto), "scores": {}}
            for name, key in keys.items():
                predicted, expected = {key(r) for r in auto}, {key(r) for r in gold}
                tp = len(predicted & expected)
                counts[layer]["scores"][name] = (tp, len(predicted) - tp, len(expected) - tp)
    return counts


def combine(documents: list[dict], gold_docs: int) -> dict:
    """evaluation.json from the per-document counts: precision, recall and F1 over all of them."""
    result = {"documents_with_gold": gold_docs, "layers": {}}
    for layer in sorted({layer for d in documents for layer in d}):
        scored = [d[layer] for d in documents if layer in d]
        names = scored[0]["scores"].keys()
        tp_fp_fn = {name: [sum(d["scores"][name][i] for d in scored) for i in range(3)] for name in names}
        result["layers"][layer] = {
            "table": scored[0]["table"], "gold_rows": sum(d["gold_rows"] for d in scored),
            "predicted_rows": sum(d["predicted_rows"] for d in scored),
            "scores": {name: _scores(*counts) for name, counts in tp_fp_fn.items()}}
    return result


def _scores(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4)}


def evaluate(tables: dict[str, list[dict]], gold_docs: set[str]) -> dict:
    """Scores per automatic layer over whole tables, on the documents in `gold_docs`."""
    per_doc = [evaluate_document({t: [r for r in tables.get(t, []) if r["doc_id"] == doc_id] for t in scored_tables()})
               for doc_id in sorted(gold_docs)]
    return combine(per_doc, len(gold_docs))
