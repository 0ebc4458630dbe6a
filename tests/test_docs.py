"""The documents users read agree with the code and the data: schema exports, card, citation,
the README's two commands, datasheet and changelog."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from warnews import card
from warnews.release import releases
from warnews.schema import MODELS, column_descriptions

GEBRU_SECTIONS = ["Motivation", "Composition", "Collection process", "Preprocessing", "Uses", "Distribution",
                  "Maintenance"]


def _front_matter() -> dict:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_generated_files_are_up_to_date(run):
    """schema/*.yaml and the card's configs and column tables are what the code generates now."""
    assert card.stale_files(REPO) == [], "run `warnews docs`"
    code, _, _ = run(REPO, "docs", "--check")
    assert code == 0


def test_docs_check_notices_a_stale_export(repo_copy, run):
    shutil.copytree(REPO / "schema", repo_copy / "schema")
    path = repo_copy / "schema" / "edits.yaml"
    path.write_text(path.read_text().replace("Cleaning rule", "Rule"))
    code, _, err = run(repo_copy, "docs", "--check")
    assert code == 1 and "schema/edits.yaml: out of date" in err


@pytest.mark.parametrize("table", list(MODELS))
def test_schema_export_carries_every_column_description(table):
    exported = yaml.safe_load((REPO / "schema" / f"{table}.yaml").read_text())
    assert {c: v["description"] for c, v in exported["columns"].items()} == column_descriptions(table)
    assert all(len(d) > 10 for d in column_descriptions(table).values())


def test_card_configs_point_at_the_newest_release():
    meta = _front_matter()
    newest = releases(REPO)[-1]
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert set(configs) == set(MODELS)
    assert [name for name, c in configs.items() if c.get("default")] == ["documents"]
    for name, config in configs.items():
        (split,) = config["data_files"]
        assert split["path"] == f"corpus/v{newest}/{name}.parquet" and (REPO / split["path"]).is_file()
    assert meta["license"] == "other" and (REPO / meta["license_link"]).is_file()


def test_card_has_the_sections_a_dataset_card_needs():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for heading in ("## Quick start", "## Load the data", "## Dataset structure", "## How it was built",
                    "## Limitations", "## License", "## Citation"):
        assert heading in text
    for table in MODELS:
        for column in column_descriptions(table):
            assert f"| `{column}` |" in text


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = [line for line in text.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    main_job, tests = commands
    assert "warnews build" in main_job and "warnews verify" in main_job
    assert "pytest" in tests
    ci = (REPO / ".ci" / "run").read_text()
    assert tests in ci.splitlines()


def test_citation_cff_is_valid_and_names_the_newest_release():
    meta = yaml.safe_load((REPO / "CITATION.cff").read_text())
    newest = releases(REPO)[-1]
    assert meta["type"] == "dataset" and meta["version"] == newest
    assert meta["preferred-citation"]["type"] == "data" and meta["preferred-citation"]["version"] == newest
    assert f"version = {{{newest}}}" in (REPO / "README.md").read_text()
    beside = Path(sys.executable).with_name("cffconvert")
    cffconvert = str(beside) if beside.is_file() else shutil.which("cffconvert")
    if cffconvert is None:
        pytest.skip("cffconvert is not installed (pip install -e '.[test]' installs it)")
    done = subprocess.run([cffconvert, "--validate", "-i", str(REPO / "CITATION.cff")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_datasheet_answers_the_gebru_sections():
    text = (REPO / "DATASHEET.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for section in GEBRU_SECTIONS:
        assert any(h.startswith(section) for h in headings), section
    assert "copyright" in text.lower()


def test_changelog_has_an_entry_per_release_with_its_counts():
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for version in releases(REPO):
        section = text.split(f"## [{version}]")[1].split("\n## [")[0]
        build = json.loads((REPO / "corpus" / f"v{version}" / "build.json").read_text())
        for rule, counts in build["rules"].items():
            assert f"`{rule}` {counts['edits']}" in section, rule
        assert f"Edits: {build['tables']['edits']['rows']}" in section


def test_license_keeps_the_texts_with_their_publishers():
    text = (REPO / "LICENSE").read_text()
    assert "MIT License" in text and "CC BY 4.0" in text and "copyright stays with their publishers" in text


def test_readme_states_the_current_release_as_it_is():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    newest = releases(REPO)[-1]
    build = json.loads((REPO / "corpus" / f"v{newest}" / "build.json").read_text())
    docs = build["tables"]["documents"]["rows"]
    assert f"**Current release: {newest}** (`corpus/v{newest}/`)" in text
    assert f"**{docs} document{'s' if docs != 1 else ''}**" in text
    assert f"the {build['tables']['edits']['rows']} edits" in text
