"""schema: the published tables, one pandera model each; the single home of column descriptions.

Descriptions flow from here into the Parquet metadata, `schema/*.yaml`, the dataset card and the
datasheet. A model checks one table; checks across tables live in `validate`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

from warnews.annotate import count_sentences, count_words
from warnews.clean import RULE_NAMES
from warnews.ingest import LANGUAGES, LICENSES

DOC_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d{8}-[0-9a-f]{10}$"
SEMVER_PATTERN = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"
# Russia's war on Ukraine began in February 2014; reports from before 2014 are out of scope.
PUBLISHED_MIN = dt.date(2014, 1, 1)


def _per_row(df: pd.DataFrame, func) -> pd.Series:
    return pd.Series([bool(func(row)) for row in df.itertuples(index=False)], index=df.index, dtype=bool)


class Documents(pa.DataFrameModel):
    """One row per article: the clean text and what is known about where it came from."""

    doc_id: Series[str] = pa.Field(
        unique=True, str_matches=DOC_ID_PATTERN,
        description="Stable id: <outlet>-<yyyymmdd of published>-<first 10 hex digits of raw_sha256>. "
        "Unchanged across versions while the raw bytes are unchanged.")
    outlet: Series[str] = pa.Field(str_matches=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                   description="Outlet slug, as in doc_id and raw/<outlet>/ (e.g. news-az).")
    outlet_name: Series[str] = pa.Field(str_length={"min_value": 1},
                                        description="Outlet name as it styles itself (e.g. News.Az).")
    outlet_domain: Series[str] = pa.Field(str_matches=r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$",
                                          description="Outlet's web domain (e.g. news.az).")
    outlet_country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$",
                                           description="Country the outlet is based in, ISO 3166-1 alpha-2.")
    url: Series[str] = pa.Field(nullable=True, str_matches=r"^https?://\S+$",
                                description="Address of the article page; null where it is not known (never guessed).")
    title: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1},
                                  description="Headline as published; null where the raw file has none.")
    published: Series[pa.dtypes.Date] = pa.Field(
        ge=PUBLISHED_MIN,
        description="Publication date (day precision) from the sidecar, checked against any date on the page; "
        "from 2014-01-01 on and never in the future.")
    language: Series[str] = pa.Field(isin=sorted(LANGUAGES),
                                     description="ISO 639-1 language code from the sidecar, cross-checked offline "
                                     "with lingua for texts of at least 20 words.")
    text: Series[str] = pa.Field(str_length={"min_value": 1},
                                 description="Clean article text, Unicode NFC. Paragraphs are separated by blank "
                                 "lines as in the raw file. All offsets in the corpus index this string "
                                 "(Python code points, half-open).")
    n_chars: Series[int] = pa.Field(ge=1, description="len(text) in Unicode code points.")
    n_words: Series[int] = pa.Field(ge=0, description="Words in text: runs of letters or digits, with inner "
                                    "apostrophes, hyphens or dots (warnews.annotate.count_words).")
    n_sentences: Series[int] = pa.Field(ge=0, description="Sentences in text by a rule-based splitter that keeps "
                                        "abbreviations and initials together (warnews.annotate.sentence_spans).")
    raw_path: Series[str] = pa.Field(str_matches=r"^raw/[^/]+/[^/]+\.txt$",
                                     description="Path of the raw file in the repository, relative to its root.")
    raw_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$",
                                       description="sha256 of the raw file's bytes.")
    license: Series[str] = pa.Field(isin=sorted(LICENSES),
                                    description="Status of the text's copyright: "
                                    + "; ".join(f"{k} = {v}" for k, v in LICENSES.items()) + ".")
    license_note: Series[str] = pa.Field(str_length={"min_value": 1},
                                         description="Who holds the text's rights and on what terms it is included.")
    collected: Series[pa.dtypes.Date] = pa.Field(nullable=True,
                                                 description="Date the raw file was collected; null where not recorded.")
    collected_from: Series[str] = pa.Field(str_length={"min_value": 1},
                                           description="How and from where the raw file was collected.")
    first_version: Series[str] = pa.Field(str_matches=SEMVER_PATTERN,
                                          description="First corpus version that contains this doc_id.")

    class Config:
        strict = True
        coerce = True
        description = "One row per article: the clean text and what is known about where it came from."

    @pa.check("published", name="published_not_in_future")
    def published_not_in_future(cls, published: Series) -> Series[bool]:
        return published.map(lambda d: d <= dt.date.today()).astype(bool)

    @pa.check("text", name="text_is_nfc")
    def text_is_nfc(cls, text: Series[str]) -> Series[bool]:
        return text.map(lambda t: unicodedata.is_normalized("NFC", t)).astype(bool)

    @pa.check("text", name="text_has_no_surrounding_whitespace")
    def text_has_no_surrounding_whitespace(cls, text: Series[str]) -> Series[bool]:
        return text.map(lambda t: t == t.strip()).astype(bool)

    @pa.dataframe_check(name="doc_id_matches_outlet_date_and_sha256")
    def doc_id_matches_fields(cls, df: pd.DataFrame) -> Series[bool]:
        return _per_row(df, lambda r: r.doc_id == make_doc_id(r.outlet, r.published, r.raw_sha256))

    @pa.dataframe_check(name="counts_match_text")
    def counts_match_text(cls, df: pd.DataFrame) -> Series[bool]:
        return _per_row(df, lambda r: (r.n_chars, r.n_words, r.n_sentences)
                        == (len(r.text), count_words(r.text), count_sentences(r.text)))


class Edits(pa.DataFrameModel):
    """One row per change that cleaning made: raw[raw_start:raw_end] became text[clean_start:clean_end]."""

    doc_id: Series[str] = pa.Field(str_matches=DOC_ID_PATTERN, description="Document the edit belongs to.")
    rule: Series[str] = pa.Field(description="Cleaning rule that made the change; where a later rule changed what "
                                 "an earlier one wrote, both names joined by '+' in the order they ran. Rules: "
                                 + ", ".join(RULE_NAMES) + ".")
    raw_start: Series[int] = pa.Field(ge=0, description="Start of the changed span in the raw text (code points of the "
                                      "UTF-8-decoded raw file).")
    raw_end: Series[int] = pa.Field(ge=0, description="End (exclusive) of the changed span in the raw text.")
    clean_start: Series[int] = pa.Field(ge=0, description="Start of the span that replaced it in documents.text.")
    clean_end: Series[int] = pa.Field(ge=0, description="End (exclusive) of that span in documents.text.")
    raw_text: Series[str] = pa.Field(description="raw[raw_start:raw_end]: what was there (empty for an insertion).")
    clean_text: Series[str] = pa.Field(description="text[clean_start:clean_end]: what is there now (empty for a "
                                       "deletion).")

    class Config:
        strict = True
        coerce = True
        description = "One row per change that cleaning made, so every clean offset maps back to the raw file."

    @pa.check("rule", name="rule_is_known")
    def rule_is_known(cls, rule: Series[str]) -> Series[bool]:
        return rule.map(lambda r: all(part in RULE_NAMES for part in r.split("+"))).astype(bool)

    @pa.dataframe_check(name="span_lengths_match_texts")
    def span_lengths_match_texts(cls, df: pd.DataFrame) -> Series[bool]:
        return _per_row(df, lambda r: r.raw_end - r.raw_start == len(r.raw_text)
                        and r.clean_end - r.clean_start == len(r.clean_text))

    @pa.dataframe_check(name="edit_changes_something")
    def edit_changes_something(cls, df: pd.DataFrame) -> Series[bool]:
        return _per_row(df, lambda r: r.raw_text != r.clean_text)


MODELS: dict[str, type[pa.DataFrameModel]] = {"documents": Documents, "edits": Edits}
# Sort keys: rows are written in this order, so the same input gives the same bytes.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "edits": ("doc_id", "clean_start", "clean_end", "raw_start"),
}
_ARROW_TYPES = {"string": pyarrow.string(), "int64": pyarrow.int64(), "date": pyarrow.date32()}


def make_doc_id(outlet: str, published: dt.date, raw_sha256: str) -> str:
    return f"{outlet}-{published:%Y%m%d}-{raw_sha256[:10]}"


def column_descriptions(table: str) -> dict[str, str]:
    """Column name -> description, in column order."""
    return {name: col.description for name, col in MODELS[table].to_schema().columns.items()}


def table_description(table: str) -> str:
    return MODELS[table].Config.description


def arrow_schema(table: str) -> pyarrow.Schema:
    """The Arrow schema of a released table, each field carrying its description."""
    fields = []
    for name, col in MODELS[table].to_schema().columns.items():
        arrow_type = _ARROW_TYPES[re.sub(r"\[.*\]$", "", str(col.dtype))]
        fields.append(pyarrow.field(name, arrow_type, nullable=col.nullable,
                                    metadata={"description": col.description}))
    return pyarrow.schema(fields)
