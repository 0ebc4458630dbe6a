"""build: every table of a corpus from raw/, streamed, in parallel and with a cache.

Guarantees: documents are visited part by part (warnews.parts: a shard, or all raw files outside
shards), in doc_id order within a part, and each one's rows come out sorted (`pipeline.process_document`),
so each part's tables are sorted by key without holding them in memory; running on N processes,
or taking results from the caches, gives byte-identical files; memory grows with the batch size
and the number of parts, not with the number of documents (the set of doc_ids kept for the
uniqueness check aside). A part whose inputs did not change is copied from the part cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator

import pyarrow
import pyarrow.parquet as pq
from tqdm import tqdm

from warnews import shards
from warnews.clean import RULE_NAMES
from warnews.config import CACHE_DIR, Config
from warnews.errors import WarnewsError
from warnews.evaluate import combine, evaluate_document
from warnews.executors import Executor, LocalExecutor
from warnews.fingerprint import build_fingerprint
from warnews.gold import ANNOTATIONS_DIR
from warnews.ids import make_doc_id
from warnews.ingest import find_raw_files, load_sidecar, parse_sidecar, raw_key_bytes, read_record, record_line, record_ref, sidecar_path
from warnews.lexicon.identity import Spellings, is_automatic
from warnews.lexicon.places import entity_row as place_row
from warnews.layout import data_files
from warnews.parquet import TableWriter, table_of, write_options
from warnews.parts import PartCache, PartSummary, group_parts, linked_places, part_key, part_of
from warnews.pipeline import _CONTEXTS, STORED, Context, DocResult, process_document, process_task
from warnews.schema import CORPUS_TABLES, TABLES, span_tables
from warnews.store import Store
from warnews.validate import Validator
from warnews.versions import file_sha256

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs; none of it changes the files written, except `as_of`, which build.json
    records and validation checks dates against."""

    executor: Executor = field(default_factory=LocalExecutor)  # where documents are processed
    use_cache: bool = True  # reuse validated per-document results from build/cache/
    as_of: dt.date | None = None  # the build's date (default: today); no published or collected date may follow it


def as_of(options: BuildOptions) -> dt.date:
    return options.as_of or dt.date.today()


# The cache's entry that remembers what doc_id each sidecar and shard record gives.
MEMO_KEY = "doc_ids"
PARTS_DIR = "parts"  # the part cache, under CACHE_DIR
# Documents a worker takes at once: enough for spaCy's nlp.pipe to batch the texts the model
# layers parse (warnews.parse), few enough that a pool's workers share the work evenly.
DOCUMENTS_PER_TASK = 32


def order_documents(root: Path, use_cache: bool = True) -> list[tuple[str, Path, str]]:
    """(doc_id, raw path, sha256 of the bytes that decide it) for every raw document, in doc_id
    order, read from the sidecars (or records) alone. The cache's `doc_ids` entry remembers what
    each sidecar's bytes give, and each shard's records' digests and doc_ids under the shard's
    size and times (`shards.stamp`): a shard seen before is not decompressed again."""
    raw_files = find_raw_files(root)
    if not raw_files:
        raise WarnewsError(f"{root / 'raw'}: no raw .txt or .html files to build from")
    memo_store = Store(root / CACHE_DIR)
    memo = (memo_store.get(MEMO_KEY) or {}) if use_cache else {}
    if not isinstance(memo.get("shards"), dict) or not isinstance(memo.get("sidecars"), dict):
        memo = {"shards": {}, "sidecars": {}}
    fresh: dict = {"shards": {}, "sidecars": {}}
    seen: dict[str, Path] = {}
    found = []
    for path in raw_files:
        ref = record_ref(path)
        if ref is not None:
            doc_id, digest = _shard_entries(root, ref[0], memo, fresh)[ref[1] - 1]
        else:
            side = sidecar_path(path)
            described = side.read_bytes() if side.is_file() else b""
            key = hashlib.sha256(described).digest() if described else b""
            doc_id = memo["sidecars"].get(key) or make_doc_id(*_id_parts(load_sidecar(side)))
            fresh["sidecars"][key] = doc_id
            digest = hashlib.sha256(raw_key_bytes(path)).hexdigest()
        if doc_id in seen:
            raise WarnewsError(f"{path.relative_to(root)}: same doc_id {doc_id} as {seen[doc_id].relative_to(root)} "
                               "(same bytes, outlet and date); remove the duplicate raw file")
        seen[doc_id] = path
        found.append((doc_id, path, digest))
    if use_cache and fresh != memo:
        memo_store.put(MEMO_KEY, fresh)
    return sorted(found)


def _id_parts(meta) -> tuple:
    return meta.outlet, meta.published, meta.sha256


def _shard_entries(root: Path, shard: Path, memo: dict, fresh: dict) -> list[tuple[str, str]]:
    """(doc_id, sha256 of the record line) of each record of a shard, from the memo where the
    shard's stamp is the one remembered."""
    rel = shard.relative_to(root).as_posix()
    if rel in fresh["shards"]:
        return fresh["shards"][rel][1]
    stamp = shards.stamp(shard)[1:]  # without the path, so a moved repository keeps its memo
    remembered = memo["shards"].get(rel)
    if remembered is not None and remembered[0] == stamp:
        entries = remembered[1]
    else:
        entries = []
        for n in range(1, shards.count(shard) + 1):
            line = record_line(shard, n)
            where = f"{rel}#{n}"
            meta = parse_sidecar(read_record(shard, n, where)[2], where)
            entries.append((make_doc_id(*_id_parts(meta)), hashlib.sha256(line).hexdigest()))
    fresh["shards"][rel] = (stamp, entries)
    return entries


class _KnownEntities:
    """The entity ids a row may name while the build runs: the curated ones, every place id made
    from package data and every automatic person or organisation id (each becomes an entities
    row at the end)."""

    def __init__(self, curated: set[str]):
        self.curated = curated

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.curated or is_automatic(entity_id) or place_row(entity_id) is not None


def _automatic_ids(rows: dict[str, list[dict]]) -> set[str]:
    """The automatic person and organisation ids any entity column of a document's rows names."""
    found = set()
    for table, spec in TABLES.items():
        for r in rows.get(table, ()):
            for column in spec.entity_columns:
                value = r.get(column)
                for entity_id in (value if isinstance(value, list) else [value]):
                    if isinstance(entity_id, str) and is_automatic(entity_id):
                        found.add(entity_id)
    return found


def check_annotations_have_documents(root: Path, doc_ids: set[str], errata: list[dict]) -> None:
    """Gold files and errata name documents by doc_id; one that names none is a mistake."""
    for path in sorted((root / ANNOTATIONS_DIR).glob("*.yaml")):
        if path.stem not in doc_ids:
            raise WarnewsError(f"{path}: no document has doc_id {path.stem}; rename the file after its document's doc_id")
    for item in errata:
        if item["doc_id"] not in doc_ids:
            raise WarnewsError(f"{item['where']}: no document has doc_id {item['doc_id']}")


def cache_key(root: Path, fingerprint: str, doc_id: str, path: Path, raw_digest: str) -> str:
    """A document's result's key: the fingerprint of code, profiles and knowledge, the raw file's
    path and `raw_digest` (sha256 of the raw file and its sidecar, or of the record:
    order_documents) and its gold file, so a hit is exactly what processing would give."""
    digest = hashlib.sha256(fingerprint.encode())
    prefix = len(str(root)) + 1
    digest.update(str(path)[prefix:].encode() + b"\0" + raw_digest.encode() + b"\0")
    gold = f"{root}/{ANNOTATIONS_DIR}/{doc_id}.yaml"
    try:
        with open(gold, "rb") as handle:
            digest.update(handle.read())
    except FileNotFoundError:
        digest.update(b"-")
    return digest.hexdigest()


def results(ordered: list[tuple[str, Path, str]], keys: dict[str, str], ctx: Context, executor: Executor,
            cache: Store, stats: dict) -> Iterator[DocResult]:
    """DocResults in the order given: from the cache where it has them (loaded one at a time),
    else computed by the executor. Each carries the fingerprint it was made under, which must be
    the build's."""
    hits = [cache.has(keys[doc_id]) for doc_id, _, _ in ordered]
    use_cache = ctx.stages is not None
    missing = [str(path) for (_, path, _), hit in zip(ordered, hits) if not hit]
    stats.update(cached=len(ordered) - len(missing), computed=len(missing))
    _CONTEXTS[(str(ctx.root), use_cache)] = ctx  # work done in this process (or processes forked from it) starts from it
    batches = [missing[i:i + DOCUMENTS_PER_TASK] for i in range(0, len(missing), DOCUMENTS_PER_TASK)]
    computed = (result for batch in executor.map(process_task, [(str(ctx.root), ctx.fingerprint, batch, use_cache)
                                                                 for batch in batches])
                for result in batch)
    try:
        for hit, (doc_id, path, _) in zip(hits, ordered):
            result = cache.get(keys[doc_id]) if hit else None
            if result is not None:
                result.validated = True  # it passed validation when it was cached
            else:
                result = next(computed) if not hit else process_document(ctx, path)  # a damaged entry: redo it
                result.validated = False
            if result.fingerprint != ctx.fingerprint:
                raise WarnewsError(f"{result.raw_path}: processed under fingerprint {result.fingerprint[:12]}, but "
                                   f"this build's is {ctx.fingerprint[:12]}; nothing was written: build again")
            result.cache_key = keys[doc_id]
            yield result
    finally:
        if hasattr(computed, "close"):
            computed.close()


def _summarize(summary: PartSummary, doc: DocResult, ctx: Context, spellings: Spellings) -> None:
    """Add what the corpus-wide results need of one document to its part's summary."""
    row = doc.rows["documents"][0]
    summary.documents.append([doc.doc_id, row["published"], row["collected"]])
    summary.inputs.append({"raw_path": doc.raw_path, "sha256": doc.raw_sha256, "input_kind": row["input_kind"]})
    summary.language_read_here += doc.language_read_here
    summary.readers[doc.language_reader] = summary.readers.get(doc.language_reader, 0) + 1
    summary.page_notes += [{"raw_path": doc.raw_path, "note": note} for note in doc.page_notes]
    for rule in RULE_NAMES:
        hits = sum(1 for e in doc.rows["edits"] if rule in e["rule"].split("+"))
        counts = summary.rules[rule]
        counts["edits"] += hits
        counts["documents"] += bool(hits)
        for reason, n in doc.declined.get(rule, {}).items():
            counts["declined"][reason] = counts["declined"].get(reason, 0) + n
    for table in span_tables():
        layers = summary.layers.setdefault(table, {})
        for r in doc.rows[table]:
            layers[r["layer"]] = layers.get(r["layer"], 0) + 1
    summary.places.update(linked_places(doc.rows, ctx.entities))  # sets while the part is built (PartSummary.done)
    spellings.add_document(doc.rows)
    summary.referenced.update(_automatic_ids(doc.rows))
    if doc.gold:
        summary.gold_documents += 1
        summary.scores.append(evaluate_document(doc.rows))


def build_tables_into(config: Config, folder: Path, version: str, schemas: dict[str, pyarrow.Schema],
                      first_versions: dict[str, str], options: BuildOptions = BuildOptions(),
                      progress: Progress = lambda message: None) -> tuple[dict, Validator, dict]:
    """Process every document of `config.root` and stream its rows into folder/<table>.parquet
    (or, with more than one part, folder/<table>/<part>.parquet: warnews.parts), validating each
    batch before it is written; a part whose key the part cache holds is copied from it. Returns
    the counts for build.json, the validator and the evaluation against gold."""
    root = config.root
    ctx = Context(root, options.use_cache, config)
    written = write_options(config)
    ordered = order_documents(root, options.use_cache)
    validator = Validator(root, as_of(options))
    validator.expect(TABLES)
    # entities: the curated ones, and the package places (countries, cities) that mentions link to;
    # the table is made and checked once every document has named its places
    validator.entity_ids = _KnownEntities(set(ctx.entities))
    cache = Store(root / CACHE_DIR, options.use_cache, types=STORED)
    part_cache = PartCache(root / CACHE_DIR / PARTS_DIR, options.use_cache)
    keys = {doc_id: cache_key(root, ctx.fingerprint, doc_id, path, digest) for doc_id, path, digest in ordered}
    parts = group_parts(root, ordered)
    parted = len(parts) > 1
    tables = [name for name in TABLES if name not in CORPUS_TABLES]
    part_keys = {name: part_key(ctx.fingerprint, schemas, written,
                                [(keys[d], first_versions.get(d, version)) for d, _, _ in entries])
                 for name, entries in parts.items()}
    kept = {name: part_cache.get(key) for name, key in part_keys.items()}
    todo = [entry for name, entries in parts.items() if kept[name] is None for entry in entries]
    cache_stats: dict = {}
    stream = results(todo, keys, ctx, options.executor, cache, cache_stats)
    docs = iter(tqdm(stream, total=len(todo), desc="build", unit="doc", file=sys.stderr, disable=None))
    if parted:
        for name in tables:
            (folder / name).mkdir()
    total, done = PartSummary(), 0
    curated = {e.entity_id: e.type for e in ctx.entities.values()}

    def target(table: str, part: str) -> Path:
        return folder / table / f"{part}.parquet" if parted else folder / f"{table}.parquet"

    for part, entries in parts.items():
        summary = kept[part]
        if summary is not None:  # copied: its rows were validated when it was written; its ids still count
            for name in tables:
                if summary.rows[name] or not parted:
                    part_cache.copy(part_keys[part], name, target(name, part))
            validator.add_ids({"documents": [{"doc_id": d, "published": p, "collected": c}
                                             for d, p, c in summary.documents]})
            for note in summary.page_notes:
                progress(f"{note['raw_path']}: {note['note']}")
            done += len(entries)
            progress(f"part {part}: {len(entries)} documents, copied from the part cache")
        else:
            summary, spellings = PartSummary(places=set(), referenced=set()), Spellings(curated)
            writers = {name: TableWriter(target(name, part), name, schemas[name], written) for name in tables}
            batch: list[DocResult] = []
            for doc in islice(docs, len(entries)):
                doc.rows["documents"][0]["first_version"] = first_versions.get(doc.doc_id, version)
                _summarize(summary, doc, ctx, spellings)
                for note in doc.page_notes:
                    progress(f"{doc.raw_path}: {note}")
                batch.append(doc)
                if len(batch) >= config.batch_documents:
                    _flush(batch, writers, schemas, validator, cache, version)
                done += 1
                if len(ordered) <= config.progress_every or done % config.progress_every == 0:
                    progress(f"cleaned and annotated {done}/{len(ordered)}: {doc.raw_path} -> {doc.doc_id} "
                             f"({len(doc.rows['edits'])} edits{', gold' if doc.gold else ''})")
            _flush(batch, writers, schemas, validator, cache, version)
            summary.rows = {name: writer.close() for name, writer in writers.items()}
            if summary.rows["documents"] != len(entries):  # never a part short of a document
                raise WarnewsError(f"part {part}: {summary.rows['documents']} of its {len(entries)} documents came back "
                                   "from processing; nothing was written: build again")
            summary.files = {name: file_sha256(writer.path) for name, writer in writers.items()}
            summary.done(spellings)
            part_cache.put(part_keys[part], {name: writer.path for name, writer in writers.items()}, summary)
            if parted:  # a part holds no file without rows (`datasets` cannot read one)
                for name, writer in writers.items():
                    if not summary.rows[name]:
                        writer.path.unlink()
        total.merge(summary)
    if parted:  # a table without rows in any part is one file without rows, as in a build of one part
        for name in tables:
            if not total.rows[name]:
                (folder / name).rmdir()
                TableWriter(folder / f"{name}.parquet", name, schemas[name], written).close()
    check_annotations_have_documents(root, {doc_id for doc_id, _, _ in ordered}, ctx.errata)
    spellings = total.spellings_of(curated)
    entity_rows = [e.row() for e in ctx.entities.values()] + [place_row(i) for i in total.places] + \
        spellings.entity_rows(set(total.referenced))
    corpus_tables = {"entities": pyarrow.Table.from_pylist(entity_rows, schema=schemas["entities"]),
                     "merges": pyarrow.Table.from_pylist(spellings.merge_rows(ctx.knowledge), schema=schemas["merges"])}
    corpus_tables = {name: t.sort_by([(k, "ascending") for k in TABLES[name].keys]) for name, t in corpus_tables.items()}
    validator.add(corpus_tables)
    if validator.failures():
        raise WarnewsError(f"the build of {version} fails validation, nothing was written:\n"
                           + "\n".join(str(f) for f in validator.failures()[:50]))
    for name, table in corpus_tables.items():
        pq.write_table(table.replace_schema_metadata(schemas[name].metadata), folder / f"{name}.parquet", **written)
    rows = {**{name: t.num_rows for name, t in corpus_tables.items()}, **total.rows}
    if build_fingerprint(config) != ctx.fingerprint:
        raise WarnewsError(f"{root}: outlets/ or knowledge/ changed while the build ran; nothing was written: build again")
    part_cache.keep(set(part_keys.values()))
    reused = [name for name, summary in kept.items() if summary is not None]
    progress(f"documents: {cache_stats.get('cached', 0)} from the cache, {cache_stats.get('computed', 0)} processed "
             f"on {options.executor.description}"
             + (f"; {len(ordered) - len(todo)} in {len(reused)} of {len(parts)} parts copied from the part cache"
                if reused else ""))
    language_read_here = total.language_read_here
    if language_read_here:
        progress(f"language: read by this build for {language_read_here} of {len(ordered)} documents, whose raw "
                 "carries no reading (a file written by hand, or imported before warnews 1.9.0); `warnews import` "
                 "and `warnews add` read it once and store it with the record")
    for counts in total.rules.values():
        counts["declined"] = dict(sorted(counts["declined"].items()))
    info = {"inputs": sorted(total.inputs, key=lambda x: x["raw_path"]), "rules": total.rules,
            "language_read": {"with_the_record": len(ordered) - language_read_here, "by_the_build": language_read_here,
                              "readers": dict(sorted(total.readers.items()))},
            "page_metadata": sorted(total.page_notes, key=lambda x: x["raw_path"]),
            "tables": {name: {"rows": rows[name], "file": data_files(name, parted and name in tables and rows[name] > 0)}
                       for name in TABLES},
            "layers": {name: dict(sorted(total.layers.get(name, {}).items())) for name in span_tables()}}
    if parted:
        info["parts"] = {name: {"documents": len(entries), "raw": part_of(root, entries[0][1])[1]}
                         for name, entries in parts.items()}  # a part's container, from any of its documents
    return info, validator, combine(total.scores, total.gold_documents)


def _flush(batch: list[DocResult], writers: dict[str, TableWriter], schemas: dict[str, pyarrow.Schema],
           validator: Validator, cache: Store, version: str) -> None:
    """Validate the batch's new results (cached ones were validated when cached; their ids still
    count for uniqueness), write every row, then cache the new results."""
    if not batch:
        return
    fresh = [d for d in batch if not d.validated]
    if fresh:
        tables = {name: table_of([r for d in fresh for r in d.rows[name]], schemas[name]) for name in writers}
        validator.add(tables, {d.doc_id: (d.raw_text, d.raw_sha256) for d in fresh})
    validator.add_ids({"documents": [r for d in batch if d.validated for r in d.rows["documents"]]})
    if validator.failures():
        raise WarnewsError(f"the build of {version} fails validation, nothing was written:\n"
                           + "\n".join(str(f) for f in validator.failures()[:50]))
    for name, writer in writers.items():
        writer.add([r for d in batch for r in d.rows[name]])
    for d in fresh:
        cache.put(d.cache_key, d)
    batch.clear()
