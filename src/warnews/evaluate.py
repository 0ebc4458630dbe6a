"""evaluate: score each automatic layer against gold, on the documents that have gold.

Exact-span precision, recall and F1 (a span counts only if start and end both match), and the
same with the layer's key attribute (entity, speakers, speaker name, date value) required to
match too. The numbers are what they are; they go into evaluation.json and the dataset card.
"""

from __future__ import annotations

from warnews.gold import GOLD

# table -> {score name: key of a row}; every automatic layer of the table is scored by them
SCORED = {
    "mentions": {
        "span": lambda r: (r["doc_id"], r["start"], r["end"]),
        "span+label": lambda r: (r["doc_id"], r["start"], r["end"], r["label"]),
        "span+entity": lambda r: (r["doc_id"], r["start"], r["end"], r["entity_id"]),
    },
    "quotes": {
        "span": lambda r: (r["doc_id"], r["start"], r["end"]),
        "span+kind": lambda r: (r["doc_id"], r["start"], r["end"], r["kind"]),
        "span+speaker": lambda r: (r["doc_id"], r["start"], r["end"], tuple(sorted(r["speaker_entity_ids"]))),
        "span+speaker_name": lambda r: (r["doc_id"], r["start"], r["end"], r["speaker_name"]),
    },
    "dates": {
        "span": lambda r: (r["doc_id"], r["start"], r["end"]),
        "span+value": lambda r: (r["doc_id"], r["start"], r["end"], r["value"].isoformat()),
    },
}


def prf(predicted: set, gold: set) -> dict:
    tp = len(predicted & gold)
    return _scores(tp, len(predicted) - tp, len(gold) - tp)


def evaluate_document(rows: dict[str, list[dict]]) -> dict:
    """Counts for one document with gold: per automatic layer and score, the predicted and gold
    key sets' overlap (keys carry the doc_id, so documents add up)."""
    counts = {}
    for table, keys in SCORED.items():
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
    per_doc = [evaluate_document({t: [r for r in tables.get(t, []) if r["doc_id"] == doc_id] for t in SCORED})
               for doc_id in sorted(gold_docs)]
    return combine(per_doc, len(gold_docs))
