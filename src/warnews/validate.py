"""validate: check built tables against the pandera models and across tables.

Every check has a stable name; a failure names the document, the check and what is wrong, and
`validation.json` in a release lists every check that ran with its result.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow

from warnews.clean import Edit, rebuild
from warnews.schema import MODELS

# Checks that need more than one table (and the raw files); run after the per-table models.
CROSS_TABLE_CHECKS = (
    "edits_resolve_to_documents",
    "raw_file_matches_sha256",
    "edits_match_raw_and_clean_text",
    "edits_rebuild_clean_text",
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


def model_check_names(table: str) -> list[str]:
    """Names of every check the pandera model of `table` runs, in a fixed order."""
    schema = MODELS[table].to_schema()
    names = [f"{table}: columns_match_schema"]
    for column, col in schema.columns.items():
        names.append(f"{table}.{column}: dtype")
        if not col.nullable:
            names.append(f"{table}.{column}: not_nullable")
        if col.unique:
            names.append(f"{table}.{column}: field_uniqueness")
        names += [f"{table}.{column}: {check.name}" for check in col.checks]
    names += [f"{table}: {check.name}" for check in schema.checks]
    return names


def validate_tables(tables: dict[str, pyarrow.Table], root: Path) -> list[CheckResult]:
    """Run every model check and every cross-table check; never stops at the first failure."""
    frames = {name: table.to_pandas() for name, table in tables.items()}
    results: list[CheckResult] = []
    for name in MODELS:
        results += _run_model(name, frames[name])
    results += _cross_table(frames["documents"], frames["edits"], root)
    return results


def _run_model(table: str, df: pd.DataFrame) -> list[CheckResult]:
    results = {name: CheckResult(name) for name in model_check_names(table)}
    try:
        MODELS[table].validate(df, lazy=True)
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


def _cross_table(docs: pd.DataFrame, edits: pd.DataFrame, root: Path) -> list[CheckResult]:
    results = {name: CheckResult(name) for name in CROSS_TABLE_CHECKS}

    def fail(check: str, doc_id: str | None, message: str) -> None:
        results[check].failures.append(Failure(doc_id, check, message))

    known = set(docs["doc_id"]) if "doc_id" in docs else set()
    for doc_id in sorted(set(edits.get("doc_id", [])) - known):
        fail("edits_resolve_to_documents", doc_id, "edits name a doc_id that is not in documents")
    by_doc = {doc_id: group for doc_id, group in edits.groupby("doc_id", sort=True)} if "doc_id" in edits else {}
    for doc in docs.itertuples(index=False):
        raw = _read_raw(root, doc, fail)
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


def _read_raw(root: Path, doc, fail) -> str | None:
    path = root / doc.raw_path
    if not path.is_file():
        fail("raw_file_matches_sha256", doc.doc_id, f"raw file {doc.raw_path} is missing")
        return None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != doc.raw_sha256:
        fail("raw_file_matches_sha256", doc.doc_id, f"{doc.raw_path} has sha256 {digest}, documents says {doc.raw_sha256}")
        return None
    return data.decode("utf-8")


def failures(results: list[CheckResult]) -> list[Failure]:
    return [f for r in results for f in r.failures]


def summary(results: list[CheckResult], tables: dict[str, pyarrow.Table]) -> str:
    rows = ", ".join(f"{name} {table.num_rows}" for name, table in tables.items())
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
