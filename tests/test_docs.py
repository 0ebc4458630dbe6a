"""The documents users read agree with the code and the data: schema exports, card, citation,
the README's two commands, datasheet and changelog."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest
import yaml

from conftest import REPO, assert_valid_cff
from warnews import card
from warnews.release import releases
from warnews import schema

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


def _newest_release() -> Path:
    """The release folder with the highest version, as a reader finds it by listing corpus/."""
    folders = [p for p in (REPO / "corpus").iterdir() if re.fullmatch(r"v\d+\.\d+\.\d+", p.name)]
    return max(folders, key=lambda p: tuple(int(n) for n in p.name[1:].split(".")))


NEWEST = _newest_release()
TABLES = sorted(p.stem for p in NEWEST.glob("*.parquet"))


def _card_columns() -> dict[str, dict[str, str]]:
    """The card's column tables: for each heading **`table`**, its rows | `column` | description |."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"^\*\*`(\w+)`\*\*", text, flags=re.M)
    sections = {name: body.split("\n#")[0] for name, body in zip(parts[1::2], parts[2::2])}
    return {name: dict(re.findall(r"^\| `([^`]+)` \| (.*) \|$", body, re.M)) for name, body in sections.items()}


@pytest.mark.parametrize("table", TABLES)
def test_the_card_describes_every_released_column_under_its_table(table):
    columns = pq.read_schema(NEWEST / f"{table}.parquet").names
    described = _card_columns().get(table, {})
    for column in columns:
        assert described.get(column, "").strip(), f"README.md: no description of `{column}` under **`{table}`**"


@pytest.mark.parametrize("table", TABLES)
def test_the_schema_export_describes_every_column(table):
    exported = yaml.safe_load((REPO / "schema" / f"{table}.yaml").read_text(encoding="utf-8"))["columns"]
    assert set(pq.read_schema(NEWEST / f"{table}.parquet").names) <= set(exported)
    for column, spec in exported.items():
        assert isinstance(spec.get("description"), str) and spec["description"].strip(), column


def _heading_anchor(heading: str) -> str:
    """The anchor GitHub and the Hub give a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_in_the_card_and_the_datasheet_opens():
    checked = 0
    for name in ("README.md", "DATASHEET.md"):
        text = re.sub(r"^```.*?^```", "", (REPO / name).read_text(encoding="utf-8"), flags=re.M | re.S)  # code is no link
        anchors = {_heading_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
        for target in re.findall(r"\[[^\]]*\]\(([^)\s]*)\)", text):
            checked += 1
            if target.startswith(("http://", "https://")):
                url = urlsplit(target)
                assert url.scheme in ("http", "https") and "." in url.netloc and " " not in target, (name, target)
            elif target.startswith("mailto:"):
                assert re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.\w+", target), (name, target)
            else:
                path, _, anchor = target.partition("#")
                if path:
                    assert (REPO / path).resolve().is_relative_to(REPO) and (REPO / path).exists(), (name, target)
                else:
                    assert anchor in anchors, (name, target)
    assert checked > 0


def test_card_configs_point_at_the_newest_release():
    meta = _front_matter()
    newest = releases(REPO)[-1]
    configs = {c["config_name"]: c for c in meta["configs"]}
    rows = {name: t["rows"] for name, t in
            json.loads((REPO / "corpus" / f"v{newest}" / "build.json").read_text())["tables"].items()}
    # every table with rows is a config; one without is named in the card instead (datasets cannot load it)
    assert set(configs) == {name for name in schema.TABLES if rows[name] > 0}
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for name in set(schema.TABLES) - set(configs):
        assert re.search(rf"Without rows in this release: [^\n]*`{name}`", text), name
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
    assert_valid_cff(REPO / "CITATION.cff")


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


def test_the_card_states_the_counts_of_the_newest_release():
    """What the card says about the current release is what its Parquet files hold."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {table: pq.ParquetFile(NEWEST / f"{table}.parquet").metadata.num_rows for table in TABLES}
    docs = rows.pop("documents")
    assert f"**Current release: {NEWEST.name[1:]}** (`corpus/{NEWEST.name}/`)" in text
    assert f"**{docs} document{'s' if docs != 1 else ''}**" in text
    stated = re.search(r"rows per table: ([^.]+)\.", text).group(1)
    assert {name: int(n) for name, n in (part.rsplit(" ", 1) for part in stated.split(", "))} == rows
    assert f"the {rows['edits']} edits" in text
    documents = pq.read_table(NEWEST / "documents.parquet", columns=["n_words", "n_sentences"]).to_pydict()
    assert f"{sum(documents['n_words'])} words, {sum(documents['n_sentences'])} sentences" in text
