"""build: what decides the rows is in the fingerprint and in build.json; a result made under
another fingerprint is never cached or written; validation batches and the build's date.

Corpora here are the repository's own copy or synthetic ones from bench/synthetic.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata

import pyarrow.parquet as pq
import pytest

from conftest import NEXT, REPO, SEED_DOC_ID, SEED_RAW, snapshot
from pathlib import Path
from warnews import build as build_module
from warnews import release as rel
from warnews import fingerprint, pipeline, registry
from warnews.build import BuildOptions
from warnews.pipeline import Context, process_document, process_task
from warnews.errors import WarnewsError
from warnews.executors import Executor, ProcessExecutor, make_executor
from warnews.validate import Validator
from warnews.store import SUFFIX

sys.path.insert(0, str(REPO / "bench"))
from synthetic import make_corpus  # noqa: E402


def _messages_of(root, folder, **options) -> list[str]:
    messages = []
    folder.mkdir()
    rel.build_into(root, folder, "1.0.0", messages.append, BuildOptions(**options))
    return messages


def test_a_worker_asked_for_another_fingerprint_is_refused():
    with pytest.raises(WarnewsError, match=r"this worker sees other code, profiles, knowledge or libraries than "
                                           r"the build \(fingerprints differ\); restart the workers"):
        process_task(str(REPO), "0" * 64, [str(REPO / SEED_RAW)], False)


class _StaleExecutor(Executor):
    """Hands back results as a worker with other inputs would: under another fingerprint."""

    description = "a stale worker"

    def map(self, fn, tasks):
        for args in tasks:
            results = fn(*args)  # a batch of documents
            for result in results:
                result.fingerprint = "f" * 64
            yield results


def test_a_result_made_under_another_fingerprint_is_never_cached_or_written(repo_copy):
    staging = repo_copy / rel.STAGING_DIR
    with pytest.raises(WarnewsError, match=r"raw/news-az/.*\.txt: processed under fingerprint ffffffffffff, but this "
                                           r"build's is [0-9a-f]{12}; nothing was written: build again"):
        rel.build(repo_copy, options=BuildOptions(_StaleExecutor()))
    assert not staging.exists()
    cache = repo_copy / build_module.CACHE_DIR
    # no document result is cached (stages/ holds results keyed by what they depend on, checked by their keys)
    assert [p for p in cache.rglob(f"*{SUFFIX}") if p.name != f"doc_ids{SUFFIX}" and "stages" not in p.parts] == []


class _EditingExecutor(Executor):
    """Changes an outlet profile while the documents are processed."""

    description = "1 process"

    def __init__(self, profile):
        self.profile = profile

    def map(self, fn, tasks):
        self.profile.write_text(self.profile.read_text() + "  - 'Added while the build ran'\n")
        return (fn(*args) for args in tasks)


def test_profiles_changed_while_the_build_runs_stop_it(repo_copy):
    rel.build(repo_copy)
    staging = repo_copy / rel.STAGING_DIR
    before = snapshot(staging)
    with pytest.raises(WarnewsError, match=r"outlets/ or knowledge/ changed while the build ran; nothing was written"):
        rel.build(repo_copy, options=BuildOptions(_EditingExecutor(repo_copy / "outlets" / "_all.yaml"),
                                                  use_cache=False))
    assert snapshot(staging) == before


def test_the_fingerprint_follows_the_unicode_database(repo_copy, monkeypatch):
    first = Context(repo_copy).fingerprint
    monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    assert Context(repo_copy).fingerprint != first


def test_the_fingerprint_follows_every_pinned_library(repo_copy, monkeypatch):
    first = Context(repo_copy).fingerprint
    real = fingerprint.metadata.version
    monkeypatch.setattr(fingerprint.metadata, "version", lambda name: "0.0.1" if name == "pyyaml" else real(name))
    assert Context(repo_copy).fingerprint != first


def test_an_edited_gold_file_is_not_taken_from_the_cache(repo_copy):
    _messages_of(repo_copy, repo_copy / "first")
    gold = repo_copy / "annotations" / f"{SEED_DOC_ID}.yaml"
    text = gold.read_text(encoding="utf-8")
    assert text.count("kind: forecast") >= 1
    gold.write_text(text.replace("kind: forecast", "kind: opinion", 1), encoding="utf-8")
    messages = _messages_of(repo_copy, repo_copy / "second")
    assert "documents: 0 from the cache, 1 processed on 1 process" in messages
    fresh = _messages_of(repo_copy, repo_copy / "fresh", use_cache=False)
    assert "documents: 0 from the cache, 1 processed on 1 process" in fresh
    assert snapshot(repo_copy / "second") == snapshot(repo_copy / "fresh")
    assert snapshot(repo_copy / "second")["claims.parquet"] != snapshot(repo_copy / "first")["claims.parquet"]


def test_edited_knowledge_is_not_taken_from_the_cache(repo_copy):
    _messages_of(repo_copy, repo_copy / "first")
    entities = repo_copy / "knowledge" / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    assert "name: Volodymyr Zelenskyy" in text
    entities.write_text(text.replace("name: Volodymyr Zelenskyy", "name: Volodymyr Zelensky", 1), encoding="utf-8")
    messages = _messages_of(repo_copy, repo_copy / "second")
    assert "documents: 0 from the cache, 1 processed on 1 process" in messages
    _messages_of(repo_copy, repo_copy / "fresh", use_cache=False)
    assert snapshot(repo_copy / "second") == snapshot(repo_copy / "fresh")
    assert snapshot(repo_copy / "second")["entities.parquet"] != snapshot(repo_copy / "first")["entities.parquet"]


@pytest.fixture(scope="module")
def seed_tables():
    tables, _ = rel.build_tables(REPO, "1.0.0")
    return tables


def test_a_doc_id_repeated_in_a_later_batch_fails_uniqueness(seed_tables):
    batch = {name: seed_tables[name] for name in ("documents", "edits")}
    validator = Validator(REPO)
    validator.add(batch)
    assert validator.failures() == []
    validator.add(batch)
    assert [str(f) for f in validator.failures() if f.check == "documents.doc_id: field_uniqueness"] == [
        f"{SEED_DOC_ID}: documents.doc_id: field_uniqueness: doc_id: '{SEED_DOC_ID}' also occurs in an earlier batch"]


def test_a_cached_document_repeating_a_doc_id_fails_uniqueness(seed_tables):
    documents = seed_tables["documents"]
    validator = Validator(REPO)
    validator.add_ids({"documents": documents.to_pylist()})
    validator.add_ids({"documents": documents.to_pylist()})
    assert [str(f) for f in validator.failures()] == [
        f"{SEED_DOC_ID}: documents.doc_id: field_uniqueness: doc_id: '{SEED_DOC_ID}' also occurs in an earlier batch"]


def test_dates_are_checked_against_the_build_date_not_the_clock(seed_tables):
    documents = seed_tables["documents"].to_pylist()  # published 2024-12-14
    on_the_day = Validator(REPO, as_of=dt.date(2024, 12, 14))
    on_the_day.add_ids({"documents": documents})
    assert on_the_day.failures() == []
    before = Validator(REPO, as_of=dt.date(2024, 12, 13))
    before.add_ids({"documents": documents})
    assert [str(f) for f in before.failures()] == [
        f"{SEED_DOC_ID}: dates_not_after_as_of: published 2024-12-14 is after the build's date 2024-12-13"]


def test_a_build_records_its_date_and_validate_uses_it(repo_copy, run):
    code, out, err = run(repo_copy, "build", "--as-of", "2024-12-20")
    assert code == 0, err
    build = json.loads((repo_copy / rel.STAGING_DIR / "build.json").read_text())
    assert build["settings"]["as_of"] == "2024-12-20"
    assert run(repo_copy, "validate")[0] == 0
    path = repo_copy / rel.STAGING_DIR / "build.json"
    build["settings"]["as_of"] = "2024-12-01"  # a build recorded before the article appeared
    path.write_text(json.dumps(build))
    code, out, _ = run(repo_copy, "validate")
    assert code == 1
    assert f"{SEED_DOC_ID}: dates_not_after_as_of: published 2024-12-14 is after the build's date 2024-12-01" in out


def test_a_build_dated_before_its_documents_is_refused(repo_copy, run):
    code, _, err = run(repo_copy, "build", "--as-of", "2024-12-13")
    assert code == 1
    assert "dates_not_after_as_of: published 2024-12-14 is after the build's date 2024-12-13" in err
    assert not (repo_copy / rel.STAGING_DIR).exists()


def test_a_bad_as_of_date_is_refused(repo_copy, run):
    code, _, err = run(repo_copy, "build", "--as-of", "14/12/2024")
    assert code == 1 and "--as-of '14/12/2024' is not an ISO date (YYYY-MM-DD)" in err


def test_release_takes_the_options_build_takes(repo_copy, run):
    code, out, err = run(repo_copy, "release", NEXT, "--no-git", "--jobs", "2", "--no-cache", "--as-of",
                         "2025-01-01")
    assert code == 0, err
    assert "documents: 0 from the cache, 1 processed on 2 processes" in out
    build = json.loads((repo_copy / "corpus" / f"v{NEXT}" / "build.json").read_text())
    assert build["settings"]["as_of"] == "2025-01-01"


@pytest.mark.parametrize("args,message", [
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"),
    (["--jobs", "0"], "--jobs 0: give at least 1 process"),
])
def test_bad_executor_options_are_refused(args, message, repo_copy, run):
    code, _, err = run(repo_copy, "build", *args)
    assert code == 1 and message in err


def test_a_kept_pool_serves_several_builds(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 20)
    with ProcessExecutor(2) as executor:
        first = _messages_of(corpus, tmp_path / "a", executor=executor, use_cache=False)
        pool = executor._pool
        second = _messages_of(corpus, tmp_path / "b", executor=executor, use_cache=False)
        assert executor._pool is pool  # the same processes did both builds
    assert executor._pool is None
    assert "documents: 0 from the cache, 20 processed on 2 processes" in first + second
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_a_pool_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    # the pool freezes what its first task loaded (so forked workers share it); a notebook that
    # builds twice must get its garbage collected afterwards as before
    corpus = make_corpus(tmp_path / "corpus", 6)
    assert gc.get_freeze_count() == 0
    local = _messages_of(corpus, tmp_path / "local", use_cache=False)
    pooled = _messages_of(corpus, tmp_path / "pool", executor=ProcessExecutor(2), use_cache=False)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert any("6 processed on 2 processes" in m for m in pooled)
    assert snapshot(tmp_path / "local") == snapshot(tmp_path / "pool")


def test_make_executor_picks_what_the_command_line_names():
    assert make_executor("local", 1).description == "1 process"
    assert make_executor("local", 3).description == "3 processes"


def test_importing_warnews_leaves_global_state_alone():
    code = ("import matplotlib; matplotlib.use('svg'); import sys; import warnews, warnews.cli, warnews.release, "
            "warnews.stats, warnews.publish, warnews.croissant; "
            "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["svg", "False"]


def test_a_changed_layer_recomputes_that_layer_only(repo_copy, monkeypatch):
    calls = []
    real_clean = pipeline.read_and_clean
    monkeypatch.setattr(pipeline, "read_and_clean", lambda *args: calls.append("clean") or real_clean(*args))
    ctx = Context(repo_copy, use_cache=True)
    # counting copies of the layers (the registered ones stay as they are); their keys are the real ones
    ctx.layers = tuple(dataclasses.replace(layer, annotate=_counting(layer.annotate, layer.name, calls))
                       for layer in ctx.layers)
    path = repo_copy / SEED_RAW
    first = process_document(ctx, path)
    assert calls == ["clean"] + [layer.name for layer in ctx.layers]
    calls.clear()
    assert process_document(ctx, path).rows == first.rows and calls == []  # every stage from the cache
    ctx.layer_keys["rule:quotes_v5"] = "0" * 64  # as if the quote rules had changed
    assert process_document(ctx, path).rows == first.rows and calls == ["rule:quotes_v5"]


def _counting(annotate, name, calls):
    def counted(*args):
        calls.append(name)
        return annotate(*args)
    return counted


@pytest.mark.parametrize("content,message", [
    ("layers: [rule:dates_v1, rule:nothing_v9]\n", r"layer 'rule:nothing_v9' is not available; available: rule:dates_v1"),
    ("layers: [rule:quotes_v5]\n", r"layer rule:quotes_v5 reads rule:dates_v1, which must be listed before it"),
    ("layers: [spacy_v3:en_core_web_sm-3.8.0-000000000000]\n", r"is not available; .*pip install 'warnews\[ner\]'"),
    ("layer: [rule:dates_v1]\n", r"expected a mapping with one key, `layers`"),
])
def test_a_bad_layer_list_stops_the_build(content, message, repo_copy, run):
    (repo_copy / "warnews.yaml").write_text(content)
    code, _, err = run(repo_copy, "build")
    assert code == 1 and re.search(message, err), err
    assert not (repo_copy / rel.STAGING_DIR).exists()


def test_without_a_layer_list_the_rule_layers_run(repo_copy, run):
    (repo_copy / "warnews.yaml").unlink(missing_ok=True)
    assert run(repo_copy, "build")[0] == 0
    build = json.loads((repo_copy / rel.STAGING_DIR / "build.json").read_text())
    assert build["settings"]["automatic_layers"] == registry.rule_layers()
    assert build["settings"]["model_libraries"] == {}


@pytest.mark.parametrize("changed", ["layers/quotes.py", "lexicon/names.py", "lexicon/data/country_names.yaml"])
def test_the_fingerprint_covers_the_layers_code_and_data(changed, monkeypatch):
    target = Path(fingerprint.__file__).parent / changed
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: real(self) + b"# changed" if self == target else real(self))
    assert fingerprint._package_digest() != fingerprint._CODE  # a cached result made with the old file is no longer a hit


def test_places_a_build_links_become_entities_rows(repo_copy, run, tmp_path):
    # a synthetic article (not news) naming a city no curated entity holds
    article = tmp_path / "article.txt"
    article.write_text("Synthetic test text. " + " ".join(
        f"The council of Kharkiv met on day {i} and agreed on a new plan for the river bridge." for i in range(8)),
        encoding="utf-8")
    code, _, err = run(repo_copy, "add", str(article), "--outlet", "example-outlet", "--published", "2024-05-06",
                       "--license", "CC-BY-4.0", "--outlet-name", "Example Outlet", "--domain", "example.org",
                       "--country", "US")
    assert code == 0, err
    assert run(repo_copy, "build")[0] == 0 and run(repo_copy, "validate")[0] == 0
    staging = repo_copy / rel.STAGING_DIR
    entities = {e["entity_id"]: e for e in pq.read_table(staging / "entities.parquet").to_pylist()}
    kharkiv = entities["geonames-706483"]
    assert (kharkiv["name"], kharkiv["country"], kharkiv["other_ids"]) == (
        "Kharkiv", "UA", [{"scheme": "geonames", "id": "706483"}])
    mentions = pq.read_table(staging / "mentions.parquet").to_pylist()
    assert {m["entity_id"] for m in mentions if m["text"] == "Kharkiv"} == {"geonames-706483"}
    assert len(entities) == 16 + 1  # the curated ones and the one place linked


def test_a_batch_parses_ahead_only_the_texts_whose_model_rows_are_not_cached(repo_copy, monkeypatch):
    """process_batch hands the model layers' texts to one nlp.pipe run, gives each document the
    rows it gets alone, and parses nothing whose model rows the stage cache holds."""
    from warnews import parse

    if parse.load_model() is None:
        if os.environ.get("CI"):
            pytest.fail("the spaCy model is not installed, and CI installs '.[test]', which has it")
        pytest.skip("the spaCy model is not installed: pip install -e '.[test]'")
    seed = repo_copy / SEED_RAW
    other = seed.with_name("2024-12-14-synthetic-copy.txt")  # the seed with a synthetic sentence added
    other.write_bytes(seed.read_bytes() + b"\nA synthetic sentence added by this test.\n")
    sidecar = seed.with_name(seed.name.replace(".txt", ".meta.yaml"))
    other.with_name(other.name.replace(".txt", ".meta.yaml")).write_text(sidecar.read_text(encoding="utf-8").replace(
        hashlib.sha256(seed.read_bytes()).hexdigest(), hashlib.sha256(other.read_bytes()).hexdigest()), encoding="utf-8")
    parsed_ahead = []
    real = pipeline.parse_ahead
    monkeypatch.setattr(pipeline, "parse_ahead", lambda texts, components: parsed_ahead.append(len(texts))
                        or real(texts, components))
    ctx = Context(repo_copy, use_cache=True)
    assert any(layer.components for layer in ctx.layers)
    alone = [process_document(Context(repo_copy), path).rows for path in (seed, other)]
    assert [r.rows for r in pipeline.process_batch(ctx, [seed, other])] == alone and parsed_ahead == [2]
    assert [r.rows for r in pipeline.process_batch(ctx, [seed, other])] == alone and parsed_ahead == [2]
    spacy_mentions = next(layer.name for layer in ctx.layers if layer.name.startswith("spacy_v3:"))
    ctx.layer_keys[spacy_mentions] = "0" * 64  # as if the spaCy mention layer's code had changed
    assert [r.rows for r in pipeline.process_batch(ctx, [seed, other])] == alone and parsed_ahead == [2, 2]
