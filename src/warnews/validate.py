"""validate: check built tables against the pandera models and across tables.

Every check has a stable name; a failure names the document, the check and what is wrong, and
`validation.json` in a release lists every check that ran with its result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow

from warnews.clean import Edit, rebuild
from warnews.errors import WarnewsError
from warnews.ingest import raw_bytes, raw_text
from warnews.schema import TABLES, span_tables

# Checks that need more than one table (and the raw files); run after the per-table models.
CROSS_TABLE_CHECKS = (
    "dates_not_after_as_of",
    "edits_resolve_to_documents",
    "raw_file_matches_sha256",
    "edits_match_raw_and_clean_text",
    "edits_rebuild_clean_text",
)
# Checks of the annotation tables against the documents, the entities and each other.
ANNOTATION_CHECKS = (
    "spans_match_document_text",
    "entity_references_resolve",
    "source_references_resolve",
    "errata_affected_ids_resolve",
    "mentions_do_not_overlap",
)
@dataclass
class Failure:
    doc_id: str | None
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.doc_id or '-'}: {self.check}: {self.message}"


@dataclass
class CheckResult:
    check: str
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def model_check_names(table: str, absent: tuple[str, ...] = ()) -> list[str]:
    """Names of every check the pandera model of `table` runs, in a fixed order (without those
    of `absent` columns, which a release older than them does not have)."""
    schema = TABLES[table].model.to_schema()
    names = [f"{table}: columns_match_schema"]
    for column, col in schema.columns.items():
        if column in absent:
            continue
        names.append(f"{table}.{column}: dtype")
        if not col.nullable:
            names.append(f"{table}.{column}: not_nullable")
        if col.unique:
            names.append(f"{table}.{column}: field_uniqueness")
        names += [f"{table}.{column}: {check.name}" for check in col.checks]
    names += [f"{table}: {check.name}" for check in schema.checks]
    return names


class Validator:
    """Runs every check over tables given in batches of whole documents (a build streams them),
    collecting failures by check; uniqueness is checked across batches too. Dates are checked
    against `as_of`, the date a build records (build.json), never the clock: a release validates
    the same way on any day."""

    def __init__(self, root: Path, as_of: dt.date | None = None, version: str | None = None):
        self.root = root
        self.as_of = as_of or dt.date.today()
        # columns added after `version` (the release being checked; None: the code's own build)
        self.absent = {t: tuple(c for c, added in spec.columns_added.items()
                                if _version_tuple(version) < _version_tuple(added))
                       for t, spec in TABLES.items()} if version is not None else {}
        self.results: dict[str, CheckResult] = {}
        self.entity_ids: set[str] | None = None
        self._seen: dict[tuple[str, str], set] = {}  # (table, unique column) -> values of earlier batches

    def add(self, tables: dict[str, pyarrow.Table], raw_texts: dict[str, tuple[str, str]] | None = None) -> None:
        """Check one batch. `raw_texts` (doc_id -> (raw text, sha256 of the raw bytes)) saves
        re-reading raw files the build has just read; without it, raw/ is read."""
        frames = {name: table.to_pandas() for name, table in tables.items()}
        for name in TABLES:
            if name in frames:
                absent = tuple(c for c in self.absent.get(name, ()) if c not in frames[name].columns)
                self._merge(_run_model(name, frames[name], absent))
                self._check_unique_across_batches(name, frames[name])
        if "entities" in frames:
            self.entity_ids = set(frames["entities"]["entity_id"])
        if "documents" in frames:
            self._check_dates(frames["documents"][["doc_id", "published", "collected"]].to_dict("records"))
            self._merge(_cross_table(frames["documents"], frames["edits"], self.root, raw_texts))
            if self.entity_ids is not None:
                self._merge(_annotation_checks(frames, self.entity_ids))

    def _merge(self, results: list[CheckResult]) -> None:
        for r in results:
            self.results.setdefault(r.check, CheckResult(r.check)).failures.extend(r.failures)

    def add_ids(self, rows: dict[str, list[dict]]) -> None:
        """Rows checked in an earlier build (the cache's): only their ids' uniqueness is checked."""
        for name, table_rows in rows.items():
            if table_rows:
                self._check_unique_across_batches(name, {c: [r[c] for r in table_rows] for c in table_rows[0]})
        self._check_dates(rows.get("documents", []))  # the build's date may be earlier than the cache's

    def _check_dates(self, documents: list[dict]) -> None:
        name = "dates_not_after_as_of"
        result = self.results.setdefault(name, CheckResult(name))
        for doc in documents:
            for column in ("published", "collected"):
                value = doc.get(column)
                if isinstance(value, dt.date) and value > self.as_of:
                    result.failures.append(Failure(doc.get("doc_id"), name, f"{column} {value.isoformat()} is after "
                                                   f"the build's date {self.as_of.isoformat()}"))

    def _check_unique_across_batches(self, table: str, columns) -> None:
        """pandera checks uniqueness inside a batch; this checks it against earlier batches. Only
        for tables whose keys are not made from a doc_id: a span id contains its document's
        doc_id (`id_matches_span`), and batches hold whole documents, so span ids cannot repeat
        across batches once doc_ids do not; keeping every span id would make memory grow with
        the corpus."""
        if TABLES[table].span:
            return
        for column, col in TABLES[table].model.to_schema().columns.items():
            if not col.unique or column not in columns:
                continue
            earlier = self._seen.setdefault((table, column), set())
            doc_ids = columns["doc_id"] if "doc_id" in columns else [None] * len(columns[column])
            name = f"{table}.{column}: field_uniqueness"
            for value, doc_id in zip(columns[column], doc_ids):
                if value in earlier:
                    self.results.setdefault(name, CheckResult(name)).failures.append(
                        Failure(doc_id, name, f"{column}: {value!r} also occurs in an earlier batch"))
            earlier.update(columns[column])

    def expect(self, tables) -> None:
        """Name every check that applies to these tables, so that the report lists each one even
        where no batch needed it (all rows came from the cache)."""
        names = [n for t in TABLES if t in tables for n in model_check_names(t, self.absent.get(t, ()))] + list(
            CROSS_TABLE_CHECKS)
        if "entities" in tables:
            names += list(ANNOTATION_CHECKS)
        for name in names:
            self.results.setdefault(name, CheckResult(name))

    def failures(self) -> list[Failure]:
        return [f for r in self.results.values() for f in r.failures]

    def finish(self) -> list[CheckResult]:
        """Every check in a fixed order (those that apply to the tables seen)."""
        ordered = [name for table in TABLES for name in model_check_names(table)] + list(CROSS_TABLE_CHECKS) + list(
            ANNOTATION_CHECKS)
        return [self.results[name] for name in ordered if name in self.results]


def validate_tables(tables: dict[str, pyarrow.Table], root: Path, as_of: dt.date | None = None,
                    version: str | None = None) -> list[CheckResult]:
    """Run every check that applies to the tables given (a release of an older version may have
    fewer tables, and lack columns added after it); never stops at the first failure. `as_of`:
    the build's date (default today); `version`: the release the tables are from."""
    validator = Validator(root, as_of, version)
    validator.expect(tables)
    if "entities" in tables:
        validator.add({"entities": tables["entities"]})
    validator.add({name: t for name, t in tables.items() if name != "entities"})
    return validator.finish()


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def _run_model(table: str, df: pd.DataFrame, absent: tuple[str, ...] = ()) -> list[CheckResult]:
    results = {name: CheckResult(name) for name in model_check_names(table, absent)}
    try:
        model = TABLES[table].model
        (model.to_schema().remove_columns(list(absent)) if absent else model).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        for case in err.failure_cases.to_dict("records"):
            name = _check_name(table, case)
            doc_id = _doc_id_at(df, case.get("index"))
            message = f"{case.get('column') or table}: {case.get('check')} failed for {_short(case.get('failure_case'))}"
            results.setdefault(name, CheckResult(name)).failures.append(Failure(doc_id, name, message))
    return list(results.values())


def _check_name(table: str, case: dict) -> str:
    check = str(case.get("check"))
    base = check.split("(")[0]
    base = {"coerce_dtype": "dtype", "column_in_schema": None, "column_in_dataframe": None}.get(base, base)
    column = case.get("column")
    if base is None:
        return f"{table}: columns_match_schema"
    if case.get("schema_context") == "Column" and column:
        return f"{table}.{column}: {base}"
    return f"{table}: {base}"


def _doc_id_at(df: pd.DataFrame, index) -> str | None:
    if "doc_id" not in df.columns or index is None or pd.isna(index) or index not in df.index:
        return None
    return str(df.at[index, "doc_id"])


def _short(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cross_table(docs: pd.DataFrame, edits: pd.DataFrame, root: Path,
                 raw_texts: dict[str, tuple[str, str]] | None) -> list[CheckResult]:
    results = {name: CheckResult(name) for name in CROSS_TABLE_CHECKS}

    def fail(check: str, doc_id: str | None, message: str) -> None:
        results[check].failures.append(Failure(doc_id, check, message))

    known = set(docs["doc_id"]) if "doc_id" in docs else set()
    for doc_id in sorted(set(edits.get("doc_id", [])) - known):
        fail("edits_resolve_to_documents", doc_id, "edits name a doc_id that is not in documents")
    by_doc = {doc_id: group for doc_id, group in edits.groupby("doc_id", sort=True)} if "doc_id" in edits else {}
    for doc in docs.itertuples(index=False):
        raw = _read_raw(root, doc, fail) if raw_texts is None else _given_raw(raw_texts, doc, fail)
        if raw is None:
            continue
        doc_edits = [Edit(r.rule, r.raw_start, r.raw_end, r.clean_start, r.clean_end, r.raw_text, r.clean_text)
                     for r in by_doc.get(doc.doc_id, edits.iloc[0:0]).itertuples(index=False)]
        for e in doc_edits:
            if raw[e.raw_start : e.raw_end] != e.raw_text or doc.text[e.clean_start : e.clean_end] != e.clean_text:
                fail("edits_match_raw_and_clean_text", doc.doc_id,
                     f"edit {e.rule} at raw {e.raw_start}-{e.raw_end} / clean {e.clean_start}-{e.clean_end} does not "
                     "match the raw file or the clean text")
        try:
            rebuilt = rebuild(raw, doc_edits)
        except ValueError as err:
            fail("edits_rebuild_clean_text", doc.doc_id, f"edits overlap or are out of order: {err}")
            continue
        if rebuilt != doc.text:
            at = next((i for i, (a, b) in enumerate(zip(rebuilt, doc.text)) if a != b), min(len(rebuilt), len(doc.text)))
            fail("edits_rebuild_clean_text", doc.doc_id,
                 f"raw text + edits differs from text at offset {at}: {_short(rebuilt[at:at + 30])} vs "
                 f"{_short(doc.text[at:at + 30])}")
    return list(results.values())


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def _as_list(value) -> list:
    """A cell of an id column as a list: a string, a list (an array from pandas), or nothing (None/NaN)."""
    if isinstance(value, str):
        return [value]
    return [] if value is None or isinstance(value, float) else list(value)


def _annotation_checks(frames: dict[str, pd.DataFrame], entity_ids: set[str]) -> list[CheckResult]:
    results = {name: CheckResult(name) for name in ANNOTATION_CHECKS}

    def fail(check: str, doc_id: str | None, message: str) -> None:
        results[check].failures.append(Failure(doc_id, check, message))

    texts = dict(zip(frames["documents"]["doc_id"], frames["documents"]["text"]))
    spans = [t for t in span_tables() if t in frames]
    source_ids = set(frames["sources"]["source_id"]) if "sources" in frames else set()
    claimed = {i for t in ("quotes", "claims") if t in frames for i in frames[t].iloc[:, 0]}
    for table in spans:
        df = frames[table]
        id_column = df.columns[0]
        for r in df.itertuples(index=False):
            row_id = getattr(r, id_column)
            text = texts.get(r.doc_id)
            if text is None:
                fail("spans_match_document_text", r.doc_id, f"{row_id}: no such document")
            elif not (0 <= r.start < r.end <= len(text)) or text[r.start : r.end] != r.text:
                fail("spans_match_document_text", r.doc_id,
                     f"{row_id}: text {_short(r.text)} is not documents.text[{r.start}:{r.end}]")
            else:
                for text_column, start_column, end_column in TABLES[table].secondary_spans:
                    value, start, end = (getattr(r, c) for c in (text_column, start_column, end_column))
                    if _present(start) and text[int(start):int(end)] != value:
                        fail("spans_match_document_text", r.doc_id, f"{row_id}: {text_column} {_short(value)} is not "
                             f"documents.text[{start}:{end}]")
            for column in TABLES[table].entity_columns:
                value = getattr(r, column)
                for entity_id in _as_list(value):
                    if entity_id not in entity_ids:
                        fail("entity_references_resolve", r.doc_id, f"{row_id}: {column} {entity_id!r} is not in entities")
            for column in ("source_id", "via_source_id") if table != "sources" else ("via_source_id",):
                value = getattr(r, column, None)
                if isinstance(value, str) and (value not in source_ids or not value.startswith(r.doc_id + "/")):
                    fail("source_references_resolve", r.doc_id, f"{row_id}: {column} {value!r} is not a source of this document")
            if table == "errata":
                for affected in r.affected_ids:
                    if affected not in claimed:
                        fail("errata_affected_ids_resolve", r.doc_id, f"{row_id}: affects {affected!r}, which is no quote or claim")
    if "mentions" in frames:
        for (doc_id, layer), group in frames["mentions"].groupby(["doc_id", "layer"], sort=True):
            ordered = sorted(zip(group["start"], group["end"]))
            for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
                if s2 < e1:
                    fail("mentions_do_not_overlap", doc_id, f"{layer} mentions [{s1}, {e1}) and [{s2}, {e2}) overlap")
    return list(results.values())


def _given_raw(raw_texts: dict[str, tuple[str, str]], doc, fail) -> str | None:
    text, digest = raw_texts.get(doc.doc_id, (None, None))
    if text is None or digest != doc.raw_sha256:
        fail("raw_file_matches_sha256", doc.doc_id, f"{doc.raw_path} has sha256 {digest}, documents says {doc.raw_sha256}")
        return None
    return text


def _read_raw(root: Path, doc, fail) -> str | None:
    try:
        found = raw_bytes(root, doc.raw_path)
    except WarnewsError as err:
        fail("raw_file_matches_sha256", doc.doc_id, str(err))
        return None
    if found is None:
        fail("raw_file_matches_sha256", doc.doc_id, f"raw file {doc.raw_path} is missing")
        return None
    data, html = found
    digest = hashlib.sha256(data).hexdigest()
    if digest != doc.raw_sha256:
        fail("raw_file_matches_sha256", doc.doc_id, f"{doc.raw_path} has sha256 {digest}, documents says {doc.raw_sha256}")
        return None
    return raw_text(data, doc.raw_path, html=html)[0]


def failures(results: list[CheckResult]) -> list[Failure]:
    return [f for r in results for f in r.failures]


def summary(results: list[CheckResult], tables: dict) -> str:
    """One line: PASSED or FAILED, with rows per table (`tables` maps a name to a table or a count)."""
    rows = ", ".join(f"{name} {t if isinstance(t, int) else t.num_rows}" for name, t in tables.items())
    failed = [r for r in results if not r.passed]
    if failed:
        return (f"FAILED: {len(failures(results))} failure(s) in {len(failed)} of {len(results)} checks "
                f"(rows: {rows})")
    return f"PASSED: {len(results)} checks on {len(tables)} tables (rows: {rows})"


def report(results: list[CheckResult], version: str) -> dict:
    """What validation.json holds: every check, its result and failures; no times, so it is stable."""
    return {
        "version": version,
        "passed": all(r.passed for r in results),
        "checks": [
            {"check": r.check, "status": "passed" if r.passed else "failed", "failures": [str(f) for f in r.failures]}
            for r in results
        ],
    }
