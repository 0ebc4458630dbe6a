"""Benchmark: where a full build's time goes, stage by stage, on one process.

Runs the per-document stages of `warnews build` over every raw document of a corpus (reading,
cleaning, the language check, the counts, each configured layer) and then validates the rows in
batches as the build does, timing each stage with the process's CPU clock. Milliseconds per
document tell which stage a speed-up must come from, and how far a stage is from the budget a
throughput target leaves (2,000 documents/s on two cores is 1 ms per document per core).

    python bench/stage_costs.py [--corpus DIR] [--shared ../shared] [--limit N]

Without --corpus, the real collections of ../shared/corpora are imported into a temporary
corpus first, as bench/real_collections.py does (the texts are never copied here).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyarrow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a warnews repository (a folder with raw/)")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents (in doc_id order)")
    args = parser.parse_args()
    if args.corpus is not None:
        return measure(args.corpus.resolve(), args.limit)
    import real_collections

    with tempfile.TemporaryDirectory(prefix="warnews-stages-") as tmp:
        root = Path(tmp) / "real"
        (root / "raw").mkdir(parents=True)
        real_collections.import_all(root, real_collections.sources(args.shared, Path(tmp)))
        return measure(root, args.limit)


def measure(root: Path, limit: int | None) -> int:
    from warnews import registry
    from warnews.annotate import count_sentences, count_words
    from warnews.language import read_language
    from warnews.build import order_documents
    from warnews.ingest import read_raw
    from warnews.card import identity
    from warnews.parquet import schemas as table_schemas
    from warnews.pipeline import Context
    from warnews.validate import _run_model

    ordered = order_documents(root, use_cache=False)[:limit]
    ctx = Context(root)
    spent: dict[str, float] = defaultdict(float)
    words = 0

    def timed(stage: str, fn):
        started = time.process_time()
        value = fn()
        spent[stage] += time.process_time() - started
        return value

    rows: dict[str, list[dict]] = defaultdict(list)
    for doc_id, path, _ in ordered:
        raw = timed("read raw", lambda: read_raw(ctx.root, path))
        result = timed("clean", lambda: ctx.cleaner.clean(raw.path, raw.meta.outlet, raw.meta.published, raw.text,
                                                                   raw.kind))
        timed("language reading (CLD2, lingua where unsure; at import)", lambda: read_language(result.text))
        words += timed("counts", lambda: (count_words(result.text), count_sentences(result.text))[0])
        document = registry.Document(doc_id, result.text, raw.meta.published)
        done: dict[str, list[dict]] = {}
        for layer in ctx.layers:
            upstream = {r: done[r] for r in layer.reads}
            done[layer.name] = timed(layer.name, lambda: registry.rows_of(
                layer, document, layer.annotate(document, ctx.knowledge, upstream)))
            rows[layer.table] += done[layer.name]
    # validation of the annotation tables, in the build's batch size (documents' own checks need
    # the whole build's rows; this times the pandera models on the layers' rows)
    schemas = table_schemas("0.0.0", identity(root))
    batch_documents = ctx.config.batch_documents
    for table, table_rows in rows.items():
        for at in range(0, len(table_rows), batch_documents * 30):
            batch = pyarrow.Table.from_pylist(table_rows[at:at + batch_documents * 30], schema=schemas[table])
            timed(f"validate {table} (pandera)", lambda: _run_model(table, batch.to_pandas()))
    n = len(ordered)
    total = sum(spent.values())
    print(f"{n:,} documents, {words:,} words ({words / max(n, 1):,.0f} per document), one process, CPU time:")
    for stage, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<44} {seconds * 1000 / n:8.2f} ms/document  {seconds / total:6.1%}")
    print(f"  {'all of the above':<44} {total * 1000 / n:8.2f} ms/document  "
          f"(= {n / total:,.0f} documents/s per core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
