"""The text-free form of a release (strip-text), putting the texts back (hydrate), and publish's
refusal to send texts whose license does not allow it."""

from __future__ import annotations

import json
import re

import pyarrow
import pyarrow.parquet as pq
from conftest import REPO, SEED_DOC_ID, SEED_RAW, snapshot

from warnews.publish import held_back
from warnews.textfree import HYDRATE, text_columns
from warnews.versions import releases

NEWEST = releases(REPO)[-1]
RELEASE = REPO / "corpus" / f"v{NEWEST}"
# Annotations that are ours, kept in the text-free form, which may repeat a few words of a text:
# curated entities, the curators' findings and their evidence, and roles and source descriptions
# as printed (labels of a few words, with no offsets to put them back from).
ANNOTATIONS = {("entities", name) for name in pq.read_schema(RELEASE / "entities.parquet").names} | {
    ("errata", "finding"), ("errata", "evidence"), ("quotes", "speaker_role"), ("sources", "description"),
    ("merges", "spelling")}  # names as printed, like the entities' names and aliases


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _runs(text: str, size: int = 20) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def _strip(run, repo_copy, tmp_path):
    out = tmp_path / "textfree"
    code, said, err = run(repo_copy, "strip-text", NEWEST, "--out", str(out))
    assert code == 0, err
    assert "text-free copy" in said
    return out


def test_a_stripped_release_holds_no_text_but_every_annotation(repo_copy, run, tmp_path):
    out = _strip(run, repo_copy, tmp_path)
    text = pq.read_table(RELEASE / "documents.parquet").column("text")[0].as_py()
    runs = _runs(text)
    for path in sorted(out.glob("*.parquet")):
        table, original = pq.read_table(path), pq.read_table(RELEASE / path.name)
        assert table.schema.names == original.schema.names and table.num_rows == original.num_rows
        for column in table.schema.names:
            values = table.column(column).to_pylist()
            if column in text_columns(path.stem):
                assert values == [None] * table.num_rows, (path.name, column)
            elif (path.stem, column) not in ANNOTATIONS:
                assert values == original.column(column).to_pylist(), (path.name, column)
                leaked = [s for v in values for s in _strings(v) if any(r in s for r in runs)]
                assert leaked == [], (path.name, column, leaked[:1])
    # the report lists entities by name: the knowledge base's names, kept like the entities table
    names = sorted(pq.read_table(RELEASE / "entities.parquet").column("name").to_pylist(), key=len, reverse=True)
    for path in sorted(out.iterdir()):
        if path.suffix != ".parquet":
            content = path.read_text(encoding="utf-8")
            for name in names:
                content = content.replace(f"({name})", "")
            assert not any(r in content for r in runs), path.name
    record = json.loads((out / HYDRATE).read_text())
    assert set(record["text_sha256"]) == {SEED_DOC_ID}
    assert record["files"]["documents.parquet"] in (RELEASE / "MANIFEST.sha256").read_text()


def test_hydrating_gives_back_the_release_byte_for_byte(repo_copy, run, tmp_path):
    out = _strip(run, repo_copy, tmp_path)
    hydrated = tmp_path / "hydrated"
    code, said, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(hydrated), str(out))
    assert code == 0, err
    assert "note:" not in said
    assert snapshot(hydrated) == snapshot(RELEASE)


def test_hydrate_refuses_a_raw_file_changed_by_one_byte(repo_copy, run, tmp_path):
    out = _strip(run, repo_copy, tmp_path)
    raw = repo_copy / SEED_RAW
    data = bytearray(raw.read_bytes())
    data[100] ^= 1
    raw.write_bytes(bytes(data))
    hydrated = tmp_path / "hydrated"
    code, _, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(hydrated), str(out))
    assert code == 1 and f"{SEED_DOC_ID}: " in err and "is not the file the release was made from" in err
    assert not hydrated.exists()


def test_hydrate_refuses_a_cleaning_that_gives_another_text(repo_copy, run, tmp_path):
    out = _strip(run, repo_copy, tmp_path)
    profile = repo_copy / "outlets" / "news-az.yaml"
    profile.write_text(re.sub(r"trailer_lines:\n  - News.Az\n", "", profile.read_text()))
    code, _, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(tmp_path / "h"), str(out))
    assert code == 1 and f"{SEED_DOC_ID}: cleaning {SEED_RAW} gives a text whose sha256" in err


def test_hydrate_refuses_extra_fields_that_are_not_the_releases(repo_copy, run, tmp_path):
    """documents.extra goes with the texts (it may hold a publisher's summary) and comes back from
    the sidecar, checked like the text: a field added since is refused."""
    out = _strip(run, repo_copy, tmp_path)
    assert pq.read_table(out / "documents.parquet").column("extra").to_pylist() == [None]
    sidecar = next((repo_copy / "raw").rglob("*.meta.yaml"))
    sidecar.write_text(sidecar.read_text() + "extra:\n  section: world\n")
    code, _, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(tmp_path / "h"), str(out))
    assert code == 1 and f"{SEED_DOC_ID}: the fields of" in err and "documents.extra" in err


def test_hydrate_refuses_a_record_that_cannot_check_the_extra_fields(repo_copy, run, tmp_path):
    from warnews.release import write_manifest

    out = _strip(run, repo_copy, tmp_path)
    record = json.loads((out / HYDRATE).read_text())
    del record["extra_sha256"]
    (out / HYDRATE).write_text(json.dumps(record))
    write_manifest(out)  # as if the copy had been made so, not damaged since
    code, _, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(tmp_path / "h"), str(out))
    assert code == 1 and "extra_sha256 is missing" in err


def test_hydrate_refuses_a_release_that_is_not_text_free(repo_copy, run, tmp_path):
    code, _, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(tmp_path / "h"))
    assert code == 1 and f"{HYDRATE}: missing" in err


# --- publish ----------------------------------------------------------------------------------

def test_publish_refuses_texts_under_publisher_copyright(repo_copy, run):
    assert pq.read_table(RELEASE / "documents.parquet").column("license").to_pylist() == ["publisher-copyright"]
    code, out, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run")
    assert code == 1 and out == ""
    assert f"refusing to publish {NEWEST}: 1 document(s) under publisher-copyright" in err
    assert "--without-text" in err and "--include-text-under publisher-copyright" in err
    assert not (repo_copy / "build" / "publish").exists()


def test_publish_sends_texts_under_a_license_named(repo_copy, run):
    code, _, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run",
                       "--include-text-under", "publisher-copyright")
    assert code == 0, err
    staged = repo_copy / "build" / "publish" / "corpus" / f"v{NEWEST}"
    assert snapshot(staged) == snapshot(RELEASE)


def test_publish_without_text_sends_the_text_free_form(repo_copy, run, tmp_path):
    code, out, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run", "--without-text")
    assert code == 0, err
    assert f"corpus/v{NEWEST}/{HYDRATE}" in out
    staged = repo_copy / "build" / "publish" / "corpus" / f"v{NEWEST}"
    assert pq.read_table(staged / "documents.parquet").column("text").to_pylist() == [None]
    # the card and datasheet that go with it say the texts are not there, and how to put them back
    for name in ("README.md", "DATASHEET.md"):
        sent = (repo_copy / "build" / "publish" / name).read_text(encoding="utf-8")
        assert "This copy holds no texts" in sent and "warnews hydrate" in sent, name
        assert "This copy holds no texts" not in (repo_copy / name).read_text(encoding="utf-8")
    assert sent.index("This copy holds no texts") < sent.index("\n## ")
    hydrated = tmp_path / "hydrated"
    code, _, err = run(repo_copy, "hydrate", "--from", str(repo_copy), "--into", str(hydrated), str(staged))
    assert code == 0, err
    assert snapshot(hydrated) == snapshot(RELEASE)


def test_publish_refuses_an_unknown_license_name(repo_copy, run):
    code, _, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run",
                       "--include-text-under", "CC-BY-5.0")
    assert code == 1 and "--include-text-under 'CC-BY-5.0' is not a license" in err


def test_only_licenses_that_allow_it_pass_without_being_named(tmp_path):
    licenses = ["CC-BY-4.0", "CC0-1.0", "publisher-copyright", "CC-BY-SA-4.0", "publisher-copyright"]
    pq.write_table(pyarrow.table({"license": licenses}), tmp_path / "documents.parquet")
    assert held_back(tmp_path) == {"publisher-copyright": 2}
    assert held_back(tmp_path, ("publisher-copyright",)) == {}


def test_the_notice_goes_under_the_title_not_into_a_code_block():
    from warnews.publish import with_notice

    assert with_notice("---\n---\n# Title\n\nbody\n", "NOTE\n") == "---\n---\n# Title\n\nNOTE\n\nbody\n"
    fenced = "intro\n```sh\n# hydrate it\n```\n# Title\nbody\n"
    assert with_notice(fenced, "NOTE\n") == "intro\n```sh\n# hydrate it\n```\n# Title\n\nNOTE\n\nbody\n"
