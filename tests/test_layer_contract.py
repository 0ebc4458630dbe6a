"""The layer contract: every registered layer over real texts, the files a layer's key covers,
the package's import order, and a new layer with a new table written here as a contributor would
(one plug-in module and one table spec, nothing else touched).

Real texts: the seed, and where ../shared/ is beside the repository, the first statements and
news bodies of its collections (read in place, never copied).
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow.parquet as pq
import pytest
from pandera.typing import Series

import warnews
from conftest import REPO, SEED_RAW, shared
from warnews import registry, schema
from warnews.build import BuildOptions
from warnews.ids import span_id
from warnews.knowledge import load_entities
from warnews.lexicon.gazetteer import Knowledge
from warnews.registry import Document
from warnews.validate import _run_model

PACKAGE = Path(warnews.__file__).parent
SEED = REPO / SEED_RAW


def _texts() -> list[str]:
    texts = [SEED.read_text(encoding="utf-8").strip()]
    corpora = shared("corpora")
    for line in (corpora / "primary-statements" / "kremlin-en.jsonl").read_text(encoding="utf-8").splitlines()[:12]:
        texts.append(json.loads(line)["text"])
    texts += [p.read_text(encoding="utf-8") for p in sorted((corpora / "gdelt-bodies").glob("*.txt"))[:12]]
    return texts


def _layers() -> list[registry.Layer]:
    """Every registered layer that can run here (a model layer where its model is installed)."""
    out = []
    for layer in registry.registered():
        if layer.load is None:
            out.append(layer)
        elif not registry.missing_libraries(layer) and layer.load() is not None:
            out.append(registry.resolve(layer.load().name, "test"))
    return out


KNOWLEDGE = Knowledge.of(load_entities(REPO))


def _run(layer: registry.Layer, text: str, doc_id: str) -> list[dict]:
    doc = Document(doc_id, text, dt.date(2024, 12, 14))
    upstream = {}
    for name in layer.reads:
        upstream.update(registry.run(doc, KNOWLEDGE, [registry.resolve(name, "test")]))
    return registry.rows_of(layer, doc, layer.annotate(doc, KNOWLEDGE, upstream))


LAYERS = _layers()


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.name)
def test_every_layer_gives_valid_sorted_deterministic_rows_with_ids_from_their_spans(layer):
    spec = schema.TABLES[layer.table]
    for n, text in enumerate(_texts()):
        doc_id = f"test-20241214-{n:010d}"
        rows = _run(layer, text, doc_id)
        assert rows == _run(layer, text, doc_id), f"{layer.name}: another run gives other rows"
        assert [(r["start"], r["end"]) for r in rows] == sorted((r["start"], r["end"]) for r in rows)
        for r in rows:
            assert r[spec.id_column] == span_id(doc_id, layer.table, layer.name, r["start"], r["end"])
            assert text[r["start"]:r["end"]] == r["text"] and r["layer"] == layer.name
            for text_column, start, end in spec.secondary_spans:
                if r[start] is not None:
                    assert text[r[start]:r[end]] == r[text_column]
        if rows:
            frame = pd.DataFrame(rows, columns=list(spec.model.to_schema().columns))
            failed = [result for result in _run_model(layer.table, frame) if not result.passed]
            assert not failed, [str(f) for result in failed for f in result.failures[:3]]


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.name)
def test_a_layers_key_covers_every_file_its_code_reads(layer, tmp_path):
    """In a fresh process, the layer runs on real texts with an audit hook noting every file of
    the package opened and every module of it imported; each of them must be in the layer's key,
    and a change to any file in the key must change the key."""
    texts = _texts()
    upstream = []
    for n, text in enumerate(texts):
        doc = Document(f"test-20241214-{n:010d}", text, dt.date(2024, 12, 14))
        upstream.append({name: registry.run(doc, KNOWLEDGE, [registry.resolve(name, "test")])[name] for name in layer.reads})
    (tmp_path / "inputs.pickle").write_bytes(pickle.dumps((texts, upstream)))
    script = tmp_path / "trace.py"
    script.write_text(textwrap.dedent(f"""
        import datetime, importlib, json, pickle, sys
        from pathlib import Path
        import warnews
        package = Path(warnews.__file__).parent.resolve()
        opened = set()
        def hook(event, args):
            if event == "open" and isinstance(args[0], str):
                opened.add(args[0])
        sys.addaudithook(hook)
        from warnews import registry
        from warnews.knowledge import load_entities
        from warnews.lexicon.gazetteer import Knowledge
        module = importlib.import_module({layer.module!r})  # this layer's module alone: no discovery
        name = {layer.name!r}
        declared = registry.REGISTRY.get(name) or registry.REGISTRY[name.split(":")[0]]  # a model layer: its family
        layer = declared.load() if declared.load else declared
        knowledge = Knowledge.of(load_entities(Path({str(REPO)!r})))
        texts, upstream = pickle.loads(Path({str(tmp_path / "inputs.pickle")!r}).read_bytes())
        for n, (text, rows) in enumerate(zip(texts, upstream)):
            doc = registry.Document(f"test-20241214-{{n:010d}}", text, datetime.date(2024, 12, 14))
            layer.annotate(doc, knowledge, rows)
        files = {{m.__file__ for name, m in list(sys.modules.items())
                  if name.startswith("warnews") and getattr(m, "__file__", None)}} | opened
        reached = sorted(str(Path(f).resolve()) for f in files if Path(f).resolve().is_relative_to(package)
                         and Path(f).resolve().is_file() and "__pycache__" not in f)
        print(json.dumps(reached))
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    reached = {Path(p) for p in json.loads(done.stdout.splitlines()[-1])}
    covered = {p.resolve() for p in registry.dependency_files(layer)}
    # the registry and what it imports are reached by every process; the layer's own code is what counts
    assert not reached - covered, f"{layer.name}: its rows depend on files its key leaves out: {sorted(reached - covered)}"
    key = registry.layer_key(layer)
    for path in sorted(covered):
        real = Path.read_bytes

        def changed(self, path=path):
            return real(self) + b"\n# changed\n" if self.resolve() == path else real(self)

        try:
            Path.read_bytes = changed
            assert registry.layer_key(layer) != key, f"{layer.name}: a change to {path} leaves its key unchanged"
        finally:
            Path.read_bytes = real


# --- the package's import order ------------------------------------------------------------------

# Stages from the bottom up: a module imports modules of its own stage or below, never above.
STAGES = [
    {"errors", "ids", "vocabularies", "store", "lock", "executors", "stats", "layout"},
    {"shards", "page_dumps", "ingest", "knowledge"},
    {"clean", "annotate", "language", "prepare"},
    {"lexicon", "lexicon.*", "parse"},
    {"quoting", "quoting.*"},
    {"schema"},
    {"registry", "gold", "validate", "evaluate", "versions"},
    {"layers", "layers.*"},
    {"config", "fingerprint", "parquet", "pipeline", "parts", "build", "croissant", "card", "init"},
    {"release", "textfree", "hydrate", "publish", "dedup", "add", "importer"},
    {"cli", ""},  # "" is the package itself, whose `load` reads releases
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of the package a file imports anywhere in it (functions too), by their name below
    `warnews.`; `from warnews import x` is the module x where x is one, else the package."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}".removeprefix("warnews.") in modules
                     else node.module for alias in node.names]
        for name in names:
            if name == "warnews" or name.startswith("warnews."):
                out.add(name.removeprefix("warnews").removeprefix("."))
    return out


def _stage(module: str) -> int:
    for rank, members in enumerate(STAGES):
        if module in members or any(m.endswith(".*") and module.startswith(m[:-1]) for m in members):
            return rank
    raise AssertionError(f"warnews.{module} is in no stage of this test's STAGES: place it")


def test_no_module_imports_a_higher_stage_and_there_is_no_import_circle():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    # the package's own names (`__version__`) are set before any module of it runs: no stage
    upward = sorted(f"warnews.{a} imports warnews.{b}" for a, targets in graph.items() for b in targets
                    if b and _stage(b) > _stage(a))
    assert not upward, upward
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                raise AssertionError("import circle: " + " -> ".join(path + [node, target]))
            if target not in state:
                visit(target, path + [node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_layers_holds_plug_ins_only():
    """Every module of warnews.layers declares a layer, and no module outside it imports one."""
    registry.discover()
    declaring = {layer.module for layer in registry.REGISTRY.values()}
    plugins = {f"warnews.layers.{p.stem}" for p in (PACKAGE / "layers").glob("*.py") if p.stem != "__init__"}
    assert plugins <= declaring, sorted(plugins - declaring)
    modules = _modules()
    for name, path in modules.items():
        if not name.startswith("layers"):
            assert not {m for m in _imports(path, modules) if m.startswith("layers.")}, name


# --- a new layer with a new table: one module and one spec ---------------------------------------

TOY_MODULE = '''
"""toy_words: each word `war` of a text (rule:toywords_v1), a layer written for the contract test."""

import re

from warnews.registry import Layer, register


def annotate(doc, knowledge, upstream):
    return [{"start": m.start(), "end": m.end(), "lowered": m.group().lower()}
            for m in re.finditer(r"\\b[Ww]ar\\b", doc.text)]


register(Layer("rule:toywords_v1", "toywords", annotate))
'''


def _toy_spec() -> schema.TableSpec:
    class ToyWords(schema._Spans):
        toyword_id: Series[str] = schema._id("toywords")
        doc_id: Series[str] = schema._doc_id()
        start: Series[int] = schema._start()
        end: Series[int] = schema._end()
        text: Series[str] = schema._text()
        lowered: Series[str] = pa.Field(isin=["war"], description="The word, in lower case.")
        layer: Series[str] = schema._layer()

        class Config:
            description = "One row per word `war` (a table made for the contract test)."

    return schema.TableSpec(ToyWords, ("doc_id", "start", "end", "layer"), span=True)


def test_a_new_layer_with_a_new_table_is_one_module_and_one_spec(tmp_path, monkeypatch):
    from warnews import release

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "toy_words.py").write_text(TOY_MODULE, encoding="utf-8")
    monkeypatch.setitem(schema.TABLES, "toywords", _toy_spec())
    monkeypatch.syspath_prepend(str(plugins))
    try:
        importlib.import_module("toy_words")
        root = tmp_path / "collection"
        root.mkdir()
        for name in ("raw", "outlets", "knowledge", "annotations"):
            shutil.copytree(REPO / name, root / name)
        (root / "warnews.yaml").write_text("layers: [rule:dates_v1, rule:mentions_v4, rule:quotes_v5, "
                                           "rule:toywords_v1]\n", encoding="utf-8")
        folder = tmp_path / "out"
        folder.mkdir()
        build = release.build_into(root, folder, "1.0.0", options=BuildOptions(use_cache=False))
        rows = pq.read_table(folder / "toywords.parquet").to_pylist()
        text = pq.read_table(folder / "documents.parquet").column("text")[0].as_py()
        assert rows and all(text[r["start"]:r["end"]] == r["text"] and r["lowered"] == "war" for r in rows)
        assert build["tables"]["toywords"]["rows"] == len(rows) and build["layers"]["toywords"] == {
            "rule:toywords_v1": len(rows)}
        checks = json.loads((folder / "validation.json").read_text())["checks"]
        assert {c["check"] for c in checks} >= {"toywords.toyword_id: field_uniqueness", "toywords: id_matches_span"}
        assert all(c["status"] == "passed" for c in checks)
        assert "toywords" in (folder / "croissant.json").read_text()
        # the new table's rows are cached by the layer's own key, which covers the plug-in's file
        assert plugins / "toy_words.py" in registry.dependency_files(registry.REGISTRY["rule:toywords_v1"])
    finally:
        registry.REGISTRY.pop("rule:toywords_v1", None)
        sys.modules.pop("toy_words", None)
