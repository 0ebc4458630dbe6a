"""versions: load any release by name, compare two releases, and hold version numbers to what changed.

Semantic versions for data: a patch fixes rows and keeps every table's columns; a minor version
adds documents, tables or columns (or removes documents); a major version removes a table or a
column or changes a column's type.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path


from warnews.errors import WarnewsError
from warnews.ids import SEMVER_PATTERN
from warnews.layout import count_rows, files_of, read_schema, read_table, table_files
from warnews.schema import TABLES

CORPUS_DIR = "corpus"
MANIFEST = "MANIFEST.sha256"
LEVELS = ("patch", "minor", "major")


def parse_version(version: str) -> tuple[int, int, int]:
    if not isinstance(version, str) or not re.match(SEMVER_PATTERN, version):
        raise WarnewsError(f"version {version!r} is not a semantic version X.Y.Z (e.g. 1.0.0)")
    return tuple(int(x) for x in version.split("."))


def releases(root: Path) -> list[str]:
    """Released versions under corpus/, oldest first."""
    folder = root / CORPUS_DIR
    found = [p.name[1:] for p in folder.glob("v*") if p.is_dir() and re.match(SEMVER_PATTERN, p.name[1:])]
    return sorted(found, key=parse_version)


def release_dir(root: Path, version: str) -> Path:
    parse_version(version)
    return root / CORPUS_DIR / f"v{version}"


def check_manifest(folder: Path) -> list[str]:
    """Problems of a release folder against its MANIFEST.sha256 (empty when all is well)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return [f"{manifest}: missing"]
    problems, listed = [], set()
    for n, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        m = re.match(r"^([0-9a-f]{64})  (\S+)$", line)
        if not m or ".." in m.group(2).split("/") or m.group(2).startswith("/"):
            problems.append(f"{manifest}: line {n} is not '<sha256>  <file inside the folder>'")
            continue
        digest, name = m.groups()
        listed.add(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: listed in {MANIFEST} but missing")
        elif file_sha256(path) != digest:
            problems.append(f"{path}: sha256 differs from {MANIFEST} (the file changed after release)")
    for name in release_files(folder):
        if name not in listed:
            problems.append(f"{folder / name}: not listed in {MANIFEST}")
    return problems


def release_files(folder: Path) -> list[str]:
    """Every file of a release folder but its manifest, as paths relative to it (a table written
    in parts is a folder: `documents/<part>.parquet`), sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST)



def file_sha256(path: Path) -> str:
    """sha256 of a file, read in chunks so that large tables are never held in memory whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()




def _folder(root: Path, version: str, check: bool = True) -> Path:
    folder = release_dir(root, version)
    if not folder.is_dir():
        raise WarnewsError(f"{folder}: no such release; released: {', '.join(releases(root)) or 'none'}")
    if check:
        problems = check_manifest(folder)
        if problems:
            raise WarnewsError(f"{folder}: its files do not match its manifest, refusing to use it:\n" + "\n".join(problems))
    return folder


def load(table: str, version: str | None = None, as_: str = "pandas", root: Path | str = "."):
    """One table of a release (the newest by default) as a pandas DataFrame or a datasets.Dataset,
    after checking the release's files against its manifest."""
    root = Path(root)
    known = releases(root)
    if not known:
        raise WarnewsError(f"{root.resolve() / 'corpus'}: no release found; pass root= the repository folder")
    version = version or known[-1]
    folder = _folder(root, version)
    files = files_of(folder, table)
    if not files:
        tables = sorted({name for name, _ in table_files(folder)})
        raise WarnewsError(f"release {version} has no table {table!r}; it has {', '.join(tables)}")
    if as_ == "pandas":
        import pandas as pd

        frames = [pd.read_parquet(path) for path in files]
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if as_ == "datasets":
        try:
            from datasets import load_dataset
        except ImportError:
            raise WarnewsError("as_='datasets' needs the datasets package: pip install datasets") from None
        return load_dataset("parquet", data_files=[str(p) for p in files], split="train")
    raise WarnewsError(f"as_={as_!r}: choose 'pandas' or 'datasets'")


def diff_folders(old: Path, new: Path) -> dict:
    """What changed from the tables in `old` to those in `new` (two release folders)."""
    old_tables = {name for name, _ in table_files(old)}
    new_tables = {name for name, _ in table_files(new)}
    result = {"tables_added": sorted(new_tables - old_tables),
              "tables_removed": sorted(old_tables - new_tables),
              "columns": {}, "rows": {}, "layers": {}}
    for table in sorted(old_tables | new_tables, key=_table_order):
        result["rows"][table] = [count_rows(old, table), count_rows(new, table)]
        if table in old_tables and table in new_tables:
            old_types = {f.name: str(f.type) for f in read_schema(old, table)}
            new_types = {f.name: str(f.type) for f in read_schema(new, table)}
            change = {"added": [c for c in new_types if c not in old_types],
                      "removed": [c for c in old_types if c not in new_types],
                      "retyped": [c for c in new_types if c in old_types and new_types[c] != old_types[c]]}
            if any(change.values()):
                result["columns"][table] = change
        if TABLES[table].span:
            result["layers"][table] = {"old": _layers(old, table), "new": _layers(new, table)}
    old_docs, new_docs = _documents(old), _documents(new)
    result["documents"] = {
        "added": sorted(set(new_docs) - set(old_docs)),
        "removed": sorted(set(old_docs) - set(new_docs)),
        "changed": sorted(d for d in set(old_docs) & set(new_docs) if old_docs[d] != new_docs[d]),
    }
    result["values"] = _changed_values(old, new)
    return result


def _changed_values(old: Path, new: Path) -> dict[str, int]:
    """Column -> how many documents in both releases have another value in it (the text is
    counted as `changed` documents): a value read differently, such as a language's confidence."""
    if not files_of(old, "documents") or not files_of(new, "documents"):
        return {}
    old_names = read_schema(old, "documents").names
    columns = [c for c in read_schema(new, "documents").names if c in old_names and c not in ("doc_id", "text")]
    counts = {}
    for column in columns:
        before = dict(zip(*read_table(old, "documents", ["doc_id", column]).to_pydict().values()))
        after = read_table(new, "documents", ["doc_id", column]).to_pydict()
        n = sum(1 for d, v in zip(after["doc_id"], after[column]) if d in before and before[d] != v)
        if n:
            counts[column] = n
    return counts


def _table_order(table: str) -> int:
    names = list(TABLES)
    return names.index(table) if table in names else len(names)


def _layers(folder: Path, table: str) -> dict[str, int]:
    if not files_of(folder, table):
        return {}
    counts: dict[str, int] = {}
    for layer in read_table(folder, table, ["layer"]).column("layer").to_pylist():
        counts[layer] = counts.get(layer, 0) + 1
    return dict(sorted(counts.items()))


def _documents(folder: Path) -> dict[str, str]:
    """doc_id -> sha256 of its clean text."""
    if not files_of(folder, "documents"):
        return {}
    table = read_table(folder, "documents", ["doc_id", "text"])
    return {d: hashlib.sha256(t.encode("utf-8")).hexdigest()
            for d, t in zip(table.column("doc_id").to_pylist(), table.column("text").to_pylist())}


def diff(root: Path, old: str, new: str) -> dict:
    return diff_folders(_folder(root, old), _folder(root, new))


def required_level(change: dict) -> str:
    """The smallest version step that honestly describes `change`."""
    if change["tables_removed"] or any(c["removed"] or c["retyped"] for c in change["columns"].values()):
        return "major"
    docs = change["documents"]
    if change["tables_added"] or docs["added"] or docs["removed"] or any(c["added"] for c in change["columns"].values()):
        return "minor"
    return "patch"


def step(old: str, new: str) -> str:
    """Which part of the version number `new` raises over `old`."""
    a, b = parse_version(old), parse_version(new)
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def check_step(change: dict, old: str, new: str) -> None:
    needed = required_level(change)
    if LEVELS.index(step(old, new)) < LEVELS.index(needed):
        reasons = summarize(change, brief=True)
        major, minor, patch = parse_version(old)
        suggestion = f"{major + 1}.0.0" if needed == "major" else f"{major}.{minor + 1}.0"
        raise WarnewsError(f"version {new} is a {step(old, new)} step from {old}, but the data changed in a way that "
                           f"needs a {needed} version ({suggestion} or higher): {reasons}")


def summarize(change: dict, brief: bool = False) -> str:
    """The change in words: Markdown list items, or one line when brief."""
    docs = change["documents"]
    lines = [f"Documents: {len(docs['added'])} added, {len(docs['removed'])} removed, {len(docs['changed'])} changed"
             + "".join(f"; {kind}: {', '.join(ids)}" for kind, ids in docs.items() if ids and not brief) + "."]
    if change.get("values"):
        lines.append("Values changed in documents kept: "
                     + ", ".join(f"{column} {n}" for column, n in change["values"].items()) + ".")
    if change["tables_added"]:
        lines.append(f"Tables added: {', '.join(change['tables_added'])}.")
    if change["tables_removed"]:
        lines.append(f"Tables removed: {', '.join(change['tables_removed'])}.")
    for table, c in change["columns"].items():
        parts = [f"{kind} {', '.join(cols)}" for kind, cols in c.items() if cols]
        lines.append(f"Columns of {table}: {'; '.join(parts)}.")
    if brief:
        return " ".join(lines)
    rows = ", ".join(f"{t} {a} → {b}" for t, (a, b) in change["rows"].items())
    lines.append(f"Rows: {rows}.")
    for table, layers in change["layers"].items():
        names = sorted(set(layers["old"]) | set(layers["new"]))
        if layers["old"] != layers["new"]:
            lines.append(f"{table} per layer: " + ", ".join(
                f"{n} {layers['old'].get(n, 0)} → {layers['new'].get(n, 0)}" for n in names) + ".")
    return "\n".join(f"- {line}" for line in lines)
