"""evaluate: score each automatic layer against gold, on the documents that have gold.

Exact-span precision, recall and F1 (a span counts only if start and end both match), and the
same with the layer's key attribute (entity, speakers, date value) required to match too. The
numbers are what they are; they go into evaluation.json and the dataset card.
"""

from __future__ import annotations

from warnews.auto import DATES_V1, MENTIONS_V1, QUOTES_V1
from warnews.gold import GOLD

# layer -> (table, {score name: key of a row})
SCORED = {
    MENTIONS_V1: ("mentions", {
        "span": lambda r: (r["doc_id"], r["start"], r["end"]),
        "span+entity": lambda r: (r["doc_id"], r["start"], r["end"], r["entity_id"]),
    }),
    QUOTES_V1: ("quotes", {
        "span": lambda r: (r["doc_id"], r["start"], r["end"]),
        "span+kind": lambda r: (r["doc_id"], r["start"], r["end"], r["kind"]),
        "span+speaker": lambda r: (r["doc_id"], r["start"], r["end"], tuple(sorted(r["speaker_entity_ids"]))),
    }),
    DATES_V1: ("dates", {
        "span": lambda r: (r["doc_id"], r["start"], r["end"]),
        "span+value": lambda r: (r["doc_id"], r["start"], r["end"], r["value"].isoformat()),
    }),
}


def prf(predicted: set, gold: set) -> dict:
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": len(predicted) - tp, "fn": len(gold) - tp,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(tables: dict[str, list[dict]], gold_docs: set[str]) -> dict:
    """Scores per automatic layer, on the documents with a gold file."""
    result = {"documents_with_gold": len(gold_docs), "layers": {}}
    for layer, (table, keys) in SCORED.items():
        rows = [r for r in tables[table] if r["doc_id"] in gold_docs]
        gold = [r for r in rows if r["layer"] == GOLD]
        auto = [r for r in rows if r["layer"] == layer]
        scores = {name: prf({key(r) for r in auto}, {key(r) for r in gold}) for name, key in keys.items()}
        result["layers"][layer] = {"table": table, "gold_rows": len(gold), "predicted_rows": len(auto),
                                   "scores": scores}
    return result
