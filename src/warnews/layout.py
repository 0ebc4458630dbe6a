"""layout: where a release folder keeps each table, for every reader of one.

A table is one file, `<table>.parquet`, or, where the build wrote it in parts aligned with the raw
shards (warnews.build), a folder of them, `<table>/<part>.parquet`, read in the order of the
parts' names. Every reader of a release folder goes through these, so both layouts read the same.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow
import pyarrow.parquet as pq


def table_files(folder: Path) -> list[tuple[str, Path]]:
    """(table, file) for every table file of a release folder, tables by name, parts in order."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix == ".parquet":
            found.append((path.stem, path))
        elif path.is_dir():
            found += [(path.name, part) for part in sorted(path.glob("*.parquet")) if part.is_file()]
    return found


def files_of(folder: Path, name: str) -> list[Path]:
    """The files of one table: [<table>.parquet], its parts, or [] where the release has no such table."""
    one = folder / f"{name}.parquet"
    if one.is_file():
        return [one]
    return sorted(p for p in (folder / name).glob("*.parquet") if p.is_file()) if (folder / name).is_dir() else []


def is_parted(folder: Path, name: str) -> bool:
    return not (folder / f"{name}.parquet").is_file() and bool(files_of(folder, name))


def data_files(name: str, parted: bool) -> str:
    """The path (or glob) of a table's files inside its release folder, as build.json and the
    dataset card name them."""
    return f"{name}/*.parquet" if parted else f"{name}.parquet"


def read_table(folder: Path, name: str, columns: list[str] | None = None) -> pyarrow.Table:
    """A table of a release folder, its parts concatenated in order."""
    files = files_of(folder, name)
    if not files:
        raise FileNotFoundError(f"{folder / name}.parquet")
    tables = [pq.read_table(path, columns=columns) for path in files]
    return tables[0] if len(tables) == 1 else pyarrow.concat_tables(tables)


def read_schema(folder: Path, name: str) -> pyarrow.Schema:
    files = files_of(folder, name)
    if not files:
        raise FileNotFoundError(f"{folder / name}.parquet")
    return pq.read_schema(files[0])


def count_rows(folder: Path, name: str) -> int:
    return sum(pq.ParquetFile(path).metadata.num_rows for path in files_of(folder, name))
