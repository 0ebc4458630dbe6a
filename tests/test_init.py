"""`warnews init`: a new collection folder in which import, release, docs and cite work, and a
release that refuses while the card or citation still holds a placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import assert_valid_cff, snapshot
from test_import import FLAGS, records, write_jsonl
from warnews import init as collection
from warnews.errors import WarnewsError

FILLED = ["--title", "Example Wire 2024", "--author", "Doe, Jane", "--author", "Example Lab", "--license",
          "CC-BY-4.0", "--description", "Synthetic wire reports, made to test warnews."]
FILES = ["warnews.yaml", "README.md", "DATASHEET.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", ".gitignore"]


def _init(run, tmp_path: Path, *flags: str) -> Path:
    folder = tmp_path / "collection"
    code, out, err = run(tmp_path, "init", str(folder), *flags)
    assert code == 0, err
    assert "layers in warnews.yaml: rule:dates_v1" in out
    return folder


def _import(run, root: Path, tmp_path: Path) -> None:
    code, _, err = run(root, "import", str(write_jsonl(tmp_path / "records.jsonl", records(4))), *FLAGS)
    assert code == 0, err


def test_init_writes_a_collection_every_command_works_in(run, tmp_path):
    root = _init(run, tmp_path, *FILLED)
    assert all((root / name).is_file() for name in FILES) and (root / "raw").is_dir()
    layers = yaml.safe_load((root / "warnews.yaml").read_text())["layers"]
    assert layers[:4] == ["rule:dates_v1", "rule:mentions_v4", "rule:quotes_v5", "rule:turns_v2"]
    assert collection.unfilled(root) == []
    datasheet = (root / "DATASHEET.md").read_text()
    for section in ("Motivation", "Composition", "Collection process", "Preprocessing", "Uses", "Distribution",
                    "Maintenance"):
        assert f"\n## {section}" in datasheet
    assert "Creative Commons Attribution 4.0 International (CC-BY-4.0)" in (root / "LICENSE").read_text()
    assert "license_note" in (root / "LICENSE").read_text()

    _import(run, root, tmp_path)
    code, out, err = run(root, "release", "1.0.0", "--no-git")
    assert code == 0, err
    assert "warning: DATASHEET.md has 48 answer(s) still <FILL IN: …>" in out
    assert (root / "corpus" / "v1.0.0" / "documents.parquet").is_file()
    assert "## [1.0.0] - " in (root / "CHANGELOG.md").read_text()
    cff = yaml.safe_load((root / "CITATION.cff").read_text())
    assert cff["version"] == "1.0.0" and cff["authors"][0] == {"family-names": "Doe", "given-names": "Jane"}
    readme = (root / "README.md").read_text()
    assert "path: corpus/v1.0.0/documents.parquet" in readme and "**Current release: 1.0.0**" in readme
    assert "author = {{Doe, Jane and Example Lab}}" in readme
    report = (root / "corpus" / "v1.0.0" / "report.html").read_text()
    assert "<title>Example Wire 2024 1.0.0: corpus report</title>" in report
    assert run(root, "docs", "--check")[0] == 0


def test_the_citation_is_valid_cff(run, tmp_path):
    root = _init(run, tmp_path, *FILLED)
    assert_valid_cff(root / "CITATION.cff")


def test_release_refuses_placeholders_naming_file_and_field_and_writes_nothing(run, tmp_path):
    root = _init(run, tmp_path, *[f for f in FILLED if f not in ("--title", "Example Wire 2024")])
    _import(run, root, tmp_path)
    before = snapshot(root)
    code, _, err = run(root, "release", "1.0.0", "--no-git")
    assert code == 1
    assert "README.md line 2: pretty_name is still <FILL IN: the collection's name>" in err
    assert re.search(r"CITATION\.cff line \d+: title is still <FILL IN", err)
    assert "nothing was released" in err
    assert snapshot(root) == before


def test_a_missing_license_and_author_are_named(tmp_path):
    collection.init(tmp_path / "c", collection.Answers(title="T", description="D"))
    problems = "\n".join(collection.unfilled(tmp_path / "c"))
    assert "CITATION.cff line" in problems and "authors is still <FILL IN" in problems
    assert "license is still <FILL IN" in problems and "copyright holder is still" in problems


def test_init_refuses_a_folder_holding_a_readme(run, tmp_path):
    folder = tmp_path / "collection"
    folder.mkdir()
    (folder / "README.md").write_text("mine\n")
    code, _, err = run(tmp_path, "init", str(folder), *FILLED)
    assert code == 1 and "already holds README.md; nothing was written" in err
    assert sorted(p.name for p in folder.iterdir()) == ["README.md"]


def test_an_unknown_license_is_refused_with_the_list():
    with pytest.raises(WarnewsError, match=r"--license 'CC-BY-3\.0'.*CC-BY-4\.0, CC-BY-SA-4\.0"):
        collection.Answers(license="CC-BY-3.0")


def test_the_identity_of_a_collection_comes_from_its_citation(tmp_path):
    from warnews import card

    (tmp_path / "README.md").write_text('---\npretty_name: "Kyiv wires"\n---\n# Kyiv wires\n')
    (tmp_path / "CITATION.cff").write_text("authors:\n  - family-names: Doe\n    given-names: Jo\nlicense: CC0-1.0\n")
    about = card.identity(tmp_path)
    assert (about.title, about.authors, about.licenses) == ("Kyiv wires", "Doe, Jo", ("CC0-1.0",))
    assert about.citation("1.0.0") == "Doe, Jo. Kyiv wires (version 1.0.0) [Data set]."
    assert about.license_urls == ["https://creativecommons.org/publicdomain/zero/1.0/"] and about.key == "kyiv_wires"
    (tmp_path / "CITATION.cff").write_text("title: T\nlicense: 42\n")
    with pytest.raises(WarnewsError, match=r"CITATION.cff: license is 42; give an SPDX id"):
        card.identity(tmp_path)
