"""parquet: how every table is written: fixed options, sorted schema metadata, exact row groups.

Deterministic Parquet: the same rows give the same bytes (zstd at a fixed level, row groups of a
fixed size, dictionary encoding and statistics on, schema metadata sorted and carrying version,
license, citation and every column's description).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq

from warnews import registry
from warnews.card import Identity
from warnews.config import Config
from warnews.schema import TABLES, arrow_schema, column_descriptions, table_description

# How every table is written besides its row groups' size (Config.row_group_size).
_OPTIONS = {"compression": "zstd", "compression_level": 9, "use_dictionary": True, "write_statistics": True,
            "version": "2.6"}


def write_options(config: Config | None = None) -> dict:
    size = config.row_group_size if config is not None else Config.row_group_size
    return {**_OPTIONS, "row_group_size": size}


def schema_metadata(name: str, version: str, identity: Identity) -> dict[str, str]:
    """Sorted schema metadata of a released table: version, the collection's license and
    citation, descriptions."""
    meta = {
        "warnews.citation": identity.citation(version),
        "warnews.columns": json.dumps(column_descriptions(name, registry.rule_layers()), ensure_ascii=False,
                                      sort_keys=True),
        "warnews.description": table_description(name),
        "warnews.license": identity.license_summary,
        "warnews.table": name,
        "warnews.version": version,
    }
    return dict(sorted(meta.items()))


def schemas(version: str, identity: Identity) -> dict[str, pyarrow.Schema]:
    """Every table's Arrow schema with its metadata."""
    layers = registry.rule_layers()
    return {name: arrow_schema(name, layers).with_metadata(schema_metadata(name, version, identity))
            for name in TABLES}


def write_parquet(table: pyarrow.Table, path: Path, name: str, version: str, identity: Identity,
                  options: dict | None = None) -> None:
    """Deterministic Parquet: fixed compression, row groups and sorted schema metadata."""
    pq.write_table(table.replace_schema_metadata(schema_metadata(name, version, identity)), path,
                   **(options or write_options()))


def table_of(rows: list[dict], schema: pyarrow.Schema) -> pyarrow.Table:
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
        table = table_of(rows, self.schema)
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

