"""release: deterministic Parquet, a round trip per table, atomic and immutable releases, verify."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata

import pyarrow.parquet as pq
import pytest

from conftest import NEXT, REPO, SEED_DOC_ID, snapshot
from warnews import release as rel
from warnews.build import BuildOptions
from warnews.errors import WarnewsError
from warnews import card, parquet, registry
from warnews.schema import TABLES, arrow_schema, column_descriptions


def test_the_same_inputs_give_byte_identical_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    rel.build_into(REPO, first, "1.0.0")
    rel.build_into(REPO, second, "1.0.0")
    assert snapshot(first) == snapshot(second)
    assert sorted(p.name for p in first.iterdir()) == sorted(
        ["MANIFEST.sha256", "build.json", "croissant.json", "evaluation.json", "report.html", "validation.json"]
        + [f"{t}.parquet" for t in TABLES])


@pytest.mark.parametrize("table", list(TABLES))
def test_each_table_round_trips_through_parquet(table, tmp_path):
    tables, _ = rel.build_tables(REPO, "1.0.0")
    path = tmp_path / f"{table}.parquet"
    parquet.write_parquet(tables[table], path, table, "1.0.0", card.identity(REPO))
    back = pq.read_table(path)
    assert back.equals(tables[table])
    assert back.schema.remove_metadata().equals(arrow_schema(table, registry.rule_layers()).remove_metadata(), check_metadata=False)
    meta = {k.decode(): v.decode() for k, v in back.schema.metadata.items() if k.startswith(b"warnews.")}
    assert list(meta) == sorted(meta)
    assert meta["warnews.version"] == "1.0.0" and meta["warnews.table"] == table
    # the collection's own license (CITATION.cff), and texts under their own
    assert meta["warnews.license"].startswith("Code: MIT. Annotations, metadata and cleaning records: CC-BY-4.0.")
    assert "each keeps its own" in meta["warnews.license"]
    assert meta["warnews.citation"] == ("The warnews maintainers. warnews: news reports on the Russia-Ukraine war, "
                                        "cleaned and annotated (version 1.0.0) [Data set].")
    assert json.loads(meta["warnews.columns"]) == column_descriptions(table, registry.rule_layers())
    for field in back.schema:
        assert field.metadata[b"description"].decode() == column_descriptions(table, registry.rule_layers())[field.name]
    info = pq.ParquetFile(path).metadata
    assert info.created_by == "parquet-cpp-arrow version 26.0.1"
    assert info.row_group(0).column(0).compression == "ZSTD"


def test_rows_are_sorted_by_key():
    tables, _ = rel.build_tables(REPO, "1.0.0")
    edits = tables["edits"].to_pylist()
    keys = [(e["doc_id"], e["clean_start"], e["clean_end"], e["raw_start"]) for e in edits]
    assert keys == sorted(keys)


def test_release_writes_a_complete_verifiable_folder(repo_copy, run):
    code, out, err = run(repo_copy, "release", NEXT)
    assert code == 0, err
    folder = repo_copy / "corpus" / f"v{NEXT}"
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == len(TABLES) + 5
    build = json.loads((folder / "build.json").read_text())
    assert build["version"] == NEXT and build["libraries"]["pyarrow"] == "26.0.1"
    assert build["tables"]["documents"] == {"file": "documents.parquet", "rows": 1}
    assert build["tables"]["edits"] == {"file": "edits.parquet", "rows": 11}
    assert build["layers"]["quotes"] == {"gold": 12, "rule:quotes_v5": 12,
                                         "spacy_quotes_v1:en_core_web_sm-3.8.0-173b44470548": 12}
    evaluation = json.loads((folder / "evaluation.json").read_text())
    assert evaluation["version"] == NEXT and evaluation["documents_with_gold"] == 1
    # eight glued sentence ends get their space; `News.az` (the outlet's name, lower-case after the
    # dot) is the one place where the rule saw a candidate and was not sure
    assert build["rules"]["fix_missing_sentence_space"] == {"documents": 1, "edits": 8,
                                                             "declined": {"next_word_not_capitalized": 1}}
    assert build["rules"]["strip_page_chrome"] == {"documents": 1, "edits": 1, "declined": {}}
    assert build["settings"]["cleaning_rules"] == [
        "repair_mojibake", "normalize_nfc", "remove_zero_width", "replace_no_break_spaces", "strip_page_furniture",
        "strip_surrounding_whitespace", "strip_page_chrome", "strip_boilerplate_lines", "strip_outlet_trailer",
        "fix_missing_sentence_space"]
    assert build["settings"]["automatic_layers"] == ["rule:dates_v1", "rule:mentions_v4", "rule:quotes_v5",
                                                     "rule:turns_v2", "spacy_v3:en_core_web_sm-3.8.0-3dbe85d3cfb6",
                                                     "spacy_quotes_v1:en_core_web_sm-3.8.0-173b44470548"]
    assert build["settings"]["model_libraries"] == {"spacy": "3.8.16"}
    assert (build["settings"]["batch_documents"], build["settings"]["row_group_size"]) == (2000, 10000)
    assert build["unicode"] == unicodedata.unidata_version and build["python"] == "%d.%d" % sys.version_info[:2]
    assert {"pyyaml", "pandas", "numpy", "lxml", "pillow"} <= set(build["libraries"])
    validation = json.loads((folder / "validation.json").read_text())
    assert validation["passed"] and all(c["status"] == "passed" for c in validation["checks"])
    docs = pq.read_table(folder / "documents.parquet").to_pylist()
    assert docs[0]["doc_id"] == SEED_DOC_ID and docs[0]["first_version"] == "1.0.0"  # first released in 1.0.0
    readme = (repo_copy / "README.md").read_text()
    front = readme.split("---")[1]
    assert f"path: corpus/v{NEXT}/quotes.parquet" in front
    assert set(re.findall(r"corpus/v([\d.]+)/", front)) == {NEXT}
    assert [p.name for p in (repo_copy / "corpus").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("version,message", [
    ("1.0.0", r"corpus/v1.0.0 already exists; released versions are never overwritten"),
    ("1.0.5", r"version 1.0.5 is not newer than the released \d+\.\d+\.\d+"),
    ("1.0", r"version '1.0' is not a semantic version"),
    (f"v{NEXT}", rf"version 'v{NEXT}' is not a semantic version"),
])
def test_release_refuses_a_bad_version_and_changes_nothing(version, message, repo_copy, run):
    before = snapshot(repo_copy / "corpus")
    code, _, err = run(repo_copy, "release", version)
    assert code == 1 and re.search(message, err), err
    assert snapshot(repo_copy / "corpus") == before


def test_a_release_interrupted_midway_leaves_nothing_behind(repo_copy, monkeypatch):
    before = snapshot(repo_copy / "corpus")

    def crash(folder):
        raise KeyboardInterrupt("interrupted while writing the manifest")

    monkeypatch.setattr(rel, "write_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        rel.release(repo_copy, NEXT)
    assert snapshot(repo_copy / "corpus") == before
    assert sorted(p.name for p in (repo_copy / "corpus").iterdir()) == sorted(f"v{v}" for v in rel.releases(REPO))


def test_an_interrupted_build_keeps_the_previous_staging(repo_copy, monkeypatch):
    rel.build(repo_copy)
    staging = repo_copy / rel.STAGING_DIR
    before = snapshot(staging)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("interrupted while writing Parquet")

    monkeypatch.setattr("warnews.build.TableWriter._write", crash)
    with pytest.raises(KeyboardInterrupt):  # without the caches, which would copy the tables instead
        rel.build(repo_copy, options=BuildOptions(use_cache=False))
    assert snapshot(staging) == before
    assert [p.name for p in staging.parent.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_verify_proves_the_committed_release(run):
    code, out, err = run(REPO, "verify")
    assert code == 0, err
    newest = rel.releases(REPO)[-1]
    assert f"manifest of corpus/v{newest}: ok" in out
    assert f"rebuilt {newest} from raw/: {len(TABLES) + 6} of {len(TABLES) + 6} files byte-identical" in out
    assert out.strip().endswith("PASSED: the release matches a fresh build from raw/ (what was compared is said above)")


def test_verify_of_an_older_release_compares_its_tables(run):
    code, out, err = run(REPO, "verify", "1.0.0")
    assert code == 0, err
    assert ("rebuilt 1.0.0 from raw/: 2 of 2 tables have the same columns and rows (built by warnews 1.0.0: its "
            "reports and column descriptions are not compared)") in out


@pytest.mark.parametrize("version", ["newest", "1.0.0"])
def test_verify_names_a_corrupted_parquet_file(version, repo_copy, run):
    version = rel.releases(REPO)[-1] if version == "newest" else version
    path = repo_copy / "corpus" / f"v{version}" / "documents.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    before = snapshot(repo_copy / "corpus")
    code, _, err = run(repo_copy, "verify", version)
    assert code == 1
    assert f"corpus/v{version}/documents.parquet: sha256 differs from MANIFEST.sha256" in err
    if version == rel.releases(REPO)[-1]:  # the newest release is also compared byte for byte
        assert f"corpus/v{version}/documents.parquet: differs from a fresh build of raw/" in err
    assert "edits.parquet" not in err
    assert snapshot(repo_copy / "corpus") == before


def test_verify_names_a_file_the_manifest_does_not_list(repo_copy, run):
    (repo_copy / "corpus" / "v1.0.0" / "notes.txt").write_text("added later")
    code, _, err = run(repo_copy, "verify", "1.0.0")
    assert code == 1 and "notes.txt: not listed in MANIFEST.sha256" in err


def test_verify_of_an_unknown_version_says_which_exist(repo_copy, run):
    code, _, err = run(repo_copy, "verify", "2.0.0")
    assert code == 1 and f"no such release; released: {', '.join(rel.releases(REPO))}" in err


def test_build_reports_what_it_did(repo_copy, run):
    shutil.rmtree(repo_copy / "corpus")
    code, out, _ = run(repo_copy, "build")
    assert code == 0
    assert f"-> {SEED_DOC_ID} (11 edits, gold)" in out
    assert "edits per rule: repair_mojibake 0, normalize_nfc 0, remove_zero_width 0, replace_no_break_spaces 0, " \
           "strip_page_furniture 0, strip_surrounding_whitespace 1, strip_page_chrome 1, strip_boilerplate_lines 0, " \
           "strip_outlet_trailer 1, " \
           "fix_missing_sentence_space 8" in out
    assert "an unreleased build (stamped 1.0.0); `warnews release 1.0.0` makes it a version" in out


def test_a_duplicate_raw_file_is_refused(repo_copy):
    raw = next((repo_copy / "raw" / "news-az").glob("*.txt"))
    shutil.copy(raw, raw.with_name("2024-12-14-copy.txt"))
    shutil.copy(raw.with_suffix("").with_suffix(".meta.yaml"), raw.with_name("2024-12-14-copy.meta.yaml"))
    with pytest.raises(WarnewsError, match=r"same doc_id news-az-20241214-3517843f41 as raw/news-az/2024-12-14-copy\.txt"):
        rel.build_tables(repo_copy, "1.1.0")


def test_an_html_page_goes_through_build_validate_release_and_verify(repo_copy, run, tmp_path):
    # A synthetic page generated here (not news): an article between navigation and a footer.
    sentences = [f"The council of synthetic town {i} voted on a plan for the new river bridge." for i in range(15)]
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Synthetic bridge vote</title></head><body><nav><a href='/'>Home</a>"
                    "<a href='/news'>News</a></nav><article><h1>Synthetic bridge vote</h1>"
                    + "".join(f"<p>{s}</p>" for s in sentences)
                    + "</article><footer><p>© 2024 Example Outlet</p></footer></body></html>", encoding="utf-8")
    code, _, err = run(repo_copy, "add", str(page), "--outlet", "example-outlet", "--published", "2024-05-06",
                       "--license", "CC-BY-4.0", "--outlet-name", "Example Outlet", "--domain", "example.org",
                       "--country", "US")
    assert code == 0, err
    assert run(repo_copy, "build")[0] == 0
    code, out, _ = run(repo_copy, "validate")
    assert code == 0 and out.strip().splitlines()[-1].startswith("PASSED: ")
    code, _, err = run(repo_copy, "release", NEXT, "--no-git")
    assert code == 0, err
    docs = {d["outlet"]: d for d in pq.read_table(repo_copy / "corpus" / f"v{NEXT}" / "documents.parquet").to_pylist()}
    html = docs["example-outlet"]
    assert html["raw_path"] == "raw/example-outlet/2024-05-06-synthetic-bridge-vote.html"
    assert html["title"] == "Synthetic bridge vote"  # from the page, the sidecar had none
    assert all(s in html["text"] for s in sentences)
    assert "Home" not in html["text"] and "©" not in html["text"]
    code, out, err = run(repo_copy, "verify")
    assert code == 0, err
    assert f"rebuilt {NEXT} from raw/: {len(TABLES) + 6} of {len(TABLES) + 6} files byte-identical" in out


def test_verify_of_a_release_whose_layers_were_replaced_says_how_to_check_it(run):
    code, out, err = run(REPO, "verify", "1.1.3")  # its quotes and mentions come from layers since replaced
    assert code == 1
    assert "corpus/v1.1.3/quotes.parquet: differs from a fresh build of raw/" in err
    assert ("built by warnews 1.1.3; to rebuild it with that code, check out the commit that released it (tag "
            "v1.1.3, message `Release data 1.1.3`) and run `warnews verify 1.1.3` there") in err
