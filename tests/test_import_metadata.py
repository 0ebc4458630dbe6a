"""`warnews import` with facts per file (a manifest, sidecars, dates in names), several outlets in
one import, and what is an error before anything is written. Records are the synthetic paragraphs
of test_import."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import snapshot
from test_import import FLAGS, paragraph, records, write_jsonl
from warnews.errors import WarnewsError
from warnews.importer import Defaults, Mapping, date_in_name, folder_files, outlet_table, read_csv, read_jsonl
from warnews.ingest import find_raw_files, read_raw

LICENSE = ["--license", "CC-BY-4.0", "--quiet"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "raw").mkdir(parents=True)
    return root


def _folder(tmp_path: Path, names: list[str], start: int = 0) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir(exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(paragraph(start + i), encoding="utf-8")
    return folder


def _metas(root: Path) -> dict:
    docs = [read_raw(root, ref) for ref in find_raw_files(root)]
    return {d.text.split(".")[0]: d.meta for d in docs}  # by "Synthetic record N"


def test_a_manifest_gives_each_file_its_facts_and_keeps_its_other_columns(corpus, run, tmp_path):
    folder = _folder(tmp_path, ["a.txt", "sub/b.txt"])
    manifest = tmp_path / "manifest.csv"
    with open(manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title", "url", "published", "author"])
        writer.writerow(["a.txt", "Title A", "https://example.org/a", "2024-03-01", "Ann"])
        writer.writerow(["./sub/b.txt", "Title B", "", "2024-03-02", "Bo"])
    code, out, err = _import(run, corpus, str(folder), "--manifest", str(manifest))
    assert code == 0 and "imported 2 of 2 records" in out, out + err
    metas = _metas(corpus)
    assert (metas["Synthetic record 0"].title, metas["Synthetic record 0"].url) == ("Title A", "https://example.org/a")
    assert metas["Synthetic record 1"].published.isoformat() == "2024-03-02" and metas["Synthetic record 1"].url is None
    entries = {rel: (fields, extra) for rel, _, _, fields, extra in folder_files(folder, Mapping(), manifest)}
    assert entries["sub/b.txt"] == ({"title": "Title B", "published": "2024-03-02"}, {"author": "Bo"})


def test_manifest_then_sidecar_then_the_name_field_by_field(tmp_path):
    folder = _folder(tmp_path, ["2024-05-06-talks.txt", "grain_20240102.txt", "plain.txt"])
    (folder / "2024-05-06-talks.meta.yaml").write_text("title: From the sidecar\npublished: 2024-05-07\n"
                                                      "desk: Kyiv\n")
    (folder / "plain.meta.yaml").write_text("title: Plain\n")
    manifest = write_jsonl(tmp_path / "manifest.jsonl", [{"file": "2024-05-06-talks.txt", "title": "From the row",
                                                         "tags": ["a", "b"]}])
    entries = {rel: (fields, extra) for rel, _, _, fields, extra in folder_files(folder, Mapping(), manifest)}
    assert entries["2024-05-06-talks.txt"] == ({"title": "From the row", "published": "2024-05-07"},
                                               {"desk": "Kyiv", "tags": '["a", "b"]'})
    assert entries["grain_20240102.txt"] == ({"published": "2024-01-02"}, {})
    assert entries["plain.txt"] == ({"title": "Plain"}, {})


def test_a_date_in_a_file_name_must_be_a_real_date():
    assert date_in_name("2024-05-06-talks.txt") == "2024-05-06"
    assert date_in_name("talks_20240506.txt") == "2024-05-06"
    assert date_in_name("story-20241340_20240301.txt") == "2024-03-01"  # 2024-13-40 is no date
    assert date_in_name("id-123456789.txt") is None and date_in_name("2024-02-30.txt") is None


@pytest.mark.parametrize("rows,message", [
    ([{"file": "a.txt"}, {"file": "gone.txt"}], r"manifest.jsonl: line 2: `file` 'gone.txt' is not a .txt or .html"),
    ([{"file": "a.txt"}, {"title": "no file"}], r"manifest.jsonl: line 2: no `file`"),
    ([{"file": "a.txt"}, {"file": "b.txt"}, {"file": "./a.txt"}],
     r"manifest.jsonl: line 3: a.txt is listed again \(first at manifest.jsonl:1\)"),
    ([{"file": "../outside.txt"}], r"line 1: `file` '../outside.txt' is not a .txt or .html file in"),
])
def test_a_wrong_manifest_row_is_an_error_before_anything_is_written(rows, message, corpus, run, tmp_path):
    folder = _folder(tmp_path, ["a.txt", "b.txt"])
    (tmp_path / "outside.txt").write_text(paragraph(9))
    manifest = write_jsonl(tmp_path / "manifest.jsonl", rows)
    before = snapshot(corpus)
    code, _, err = _import(run, corpus, str(folder), "--manifest", str(manifest), "--published-date", "2024-05-06")
    assert code == 1 and re.search(message, err), err
    assert snapshot(corpus) == before


def test_files_without_a_date_are_listed_together_before_anything_is_written(corpus, run, tmp_path):
    folder = _folder(tmp_path, ["2024-05-06-dated.txt", "b.txt", "c.txt", "d.html"], start=10)
    source = write_jsonl(tmp_path / "first.jsonl", records(2))  # read first: still nothing may be written
    before = snapshot(corpus)
    code, _, err = _import(run, corpus, str(source), str(folder))
    assert code == 1, err
    assert ("2 files have no publication date (no manifest row, sidecar or date in the name): pages:b.txt, "
            "pages:c.txt; give --manifest, sidecars, or --published-date") in err  # a page may hold its own date
    assert snapshot(corpus) == before
    code, out, err = _import(run, corpus, str(source), str(folder), "--published-date", "2024-05-01", "--verbose")
    assert code == 0 and "imported 5 of 6 records" in out, out + err
    assert "refused pages:d.html: no article" in out, out  # not a page: a paragraph with an .html name
    assert _metas(corpus)["Synthetic record 10"].published.isoformat() == "2024-05-06"  # the name beats the flag


def test_json_lines_and_csv_records_keep_their_other_fields_as_text(tmp_path):
    rows = [{**records(1)[0], "format": "txt", "author": "Ann", "words": 60, "gone": None}]
    (item,) = read_jsonl(write_jsonl(tmp_path / "r.jsonl", rows), Mapping(title="title"))
    assert item.extra == {"author": "Ann", "words": "60"}
    table = tmp_path / "r.csv"
    table.write_text("body,headline,section\n" + f"{paragraph(1)},T,World\n", encoding="utf-8")
    (item,) = read_csv(table, Mapping(text="body", title="headline"))
    assert item.fields == {"title": "T"} and item.extra == {"section": "World"}


# --- several outlets in one import ----------------------------------------------------------------

def _add_one(run, root: Path, tmp_path: Path, outlet: str) -> None:
    file = tmp_path / f"{outlet}.txt"
    file.write_text(paragraph(500), encoding="utf-8")
    code, _, err = run(root, "add", str(file), "--outlet", outlet, "--outlet-name", "Second Wire", "--domain",
                       "second.example.org", "--country", "UA", "--license", "CC-BY-4.0", "--published", "2024-01-05",
                       "--language", "en")
    assert code == 0, err


def test_each_record_gets_its_outlet_from_a_field(corpus, run, tmp_path):
    _add_one(run, corpus, tmp_path, "second-wire")  # its facts come from this file's sidecar
    rows = [{**r, "source": "second-wire"} for r in records(3)]
    source = write_jsonl(tmp_path / "mixed.jsonl", rows)
    code, out, err = run(corpus, "import", str(source), "--outlet-field", "source", *LICENSE, "--language", "en")
    assert code == 0 and "imported 3 of 3 records" in out, out + err
    assert [p.name for p in (corpus / "raw" / "imported").iterdir()] == ["00000.jsonl.zst"]
    metas = [read_raw(corpus, ref).meta for ref in find_raw_files(corpus) if "#" in str(ref)]
    assert {(m.outlet, m.outlet_name, m.outlet_domain, m.outlet_country) for m in metas} == {
        ("second-wire", "Second Wire", "second.example.org", "UA")}
    assert all("Second Wire" in m.license_note for m in metas)


def test_the_outlets_table_comes_from_outlets_yaml_or_earlier_sidecars(corpus, run, tmp_path):
    _add_one(run, corpus, tmp_path, "second-wire")
    (corpus / "outlets").mkdir()
    (corpus / "outlets" / "first-wire.yaml").write_text(
        "outlet: first-wire\noutlet_name: First Wire\noutlet_domain: first.example.org\noutlet_country: PL\n")
    defaults = Defaults(None, None, None, None, "CC-BY-4.0")
    table = outlet_table(corpus, {"first-wire": [1, ["a.jsonl:1"]], "second-wire": [1, ["a.jsonl:2"]]}, defaults)
    assert (table["first-wire"].outlet_name, table["first-wire"].outlet_country) == ("First Wire", "PL")
    assert table["second-wire"].outlet_domain == "second.example.org"
    (corpus / "outlets" / "first-wire.yaml").write_text("outlet: first-wire\noutlet_name: First Wire\n"
                                                        "outlet_domain: first.example.org\noutlet_country: pl\n")
    with pytest.raises(WarnewsError, match=r"first-wire.yaml: outlet_country 'pl' is not an ISO 3166-1 alpha-2"):
        outlet_table(corpus, {"first-wire": [1, ["a.jsonl:1"]]}, defaults)


def test_an_import_takes_outlet_facts_from_outlets_yaml(corpus, run, tmp_path):
    (corpus / "outlets").mkdir()
    (corpus / "outlets" / "first-wire.yaml").write_text(
        "outlet: first-wire\noutlet_name: First Wire\noutlet_domain: first.example.org\noutlet_country: PL\n")
    source = write_jsonl(tmp_path / "a.jsonl", [{**r, "source": "first-wire"} for r in records(2)])
    code, out, err = run(corpus, "import", str(source), "--outlet-field", "source", *LICENSE, "--language", "en")
    assert code == 0 and "imported 2 of 2 records" in out, out + err


def test_unknown_outlets_are_named_together_before_anything_is_written(corpus, run, tmp_path):
    rows = [{**r, "source": "foo" if i % 2 else "bar-news"} for i, r in enumerate(records(10))]
    source = write_jsonl(tmp_path / "a.jsonl", rows)
    before = snapshot(corpus)
    code, _, err = run(corpus, "import", str(source), "--outlet-field", "source", *LICENSE)
    assert code == 1
    assert ("outlet 'bar-news' (records a.jsonl:1, a.jsonl:3, a.jsonl:5, …) is not in outlets/: add "
            "outlets/bar-news.yaml with outlet: bar-news, outlet_name, outlet_domain and outlet_country") in err, err
    assert "outlet 'foo' (records a.jsonl:2, a.jsonl:4, a.jsonl:6, …)" in err
    assert snapshot(corpus) == before
    code, _, err = run(corpus, "import", str(source), "--outlet-field", "source", "--outlet", "foo", *LICENSE)
    assert code == 1 and "leave out --outlet" in err


def test_a_record_without_its_outlet_is_refused_by_its_line(corpus, run, tmp_path):
    _add_one(run, corpus, tmp_path, "second-wire")
    rows = [{**r, "source": "second-wire"} for r in records(2)] + [records(1, start=40)[0]]
    rows.append({**records(1, start=41)[0], "source": "Not A Slug"})
    source = write_jsonl(tmp_path / "a.jsonl", rows)
    code, out, _ = run(corpus, "import", str(source), "--outlet-field", "source", *LICENSE, "--language", "en",
                       "--verbose")
    assert code == 0 and "imported 2 of 4 records" in out
    assert "refused a.jsonl:3: bad field: the record's outlet (--outlet-field) is missing" in out
    assert "refused a.jsonl:4: bad field: the record's outlet (--outlet-field) is 'Not A Slug'" in out


# --- errors before work, exit codes, the summary, --strict --------------------------------------------

def _import(run, root: Path, *args: str):
    return run(root, "import", *args, *FLAGS)


def _flags(**changed: str) -> list[str]:
    flags = dict(zip(FLAGS[:-1:2], FLAGS[1:-1:2]))
    flags.update({f"--{k.replace('_', '-')}": v for k, v in changed.items()})
    return [item for pair in flags.items() for item in pair] + ["--quiet"]


@pytest.mark.parametrize("changed,message", [
    ({"country": "XX"}, r"--country 'XX' is not an ISO 3166-1 alpha-2 code"),
    ({"domain": "example"}, r"--domain 'example' is not a lowercase domain"),
    ({"language": "xx"}, r"--language 'xx' is not an ISO 639-1 code"),
    ({"published_date": "2024-13-01"}, r"--published-date is '2024-13-01'; expected an ISO date"),
    ({"published_date": "2013-01-01"}, r"--published-date is 2013-01-01, before 2014-01-01"),
    ({"title": "headline"}, r"r.jsonl: the first record has no field 'headline' for the title \(its fields: text, "
                            r"title, url, published\); give --title FIELD"),
    ({"text": "body"}, r"r.jsonl: the first record has no field 'body' for the text"),
])
def test_bad_flags_and_mappings_are_errors_before_a_record_is_read(changed, message, corpus, run, tmp_path):
    source = write_jsonl(tmp_path / "r.jsonl", records(2))
    before = snapshot(corpus)
    code, _, err = run(corpus, "import", str(source), *_flags(**changed))
    assert code == 1 and re.search(message, err), err
    assert snapshot(corpus) == before


def test_a_csv_without_a_mapped_column_is_an_error_before_any_source_is_read(corpus, run, tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", records(2))
    table = tmp_path / "t.csv"
    table.write_text("body,headline\nsome text,T\n", encoding="utf-8")
    code, _, err = _import(run, corpus, str(good), str(table))
    assert code == 1 and "t.csv: the first record has no column 'text' for the text (its columns: body, headline)" \
        in err, err
    assert not find_raw_files(corpus)


def test_nothing_coming_in_exits_1_and_a_dry_run_that_would_import_exits_0(corpus, run, tmp_path):
    source = write_jsonl(tmp_path / "r.jsonl", records(2))
    code, out, err = _import(run, corpus, str(source), "--dry-run")
    assert code == 0 and "would import 2 of 2 records" in out
    assert _import(run, corpus, str(source))[0] == 0
    code, out, err = _import(run, corpus, str(source))  # now both are duplicates
    assert code == 1 and "imported 0 of 2 records" in out
    assert "nothing came in: all 2 records read were refused" in err
    code, _, err = _import(run, corpus, str(source), "--dry-run")
    assert code == 1 and "nothing would come in" in err


def test_refusals_are_summed_up_by_reason_with_the_first_three_places(corpus, run, tmp_path):
    rows = [{**r, "published": "14/05/2024"} for r in records(5)] + [{**records(1, start=9)[0], "text": ""}]
    source = write_jsonl(tmp_path / "r.jsonl", rows + records(1, start=20))
    code, out, _ = _import(run, corpus, str(source))
    assert code == 0
    lines = out.splitlines()
    at = lines.index("bad date: 5 records refused, the first 3:")
    assert [line.split(": ")[0] for line in lines[at + 1:at + 4]] == ["  r.jsonl:1", "  r.jsonl:2", "  r.jsonl:3"]
    assert "'14/05/2024'" in lines[at + 1] and "r.jsonl:4" not in out
    assert "empty text: 1 record refused:" in lines and "  r.jsonl:6: the record has no text" in lines
    assert "(--verbose lists every refused record)" in lines
    assert not any(line.startswith("refused ") for line in lines)


def test_strict_writes_nothing_when_any_record_is_refused(corpus, run, tmp_path):
    rows = records(3) + [{**records(1, start=30)[0], "published": "2999-01-01"}]
    source = write_jsonl(tmp_path / "r.jsonl", rows)
    before = snapshot(corpus / "raw")
    code, _, err = _import(run, corpus, str(source), "--strict")
    assert code == 1, err
    assert "--strict: 1 of 4 records would be refused, so nothing was written" in err
    assert "  r.jsonl:4: " in err and "future" in err
    assert snapshot(corpus / "raw") == before
    code, out, err = _import(run, corpus, str(write_jsonl(tmp_path / "ok.jsonl", records(3))), "--strict")
    assert code == 0 and "imported 3 of 3 records" in out, err
    assert len(find_raw_files(corpus)) == 3
