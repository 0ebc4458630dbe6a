"""pipeline: one document from its raw file to its rows in every table.

`process_document` is pure: a document and the repository's fixed inputs (a Context) in, rows
out, sorted by each table's keys; so running it on N processes, or taking its result from the
cache, gives the same files. With a cache, the cleaning stage and each layer keep their results
in build/cache/stages/, keyed by exactly what they depend on (`fingerprint`), so a change to one
layer's code recomputes that layer only.

Work is handed out in batches of documents (`process_batch`): the texts whose model layers are
not in the cache are parsed ahead in one `nlp.pipe` run (warnews.parse), which is where spaCy is
fast, and each document is then processed alone, as before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from warnews import registry
from warnews.annotate import count_sentences, count_words
from warnews.language import READER, read_language
from warnews.clean import Cleaner, CleanResult, Edit
from warnews.config import Config
from warnews.errors import WarnewsError
from warnews.fingerprint import build_fingerprint, cleaning_key, digest, layer_keys
from warnews.gold import errata_rows, load_gold
from warnews.ids import make_doc_id
from warnews.ingest import RawDocument, Sidecar, page_disagreements, raw_key_bytes
from warnews.parse import forget_ahead, parse_ahead
from warnews.knowledge import load_entities, load_errata
from warnews.lexicon.gazetteer import Knowledge
from warnews.prepare import read_and_clean
from warnews.schema import TABLES
from warnews.store import Store


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
    language_read_here: bool = False  # its raw carries no language_read (see warnews.language): read by the build
    language_reader: str = ""  # the rule that read its language (warnews.language.READER when it was read here)


# The classes a cache entry may hold (warnews.store rebuilds no other).
STORED = (DocResult, RawDocument, Sidecar, CleanResult, Edit)


class Context:
    """The repository's fixed inputs a document is processed against, loaded once per process.
    The fingerprint is taken before anything is loaded; the build takes it again at its end, so
    inputs that changed while it ran are noticed."""

    def __init__(self, root: Path, use_cache: bool = False, config: Config | None = None):
        self.root = root
        self.config = config or Config.load(root)  # a worker reads warnews.yaml itself
        self.fingerprint = build_fingerprint(self.config)
        self.cleaner = Cleaner(root)
        self.entities = load_entities(root)
        self.knowledge = Knowledge.of(self.entities)
        self.errata = load_errata(root, self.entities)
        self.layers = self.config.layers()
        self.stages: dict[str, Store] | None = {} if use_cache else None
        self.cleaning_key = cleaning_key(root)
        self.layer_keys = layer_keys(root, self.layers)

    def cached(self, stage: str, key: str, make):
        """A stage's result for a document under its key: from build/cache/stages/, or made and kept."""
        if self.stages is None:
            return make()
        return self._store(stage).get_or_make(key, make)

    def has(self, stage: str, key: str) -> bool:
        """Whether build/cache/stages/ holds the stage's result under key (never, without a cache)."""
        return self.stages is not None and self._store(stage).has(key)

    def _store(self, stage: str) -> Store:
        if stage not in self.stages:
            self.stages[stage] = Store(self.config.cache_dir / "stages" / stage.replace(":", "_"), types=STORED)
        return self.stages[stage]

    def layer_cache_keys(self, doc: registry.Document) -> dict[str, str]:
        return registry.cache_keys(doc, self.layers, key=lambda layer: self.layer_keys[layer.name])


def clean_document(ctx: Context, path: Path) -> tuple[RawDocument, CleanResult]:
    """The raw document and its cleaning (the cleaning stage, from the cache where it has it)."""
    clean_key = digest(ctx.cleaning_key.encode(), str(path.relative_to(ctx.root)).encode(), raw_key_bytes(path))
    return ctx.cached("clean", clean_key, lambda: read_and_clean(ctx.root, path, ctx.cleaner))


def _document(raw: RawDocument, result: CleanResult) -> registry.Document:
    """What the layers read of a cleaned document."""
    return registry.Document(make_doc_id(raw.meta.outlet, raw.meta.published, raw.sha256), result.text,
                             raw.meta.published)


def process_batch(ctx: Context, paths: list[Path]) -> list[DocResult]:
    """process_document for each path, the texts the model layers will read parsed ahead in one
    nlp.pipe run with only the components they read (none where their rows are in the cache)."""
    cleaned = [clean_document(ctx, path) for path in paths]
    model = [layer for layer in ctx.layers if layer.components]
    if model:
        texts = []
        for raw, result in cleaned:
            document = _document(raw, result)
            keys = ctx.layer_cache_keys(document) if ctx.stages is not None else None
            if keys is None or not all(ctx.has(layer.name, keys[layer.name]) for layer in model):
                texts.append(document.text)
        if len(texts) > 1:
            parse_ahead(texts, {name for layer in model for name in layer.components})
    try:
        return [process_document(ctx, path, done) for path, done in zip(paths, cleaned)]
    finally:
        forget_ahead()


def process_document(ctx: Context, path: Path, cleaned: tuple[RawDocument, CleanResult] | None = None) -> DocResult:
    """Ingest, clean and annotate one raw file (`cleaned`: its clean_document, where the caller
    has it). The same inputs give the same result."""
    raw, result = cleaned or clean_document(ctx, path)
    meta = raw.meta
    document = _document(raw, result)
    doc_id, text = document.doc_id, document.text
    # read when the text came in (warnews import, add); a raw file written by hand, or imported
    # before that was stored, is read here by the same rule
    reader, (detected, confidence) = (meta.language_read[0], meta.language_read[1:]) if meta.language_read \
        else (READER, read_language(text))
    rows: dict[str, list[dict]] = {name: [] for name in TABLES if name != "entities"}
    rows["documents"].append({
        "doc_id": doc_id, "outlet": meta.outlet, "outlet_name": meta.outlet_name,
        "outlet_domain": meta.outlet_domain, "outlet_country": meta.outlet_country, "url": meta.url,
        "title": meta.title or raw.page.get("title"), "published": meta.published, "language": meta.language,
        "language_detected": detected, "language_confidence": confidence,
        "text": text, "n_chars": len(text), "n_words": count_words(text), "n_sentences": count_sentences(text),
        "raw_path": raw.path, "raw_sha256": raw.sha256, "input_kind": raw.kind, "license": meta.license,
        "license_note": meta.license_note,
        "collected": meta.collected, "collected_from": meta.collected_from,
        "extra": [{"key": key, "value": value} for key, value in meta.extra], "first_version": None,
    })
    rows["edits"] = [{"doc_id": doc_id, **asdict(e)} for e in result.edits]
    gold = load_gold(ctx.root, doc_id, text, ctx.entities)
    for table, table_rows in gold.items():
        rows[table] += table_rows
    rows["errata"] += errata_rows(ctx.errata, doc_id, text, gold)
    done = registry.run(document, ctx.knowledge, ctx.layers, cached=ctx.cached,
                        key=lambda layer: ctx.layer_keys[layer.name])
    for layer in ctx.layers:
        rows[layer.table] += done[layer.name]
    for table, table_rows in rows.items():
        keys_of = TABLES[table].keys
        table_rows.sort(key=lambda r: tuple(r[k] for k in keys_of))
    notes = page_disagreements(raw) + (["a whole-page dump in which no article was found: its text is kept whole"]
                                       if "no_article" in result.declined.get("strip_page_furniture", {}) else [])
    return DocResult(doc_id, raw.path, raw.sha256, raw.text, rows, any(gold.values()), ctx.fingerprint,
                     notes, result.declined, language_read_here=meta.language_read is None,
                     language_reader=reader)


# The Context of each repository this process has worked for, with the fingerprint it was made
# under. A worker may outlive a build (a pool or cluster kept between builds); a task names the
# fingerprint the build expects, and a Context made under another one is made again.
_CONTEXTS: dict[tuple[str, bool], Context] = {}


def process_task(root: str, fingerprint: str, paths: list[str], use_cache: bool = False) -> list[DocResult]:
    """process_batch wherever an executor runs it, with a Context made under `fingerprint`."""
    ctx = _CONTEXTS.get((root, use_cache))
    if ctx is None or ctx.fingerprint != fingerprint:
        ctx = _CONTEXTS[(root, use_cache)] = Context(Path(root), use_cache)
    if ctx.fingerprint != fingerprint:
        raise WarnewsError(f"{paths[0]}: this worker sees other code, profiles, knowledge or libraries than the build "
                           "(fingerprints differ); restart the workers with the same warnews installed and the "
                           "same repository files, then build again")
    return process_batch(ctx, [Path(path) for path in paths])
