"""release: build the tables from raw/, write them as deterministic Parquet, release and verify.

Guarantees: the same inputs give byte-identical files; a release folder appears whole or not at
all (it is written to a temporary folder and renamed); an existing release is never overwritten;
`verify` proves a committed release equals a fresh build, naming any file that differs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Callable

import pyarrow
import pyarrow.parquet as pq
from tqdm import tqdm

from warnews import __version__
from warnews.annotate import check_language, count_sentences, count_words
from warnews.auto import Gazetteer, dates_v1, mentions_v1, quotes_v1
from warnews.clean import RULE_NAMES, Cleaner
from warnews.croissant import write_croissant
from warnews.errors import WarnewsError
from warnews.evaluate import evaluate
from warnews.gold import ANNOTATIONS_DIR, errata_rows, load_gold
from warnews.ingest import find_raw_files, page_disagreements, read_raw
from warnews.knowledge import load_entities, load_errata
from warnews.schema import KEYS, MODELS, SPAN_TABLES, arrow_schema, column_descriptions, make_doc_id, table_description
from warnews.stats import corpus_stats, report_html
from warnews.validate import failures, report, summary, validate_tables
from warnews.versions import (
    CORPUS_DIR,
    MANIFEST,
    check_manifest,
    check_step,
    diff_folders,
    file_sha256,
    parse_version,
    release_dir,
    releases,
)

STAGING_DIR = Path("build") / "staging"
# Up to this many documents the build reports each one; beyond, every this many.
PROGRESS_EVERY = 100
# Rows per Parquet row group; fixed so that the file layout does not depend on anything else.
ROW_GROUP_SIZE = 10_000
LICENSE_URLS = ["https://creativecommons.org/licenses/by/4.0/", "https://opensource.org/licenses/MIT"]
LICENSE_SUMMARY = (
    "Code: MIT. Annotations, metadata and cleaning records: CC-BY-4.0. Article texts: copyright of "
    "their publishers, included for research (see each document's license column and LICENSE)."
)
# Libraries whose versions the released bytes (or the build's decisions) depend on.
PINNED = ("pyarrow", "pandera", "lingua-language-detector", "tzdata", "ftfy", "trafilatura", "mlcroissant",
          "matplotlib")

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def citation(version: str) -> str:
    return f"The warnews maintainers. warnews: news reports on the Russia-Ukraine war, cleaned and annotated (version {version}) [Data set]."


# --- versions ----------------------------------------------------------------------------------


def default_version(root: Path) -> str:
    """What an unreleased build is stamped with: the next minor version, or 1.0.0 for the first."""
    known = releases(root)
    if not known:
        return "1.0.0"
    major, minor, _ = parse_version(known[-1])
    return f"{major}.{minor + 1}.0"


def _first_versions(root: Path, version: str) -> dict[str, str]:
    """doc_id -> the oldest release before `version` that contains it."""
    first: dict[str, str] = {}
    for older in releases(root):
        if parse_version(older) >= parse_version(version):
            break
        path = release_dir(root, older) / "documents.parquet"
        if path.is_file():
            for doc_id in pq.read_table(path, columns=["doc_id"]).column("doc_id").to_pylist():
                first.setdefault(doc_id, older)
    return first


# --- build -------------------------------------------------------------------------------------


def build_tables(root: Path, version: str, progress: Progress = _quiet) -> tuple[dict[str, pyarrow.Table], dict]:
    """Ingest and clean every raw file; return the tables and the counts for build.json."""
    parse_version(version)
    cleaner = Cleaner(root)
    first = _first_versions(root, version)
    raw_files = find_raw_files(root)
    if not raw_files:
        raise WarnewsError(f"{root / 'raw'}: no raw .txt files to build from")
    entities = load_entities(root)
    gazetteer = Gazetteer.from_entities(entities)
    errata = load_errata(root, entities)
    rows: dict[str, list[dict]] = {name: [] for name in MODELS}
    rows["entities"] = [e.row() for e in entities.values()]
    documents, edits, seen, inputs, gold_docs, page_notes = rows["documents"], rows["edits"], {}, [], set(), []
    rule_counts = {name: {"documents": 0, "edits": 0} for name in RULE_NAMES}
    bar = tqdm(raw_files, desc="clean + annotate", unit="doc", file=sys.stderr, disable=None)  # a bar on a terminal
    for i, path in enumerate(bar, 1):
        raw = read_raw(root, path)
        meta = raw.meta
        result = cleaner.clean(raw.path, meta.outlet, meta.published, raw.text)
        if not result.text:
            raise WarnewsError(f"{raw.path}: nothing is left after cleaning; is this an article?")
        check_language(result.text, meta.language, raw.path)
        doc_id = make_doc_id(meta.outlet, meta.published, raw.sha256)
        if doc_id in seen:
            raise WarnewsError(f"{raw.path}: same doc_id {doc_id} as {seen[doc_id]} (same bytes, outlet and date); "
                               "remove the duplicate raw file")
        seen[doc_id] = raw.path
        for note in page_disagreements(raw):
            page_notes.append({"raw_path": raw.path, "note": note})
            progress(f"{raw.path}: {note}")
        inputs.append({"raw_path": raw.path, "sha256": raw.sha256})
        documents.append({
            "doc_id": doc_id, "outlet": meta.outlet, "outlet_name": meta.outlet_name,
            "outlet_domain": meta.outlet_domain, "outlet_country": meta.outlet_country, "url": meta.url,
            "title": meta.title or raw.page.get("title"), "published": meta.published, "language": meta.language, "text": result.text,
            "n_chars": len(result.text), "n_words": count_words(result.text),
            "n_sentences": count_sentences(result.text), "raw_path": raw.path, "raw_sha256": raw.sha256,
            "license": meta.license, "license_note": meta.license_note, "collected": meta.collected,
            "collected_from": meta.collected_from, "first_version": first.get(doc_id, version),
        })
        for rule in RULE_NAMES:
            hits = sum(1 for e in result.edits if rule in e.rule.split("+"))
            rule_counts[rule]["edits"] += hits
            rule_counts[rule]["documents"] += bool(hits)
        edits += [{"doc_id": doc_id, **asdict(e)} for e in result.edits]
        gold = load_gold(root, doc_id, result.text, entities)
        if any(gold.values()):
            gold_docs.add(doc_id)
        for table, table_rows in gold.items():
            rows[table] += table_rows
        rows["errata"] += errata_rows(errata, doc_id, result.text, gold)
        rows["mentions"] += mentions_v1(doc_id, result.text, gazetteer)
        dates = dates_v1(doc_id, result.text, meta.published)
        rows["dates"] += dates
        rows["quotes"] += quotes_v1(doc_id, result.text, gazetteer, entities, dates)
        if len(raw_files) <= PROGRESS_EVERY or i % PROGRESS_EVERY == 0:  # a line per document while they are few
            progress(f"cleaned and annotated {i}/{len(raw_files)}: {raw.path} -> {doc_id} ({len(result.edits)} edits"
                     f"{', gold' if doc_id in gold_docs else ''})")
    _check_every_annotation_has_its_document(root, set(seen), errata)
    tables = {name: _to_table(name, table_rows) for name, table_rows in rows.items()}
    info = {"inputs": inputs, "rules": rule_counts, "page_metadata": page_notes,
            "tables": {name: {"rows": t.num_rows, "file": f"{name}.parquet"} for name, t in tables.items()},
            "layers": {name: _count_layers(rows[name]) for name in SPAN_TABLES},
            "evaluation": evaluate(rows, gold_docs)}
    return tables, info


def _count_layers(rows: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["layer"]] = counts.get(row["layer"], 0) + 1
    return dict(sorted(counts.items()))


def _check_every_annotation_has_its_document(root: Path, doc_ids: set[str], errata: list[dict]) -> None:
    for path in sorted((root / ANNOTATIONS_DIR).glob("*.yaml")):
        if path.stem not in doc_ids:
            raise WarnewsError(f"{path}: no document has doc_id {path.stem}; rename the file after its document's doc_id")
    for item in errata:
        if item["doc_id"] not in doc_ids:
            raise WarnewsError(f"{item['where']}: no document has doc_id {item['doc_id']}")


def _to_table(name: str, rows: list[dict]) -> pyarrow.Table:
    table = pyarrow.Table.from_pylist(rows, schema=arrow_schema(name))
    return table.sort_by([(key, "ascending") for key in KEYS[name]])


# --- write -------------------------------------------------------------------------------------


def write_parquet(table: pyarrow.Table, path: Path, name: str, version: str) -> None:
    """Deterministic Parquet: fixed compression, row groups and sorted schema metadata."""
    meta = {
        "warnews.citation": citation(version),
        "warnews.columns": json.dumps(column_descriptions(name), ensure_ascii=False, sort_keys=True),
        "warnews.description": table_description(name),
        "warnews.license": LICENSE_SUMMARY,
        "warnews.table": name,
        "warnews.version": version,
    }
    table = table.replace_schema_metadata(dict(sorted(meta.items())))
    pq.write_table(table, path, compression="zstd", compression_level=9, row_group_size=ROW_GROUP_SIZE,
                   use_dictionary=True, write_statistics=True, version="2.6")


def _dump_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_manifest(folder: Path) -> None:
    """sha256sum-compatible list of every file in the folder but the manifest itself."""
    lines = [f"{file_sha256(p)}  {p.name}\n" for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST]
    (folder / MANIFEST).write_text("".join(lines), encoding="utf-8")


def build_into(root: Path, folder: Path, version: str, progress: Progress = _quiet) -> dict:
    """Build, validate and write a complete release folder (which must be new and empty)."""
    tables, info = build_tables(root, version, progress)
    evaluation = info.pop("evaluation")
    results = validate_tables(tables, root)
    problems = failures(results)
    if problems:
        listing = "\n".join(str(f) for f in problems)
        raise WarnewsError(f"the build of {version} fails validation, nothing was written:\n{listing}\n{summary(results, tables)}")
    progress(summary(results, tables))
    for name, table in tables.items():
        write_parquet(table, folder / f"{name}.parquet", name, version)
    build = {"version": version, "warnews": __version__, **info,
             "libraries": {lib: metadata.version(lib) for lib in PINNED}}
    _dump_json(build, folder / "build.json")
    _dump_json(report(results, version), folder / "validation.json")
    _dump_json({"version": version, **evaluation}, folder / "evaluation.json")
    (folder / "report.html").write_text(report_html(corpus_stats(tables), version), encoding="utf-8")
    write_croissant(folder, version, citation(version), LICENSE_URLS)
    write_manifest(folder)
    return build


def _atomic_build(root: Path, target: Path, version: str, progress: Progress, replace: bool,
                  check: Callable[[Path], None] | None = None) -> dict:
    """Build into a temporary sibling of `target`, run `check` on it, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old = None
    try:
        build = build_into(root, tmp, version, progress)
        if check is not None:
            check(tmp)
        if target.exists():
            if not replace:
                raise WarnewsError(f"{target} already exists; released versions are never overwritten")
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        tmp.rename(target)
        return build
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
        if old is not None and old.exists():
            shutil.rmtree(old)


def build(root: Path, version: str | None = None, progress: Progress = _quiet) -> tuple[Path, dict]:
    """`warnews build`: a complete, validated build in build/staging (replacing the previous one)."""
    version = version or default_version(root)
    target = root / STAGING_DIR
    return target, _atomic_build(root, target, version, progress, replace=True)


def release(root: Path, version: str, progress: Progress = _quiet) -> tuple[Path, dict, dict | None]:
    """`warnews release X.Y.Z`: write corpus/vX.Y.Z once; refuse an existing or older version, and
    a version number that understates the change from the newest release. Returns the folder,
    build.json and the change from the newest release (None for the first)."""
    target = release_dir(root, version)
    if target.exists():
        raise WarnewsError(f"{target} already exists; released versions are never overwritten: choose a new version")
    known = releases(root)
    newer = [v for v in known if parse_version(v) >= parse_version(version)]
    if newer:
        raise WarnewsError(f"version {version} is not newer than the released {newer[-1]}; choose a higher version")
    change = {}

    def check(folder: Path) -> None:
        if known:
            previous = release_dir(root, known[-1])
            problems = check_manifest(previous)
            if problems:
                raise WarnewsError(f"{previous}: its files do not match its manifest; restore them before "
                                   "releasing:\n" + "\n".join(problems))
            change.update(diff_folders(previous, folder))
            check_step(change, known[-1], version)

    build = _atomic_build(root, target, version, progress, replace=False, check=check)
    return target, build, change or None


def commit_and_tag(root: Path, version: str, paths: list[Path]) -> str | None:
    """In a git checkout whose top is `root`: commit the release and what it updated, tag it
    v<version>. Returns what happened, or None outside a git checkout."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)

    top = git("rev-parse", "--show-toplevel")
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
        return None
    names = [str(p.relative_to(root)) for p in paths]
    steps = (("add", "--", *names), ("commit", "-m", f"Release data {version}", "--", *names),
             ("tag", "-a", f"v{version}", "-m", f"warnews data {version}"))
    for args in steps:
        done = git(*args)
        if done.returncode != 0:
            raise WarnewsError(f"corpus/v{version} is released, but `git {' '.join(args[:2])}` failed: "
                               f"{done.stderr.strip() or done.stdout.strip()}; commit and tag it by hand")
    return f"committed and tagged v{version}"


# --- verify ------------------------------------------------------------------------------------


def verify(root: Path, version: str | None = None, progress: Progress = _quiet) -> list[str]:
    """Check the manifest, rebuild from raw/ and compare byte for byte; return the problems.

    A release built by this version of the package is compared file for file. An older release
    (its build.json names another package version) has its tables compared by columns and rows:
    its reports (build.json, validation.json, evaluation.json) and column descriptions describe
    the code that built them, and the tables later versions added are not expected in it.
    """
    known = releases(root)
    if version is None:
        if not known:
            raise WarnewsError(f"{root / CORPUS_DIR}: no release to verify")
        version = known[-1]
    folder = release_dir(root, version)
    if not folder.is_dir():
        raise WarnewsError(f"{folder}: no such release; released: {', '.join(known) or 'none'}")
    problems = check_manifest(folder)
    progress(f"manifest of {folder.relative_to(root)}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    built_by = _built_by(folder)
    same_code = built_by == __version__
    with tempfile.TemporaryDirectory(prefix="warnews-verify-") as tmp:
        fresh = Path(tmp)
        build_into(root, fresh, version, progress)
        released = {p.name for p in folder.iterdir()}
        if same_code:
            names = sorted(released | {p.name for p in fresh.iterdir()})
        else:
            names = sorted(n for n in released if n.endswith(".parquet"))
        same = 0
        for name in names:
            a, b = folder / name, fresh / name
            if not a.is_file():
                problems.append(f"{a}: missing (a fresh build writes it)")
            elif not b.is_file():
                problems.append(f"{a}: not written by a fresh build")
            elif a.read_bytes() == b.read_bytes() or (not same_code and _same_rows(a, b)):
                same += 1
            else:
                problems.append(f"{a}: differs from a fresh build of raw/")
        if same_code:
            progress(f"rebuilt {version} from raw/: {same} of {len(names)} files byte-identical")
        else:
            progress(f"rebuilt {version} from raw/: {same} of {len(names)} tables have the same columns and rows "
                     f"(built by warnews {built_by}: its reports and column descriptions are not compared)")
    return problems


def _same_rows(a: Path, b: Path) -> bool:
    """Same column names, types and rows (schema metadata such as descriptions aside)."""
    try:
        return pq.read_table(a).equals(pq.read_table(b), check_metadata=False)
    except (OSError, ValueError):
        return False


def _built_by(folder: Path) -> str | None:
    try:
        return json.loads((folder / "build.json").read_text(encoding="utf-8")).get("warnews")
    except (OSError, ValueError):
        return None
