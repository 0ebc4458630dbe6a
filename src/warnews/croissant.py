"""croissant: the MLCommons Croissant description of a release, made with mlcroissant.

One FileObject per table written as one Parquet file (with its sha256), or a FileSet for one
written in parts (their sha256 are in the manifest), one RecordSet per table, one Field per column
with the schema's description, and references for the foreign keys, so that tools which read
Croissant (dataset search, loaders) understand a release without our code.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import mlcroissant as mlc
import pyarrow

from warnews import registry
from warnews.card import Identity
from warnews.layout import data_files, is_parted, read_schema, table_files
from warnews.schema import column_descriptions, table_description
from warnews.versions import file_sha256

# column -> the key it refers to (table/column), for Croissant `references`
REFERENCES = {
    "doc_id": "documents/doc_id",
    "entity_id": "entities/entity_id",
    "speaker_entity_ids": "entities/entity_id",
    "claimant_entity_ids": "entities/entity_id",
    "actor_entity_ids": "entities/entity_id",
    "reported_by_entity_ids": "entities/entity_id",
    "reported_by_entity_id": "entities/entity_id",
    "location_entity_id": "entities/entity_id",
    "source_entity_id": "entities/entity_id",
    "relayed_by_entity_id": "entities/entity_id",
    "speaker_as_printed_entity_id": "entities/entity_id",
    "speaker_likely_entity_id": "entities/entity_id",
    "source_id": "sources/source_id",
    "via_source_id": "sources/source_id",
}


def _data_type(arrow_type: pyarrow.DataType) -> str:
    if pyarrow.types.is_integer(arrow_type):
        return mlc.DataType.INTEGER
    if pyarrow.types.is_floating(arrow_type):
        return mlc.DataType.FLOAT
    if pyarrow.types.is_date(arrow_type):
        return mlc.DataType.DATE
    return mlc.DataType.TEXT


def _field(table: str, file_id: str, field: pyarrow.Field, description: str, tables: set[str],
           parted: bool = False) -> mlc.Field:
    files = {"file_set" if parted else "file_object": file_id}
    source = mlc.Source(**files, extract=mlc.Extract(column=field.name))
    target = REFERENCES.get(field.name)
    references = None
    if target and target.split("/")[0] in tables and target.split("/")[0] != table:  # no self-joins
        references = mlc.Source(field=target)
    arrow_type = field.type
    if pyarrow.types.is_list(arrow_type) and pyarrow.types.is_struct(arrow_type.value_type):
        sub_fields = [
            mlc.Field(id=f"{table}/{field.name}/{sub.name}", name=sub.name, data_types=[_data_type(sub.type)],
                      source=mlc.Source(**files, extract=mlc.Extract(column=field.name),
                                        transforms=[mlc.Transform(json_path=sub.name)]))
            for sub in arrow_type.value_type
        ]
        return mlc.Field(id=f"{table}/{field.name}", name=field.name, description=description, repeated=True,
                         sub_fields=sub_fields)
    repeated = pyarrow.types.is_list(arrow_type)
    if repeated:
        arrow_type = arrow_type.value_type
    return mlc.Field(id=f"{table}/{field.name}", name=field.name, description=description,
                     data_types=[_data_type(arrow_type)], source=source, references=references, repeated=repeated)


@dataclass(frozen=True)
class About:
    """What a Croissant file says of the dataset as a whole."""

    name: str
    cite_as: str
    licenses: tuple[str, ...]
    description: str

    @classmethod
    def of(cls, identity: Identity, version: str) -> About:
        return cls(identity.title, identity.citation(version), tuple(identity.license_urls),
                   f"{identity.description} {identity.license_summary}")

    @classmethod
    def read(cls, path: Path) -> About:
        """What an earlier croissant.json said (a text-free copy describes the same dataset)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        licenses = data.get("license") or []
        return cls(data["name"], data["citeAs"], (licenses,) if isinstance(licenses, str) else tuple(licenses),
                   data["description"])


def croissant_metadata(folder: Path, version: str, about: About) -> dict:
    """The Croissant JSON-LD of the release in `folder` (its Parquet files must be written)."""
    tables = sorted({name for name, _ in table_files(folder)})
    distribution, record_sets = [], []
    for table in tables:
        file_id = f"{table}-parquet"
        if is_parted(folder, table):  # its parts, which MANIFEST.sha256 lists with their sha256
            distribution.append(mlc.FileSet(id=file_id, name=table, includes=[data_files(table, True)],
                                            encoding_formats=["application/x-parquet"]))
        else:
            path = folder / data_files(table, False)
            distribution.append(mlc.FileObject(
                id=file_id, name=path.name, content_url=path.name, encoding_formats=["application/x-parquet"],
                sha256=file_sha256(path), content_size=f"{path.stat().st_size} B"))
        descriptions = column_descriptions(table, registry.rule_layers())
        schema = read_schema(folder, table)
        key_column = schema.field(0).name
        record_sets.append(mlc.RecordSet(
            id=table, name=table, description=table_description(table),
            key=f"{table}/{key_column}" if table != "edits" else None,
            fields=[_field(table, file_id, f, descriptions[f.name], set(tables), is_parted(folder, table))
                    for f in schema]))
    metadata = mlc.Metadata(
        name=about.name, version=version, cite_as=about.cite_as, license=list(about.licenses),
        description=about.description, url=None, distribution=distribution, record_sets=record_sets)
    return metadata.to_json()


def write_croissant(folder: Path, version: str, about: About) -> None:
    absl = logging.getLogger("absl")
    level = absl.level
    absl.setLevel(logging.ERROR)  # mlcroissant warns that datePublished is missing: a rebuild must give the same bytes
    try:
        data = croissant_metadata(folder, version, about)
    finally:
        absl.setLevel(level)
    (folder / "croissant.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                           encoding="utf-8")
