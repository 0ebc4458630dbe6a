"""Publishing: versions loadable by name, diffs, version steps held to the change, the changelog,
citation, git tags, Croissant, the Hub upload (dry run and the layout it sends), the report."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

import warnews
from conftest import REPO, SEED_DOC_ID, snapshot
from warnews.errors import WarnewsError
from warnews.publish import check_card
from warnews.stats import corpus_stats, report_html
from warnews.versions import check_step, diff, releases, required_level

NEWEST = releases(REPO)[-1]
SYNTHETIC = ("Synthetic test article. " + " ".join(
    f"The council of village number {i} met on a quiet evening and approved budget {i} for the school roof."
    for i in range(12)))


# --- versions -------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["1.0.0", None])
def test_every_release_loads_by_name(version):
    docs = warnews.load("documents", version=version, root=REPO)
    assert list(docs["doc_id"]) == [SEED_DOC_ID]
    as_dataset = warnews.load("documents", version=version, as_="datasets", root=REPO)
    assert as_dataset[0]["doc_id"] == SEED_DOC_ID


def test_load_refuses_a_release_whose_files_do_not_match_its_manifest(repo_copy):
    (repo_copy / "corpus" / "v1.0.0" / "edits.parquet").write_bytes(b"not parquet")
    with pytest.raises(WarnewsError, match=r"v1\.0\.0/edits\.parquet: sha256 differs from MANIFEST\.sha256"):
        warnews.load("documents", version="1.0.0", root=repo_copy)


@pytest.mark.parametrize("args,message", [
    ({"table": "quotes", "version": "1.0.0"}, r"release 1\.0\.0 has no table 'quotes'; it has documents, edits"),
    ({"table": "documents", "version": "9.9.9"}, r"no such release; released: 1\.0\.0"),
    ({"table": "documents", "as_": "polars"}, r"as_='polars': choose 'pandas' or 'datasets'"),
])
def test_load_says_what_is_wrong(args, message):
    with pytest.raises(WarnewsError, match=message):
        warnews.load(root=REPO, **args)


def test_diff_reports_documents_rows_and_layers(run):
    change = diff(REPO, "1.0.0", "1.1.0")  # released versions never change, so neither does this diff
    assert change["documents"] == {"added": [], "removed": [], "changed": []}
    assert "quotes" in change["tables_added"] and change["rows"]["edits"] == [11, 11]
    assert change["layers"]["quotes"]["new"] == {"gold": 12, "rule:quotes_v1": 12}
    code, out, _ = run(REPO, "diff", "1.0.0", "1.1.0")
    assert code == 0 and "needs at least a minor version step" in out and "- Documents: 0 added, 0 removed, 0 changed." in out


def test_diff_of_an_unknown_version_is_refused(run):
    code, _, err = run(REPO, "diff", "1.0.0", "0.1.0")
    assert code == 1 and "corpus/v0.1.0: no such release" in err


def _change(**kwargs):
    change = {"tables_added": [], "tables_removed": [], "columns": {}, "rows": {}, "layers": {},
              "documents": {"added": [], "removed": [], "changed": []}}
    change.update(kwargs)
    return change


@pytest.mark.parametrize("change,level", [
    (_change(), "patch"),
    (_change(documents={"added": [], "removed": [], "changed": ["d"]}), "patch"),
    (_change(documents={"added": ["d"], "removed": [], "changed": []}), "minor"),
    (_change(tables_added=["quotes"]), "minor"),
    (_change(columns={"documents": {"added": ["author"], "removed": [], "retyped": []}}), "minor"),
    (_change(columns={"documents": {"added": [], "removed": ["title"], "retyped": []}}), "major"),
    (_change(columns={"edits": {"added": [], "removed": [], "retyped": ["raw_start"]}}), "major"),
    (_change(tables_removed=["dates"]), "major"),
])
def test_the_step_a_change_needs(change, level):
    assert required_level(change) == level


def test_a_version_that_understates_the_change_is_refused():
    with pytest.raises(WarnewsError, match=r"version 1\.1\.3 is a patch step from 1\.1\.2, but the data changed in a way "
                                           r"that needs a minor version \(1\.2\.0 or higher\): Documents: 1 added"):
        check_step(_change(documents={"added": ["d"], "removed": [], "changed": []}), "1.1.2", "1.1.3")
    check_step(_change(documents={"added": ["d"], "removed": [], "changed": []}), "1.1.2", "2.0.0")  # more is fine


def _add_synthetic(run, root, tmp_path):
    path = tmp_path / "synthetic.txt"
    path.write_text(SYNTHETIC, encoding="utf-8")
    code, _, err = run(root, "add", str(path), "--outlet", "example-outlet", "--published", "2024-05-06",
                       "--license", "CC-BY-4.0", "--outlet-name", "Example Outlet", "--domain", "example.org",
                       "--country", "US", "--slug", "school-roof")
    assert code == 0, err


def test_release_holds_the_version_to_the_change_and_records_it(repo_copy, run, tmp_path):
    _add_synthetic(run, repo_copy, tmp_path)
    changelog = repo_copy / "CHANGELOG.md"
    note = "- A note written since the last release.\n"
    text = changelog.read_text()
    if "\n## [Unreleased]\n\n### Code\n" in text:  # the repository's own notes since its last release
        text = text.replace("\n## [Unreleased]\n\n### Code\n", "\n## [Unreleased]\n\n### Code\n" + note, 1)
    else:
        head, first, rest = text.partition("\n## [")
        text = f"{head}\n## [Unreleased]\n\n### Code\n{note}{first}{rest}"
    changelog.write_text(text)
    major, minor, patch = (int(x) for x in NEWEST.split("."))
    before = snapshot(repo_copy / "corpus")
    code, _, err = run(repo_copy, "release", f"{major}.{minor}.{patch + 1}")
    assert code == 1 and "needs a minor version" in err and "Documents: 1 added" in err
    assert snapshot(repo_copy / "corpus") == before
    version = f"{major}.{minor + 1}.0"
    code, out, err = run(repo_copy, "release", version)
    assert code == 0, err
    assert "- Documents: 1 added, 0 removed, 0 changed; added: example-outlet-20240506-" in out
    changelog = (repo_copy / "CHANGELOG.md").read_text()
    entry = changelog.split(f"## [{version}]")[1].split("\n## [")[0]
    assert "### Data (generated by `warnews release`)" in entry and "Documents: 1 added" in entry
    assert "## [Unreleased]" not in changelog  # the notes since the last release moved in
    assert "### Code\n- A note written since the last release." in entry
    edits = re.search(r"^- Edits: \d+ \((.*)\)\.$", entry, re.M).group(1)
    assert re.findall(r"`(\w+)`", edits) == [  # in the order the rules run, not alphabetical
        "repair_mojibake", "normalize_nfc", "remove_zero_width", "replace_no_break_spaces", "strip_page_furniture",
        "strip_surrounding_whitespace", "strip_page_chrome", "strip_boilerplate_lines", "strip_outlet_trailer",
        "fix_missing_sentence_space"]
    cff = yaml.safe_load((repo_copy / "CITATION.cff").read_text())
    assert cff["version"] == version and cff["preferred-citation"]["version"] == version
    assert "not a git checkout: no commit or tag made" in out


def test_release_commits_and_tags_in_a_git_checkout(repo_copy, run, tmp_path):
    def git(*args):
        return subprocess.run(["git", "-C", str(repo_copy), *args], capture_output=True, text=True, check=True).stdout

    git("init", "-q")
    git("-c", "user.name=Test", "-c", "user.email=test@example.org", "add", ".")
    git("-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", "state before the release")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.org")
    _add_synthetic(run, repo_copy, tmp_path)
    git("add", "raw")
    git("commit", "-qm", "add a synthetic test document")
    major, minor, _ = (int(x) for x in NEWEST.split("."))
    version = f"{major}.{minor + 1}.0"
    code, out, err = run(repo_copy, "release", version)
    assert code == 0, err
    assert f"committed and tagged v{version}" in out
    assert git("tag", "--list") .split() == [f"v{version}"]
    assert git("log", "-1", "--format=%s", f"v{version}").strip() == f"Release data {version}"
    assert git("status", "--porcelain", "--", "corpus", "CHANGELOG.md", "CITATION.cff", "README.md") == ""


def _git_checkout(repo_copy):
    """The repository copy as a git checkout with one commit and a committer."""
    def git(*args, check=True):
        return subprocess.run(["git", "-C", str(repo_copy), *args], capture_output=True, text=True, check=check).stdout

    shutil.copy(REPO / ".gitignore", repo_copy / ".gitignore")
    git("init", "-q")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.org")
    git("add", ".")
    git("commit", "-qm", "state before the release")
    return git


def _files(root):
    """Every file of the checkout but git's own and the build's scratch space."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith((".git/", "build/"))}


def _hook(repo_copy, name, script):
    hook = repo_copy / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + script + "\n")
    hook.chmod(0o755)


def test_release_refuses_a_version_whose_tag_exists_before_building(repo_copy, run):
    git = _git_checkout(repo_copy)
    git("tag", "v9.0.0")
    before = _files(repo_copy)
    code, _, err = run(repo_copy, "release", "9.0.0")
    assert code == 1 and "git tag v9.0.0 already exists; nothing was released" in err
    assert _files(repo_copy) == before


def test_a_failed_commit_releases_nothing(repo_copy, run):
    git = _git_checkout(repo_copy)
    _hook(repo_copy, "pre-commit", "echo 'refused by a test hook' >&2; exit 1")
    before, status = _files(repo_copy), git("status", "--porcelain")
    code, _, err = run(repo_copy, "release", "9.0.0")
    assert code == 1
    assert "`git commit -m` failed: refused by a test hook; nothing was released; fix that and release again" in err
    assert _files(repo_copy) == before  # no release folder, card, changelog and citation as they were
    assert git("status", "--porcelain") == status  # and nothing left staged
    assert git("tag", "--list") == ""


def test_a_failed_tag_keeps_the_commit_and_says_how_to_tag(repo_copy, run):
    git = _git_checkout(repo_copy)
    _hook(repo_copy, "post-commit", "git tag v9.0.0")  # takes the name first, so the release's own tag fails
    code, out, err = run(repo_copy, "release", "9.0.0")
    assert code == 1
    assert ("the release is committed; tag it by hand: git tag -a v9.0.0 -m 'warnews data 9.0.0'") in err
    assert git("log", "-1", "--format=%s").strip() == "Release data 9.0.0"
    assert git("status", "--porcelain", "--", "corpus", "CHANGELOG.md", "CITATION.cff", "README.md") == ""
    assert (repo_copy / "corpus" / "v9.0.0" / "MANIFEST.sha256").is_file()


# --- citation -------------------------------------------------------------------------------

def test_cite_prints_each_format(run):
    code, out, _ = run(REPO, "cite", "--version", "1.0.0", "--format", "bibtex")
    assert code == 0 and "@misc{warnews_1_0_0," in out and "version = {1.0.0}" in out
    code, out, _ = run(REPO, "cite", "--format", "apa")
    assert out.strip().endswith(f"(Version {NEWEST}) [Data set].")
    code, out, _ = run(REPO, "cite", "--format", "cff", "--version", "1.0.0")
    cff = yaml.safe_load(out)
    assert cff["version"] == "1.0.0" and cff["type"] == "dataset"


def test_cite_output_in_cff_is_valid(run, tmp_path):
    beside = Path(sys.executable).with_name("cffconvert")
    if not beside.is_file():
        pytest.skip("cffconvert is not installed (pip install -e '.[test]' installs it)")
    _, out, _ = run(REPO, "cite", "--format", "cff", "--version", "1.0.0")
    (tmp_path / "CITATION.cff").write_text(out)
    done = subprocess.run([str(beside), "--validate", "-i", str(tmp_path / "CITATION.cff")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cite_of_an_unknown_version_is_refused(run):
    code, _, err = run(REPO, "cite", "--version", "0.9.0")
    assert code == 1 and "version 0.9.0 was never released" in err


# --- croissant ------------------------------------------------------------------------------

def test_croissant_describes_the_release_and_loads_offline():
    import mlcroissant as mlc

    folder = REPO / "corpus" / f"v{NEWEST}"
    jsonld = json.loads((folder / "croissant.json").read_text())
    manifest = dict(reversed(line.split("  ")) for line in (folder / "MANIFEST.sha256").read_text().splitlines())
    files = {f["name"]: f for f in jsonld["distribution"]}
    assert set(files) == {p.name for p in folder.glob("*.parquet")}
    assert all(files[name]["sha256"] == manifest[name] for name in files)
    record_sets = {r["name"]: r for r in jsonld["recordSet"]}
    fields = {f["name"]: f for f in record_sets["quotes"]["field"]}
    assert fields["doc_id"]["references"]["field"]["@id"] == "documents/doc_id"
    assert fields["speaker_entity_ids"]["references"]["field"]["@id"] == "entities/entity_id"
    assert fields["text"]["description"].startswith("What was said")
    quotes = list(mlc.Dataset(jsonld=folder / "croissant.json").records("quotes"))
    assert len(quotes) == 36 and any(q["quotes/text"] == b"maximally" for q in quotes)  # 12 gold, 12 from each quote layer
    docs = list(mlc.Dataset(jsonld=folder / "croissant.json").records("documents"))
    assert docs[0]["documents/doc_id"].decode() == SEED_DOC_ID


# --- the Hub ----------------------------------------------------------------------------------

def test_the_card_passes_the_offline_checks():
    assert check_card(REPO) == []


@pytest.mark.parametrize("old,new,message", [
    ("  default: true\n", "  default: true\n  default: true\n", None),
    ("license: other", "license: proprietary-ish", r"license 'proprietary-ish' is not one of"),
    ("    path: corpus/v", "    path: corpus/v0", r"which does not exist"),
])
def test_a_broken_card_is_found(repo_copy, old, new, message):
    readme = repo_copy / "README.md"
    text = readme.read_text()
    if message is None:  # two defaults
        text = text.replace("- config_name: edits\n", "- config_name: edits\n  default: true\n", 1)
        message = r"2 default configs"
    else:
        text = text.replace(old, new, 1)
    readme.write_text(text)
    assert any(re.search(message, p) for p in check_card(repo_copy))


# The seed text is the publisher's: publish sends it only when told to (tests/test_textfree.py).
SEND_TEXTS = ("--include-text-under", "publisher-copyright")


def test_publish_dry_run_lists_exactly_what_would_be_sent(repo_copy, run, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    code, out, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run", *SEND_TEXTS)
    assert code == 0, err
    listed = re.findall(r"^  (\S+)  [\d,]+ bytes  sha256 ([0-9a-f]{64})$", out, re.M)
    names = [name for name, _ in listed]
    assert names == sorted(names) and "README.md" in names and "LICENSE" in names
    assert {n for n in names if n.startswith("corpus/")} == {
        f"corpus/v{NEWEST}/{p.name}" for p in (REPO / "corpus" / f"v{NEWEST}").iterdir()}
    assert f"would send to dataset someone/warnews, tag v{NEWEST}: {len(names)} files" in out


def test_the_sent_layout_loads_with_datasets(repo_copy, run, tmp_path, monkeypatch):
    from datasets import load_dataset

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run", *SEND_TEXTS)
    hub_copy = tmp_path / "hub-copy"  # what a user gets after downloading the Hub repository
    shutil.copytree(repo_copy / "build" / "publish", hub_copy)
    docs = load_dataset(str(hub_copy), split="train", cache_dir=str(tmp_path / "cache"))
    quotes = load_dataset(str(hub_copy), "quotes", split="train", cache_dir=str(tmp_path / "cache"))
    assert docs[0]["doc_id"] == SEED_DOC_ID and quotes.num_rows == 36


def test_publish_without_a_token_sends_nothing(repo_copy, run, monkeypatch):
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    sent = []
    monkeypatch.setattr("warnews.publish.upload", lambda *a, **k: sent.append(a))
    code, _, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", *SEND_TEXTS)
    assert code == 1 and "no Hugging Face token: set HF_TOKEN in the environment (nothing was sent)" in err
    assert sent == []


def test_the_token_is_never_printed(repo_copy, run, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_secret_value_for_test")
    monkeypatch.setattr("warnews.publish.upload", lambda staged, repo_id, version, token: f"https://example.org/{repo_id}")
    code, out, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", *SEND_TEXTS)
    assert code == 0 and "published" in out
    assert "hf_secret_value_for_test" not in out + err


class FakeHub:
    """Stands in for huggingface_hub.HfApi: records every call and what the upload would carry."""

    calls: list = []

    def __init__(self, token=None):
        self.calls.append(("HfApi", {"token": token}))

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", {"repo_id": repo_id, **kwargs}))

    def upload_folder(self, **kwargs):
        folder = Path(kwargs["folder_path"])
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        self.calls.append(("upload_folder", {**kwargs, "files": files}))
        return f"https://huggingface.co/datasets/{kwargs['repo_id']}/commit/0123abcd"

    def create_tag(self, repo_id, **kwargs):
        self.calls.append(("create_tag", {"repo_id": repo_id, **kwargs}))


def test_publish_sends_the_staged_folder_and_tags_the_version(repo_copy, run, monkeypatch):
    import huggingface_hub

    FakeHub.calls = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeHub)  # only the network is replaced
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    code, out, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", *SEND_TEXTS)
    assert code == 0, err
    assert [name for name, _ in FakeHub.calls] == ["HfApi", "create_repo", "upload_folder", "create_tag"]
    calls = dict(FakeHub.calls)
    assert calls["HfApi"] == {"token": "hf_test_token"}
    assert calls["create_repo"] == {"repo_id": "someone/warnews", "repo_type": "dataset", "exist_ok": True}
    upload = calls["upload_folder"]
    assert (upload["repo_id"], upload["repo_type"], upload["commit_message"]) == (
        "someone/warnews", "dataset", f"warnews {NEWEST}")
    listed = re.findall(r"^  (\S+)  [\d,]+ bytes", out, re.M)
    assert upload["files"] == listed and "README.md" in listed and f"corpus/v{NEWEST}/documents.parquet" in listed
    assert calls["create_tag"] == {"repo_id": "someone/warnews", "tag": f"v{NEWEST}", "repo_type": "dataset",
                                   "tag_message": f"warnews data {NEWEST}"}
    assert f"published {NEWEST}: https://huggingface.co/datasets/someone/warnews/commit/0123abcd" in out
    assert "hf_test_token" not in out + err


@pytest.mark.parametrize("repo_id", ["warnews", "someone/warnews/extra", "some one/warnews"])
def test_publish_refuses_a_malformed_repo_id_before_sending(repo_id, repo_copy, run, monkeypatch):
    import huggingface_hub

    FakeHub.calls = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeHub)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    code, _, err = run(repo_copy, "publish", "--repo-id", repo_id, *SEND_TEXTS)
    assert code == 1 and f"--repo-id {repo_id!r} must be OWNER/NAME" in err
    assert FakeHub.calls == []


def test_publish_refuses_a_release_that_does_not_match_its_manifest(repo_copy, run):
    (repo_copy / "corpus" / f"v{NEWEST}" / "report.html").write_text("changed")
    code, _, err = run(repo_copy, "publish", "--repo-id", "someone/warnews", "--dry-run")
    assert code == 1 and "refusing to publish" in err and "report.html: sha256 differs from MANIFEST.sha256" in err


# --- report ---------------------------------------------------------------------------------

def test_stats_prints_the_counts_and_writes_a_report(repo_copy, run):
    code, out, _ = run(repo_copy, "stats")
    assert code == 0
    for title in ("documents per outlet", "documents per month", "documents per language", "cleaning edits per rule",
                  "mentions per entity (gold)", "quotes per speaker (gold)"):
        assert title in out
    assert re.search(r"^fix_missing_sentence_space\s+8$", out, re.M)
    report = (repo_copy / "build" / "stats" / f"v{NEWEST}" / "report.html").read_text()
    assert report.count("data:image/png;base64,") >= 4
    assert f"<h1>warnews {NEWEST}: corpus report</h1>" in report  # the card's pretty_name
    assert "<td>volodymyr-zelenskyy (Volodymyr Zelenskyy)</td>" in report  # entities named beside their ids


def test_the_card_links_the_report():
    assert f"[report.html](corpus/v{NEWEST}/report.html)" in (REPO / "README.md").read_text()


def test_the_report_shows_every_month_and_the_collection_s_name():
    docs = pa.table({"outlet_name": ["A", "A", "B"], "language": ["en"] * 3,
                     "published": pa.array([dt.date(2023, 11, 2), dt.date(2023, 11, 9), dt.date(2024, 2, 1)])})
    stats = corpus_stats({"documents": docs, "edits": pa.table({"rule": pa.array([], pa.string())})})
    assert stats["documents per month"] == [("2023-11", 2), ("2023-12", 0), ("2024-01", 0), ("2024-02", 1)]
    assert "<title>Kyiv wires &amp; co 2.0.0: corpus report</title>" in report_html(stats, "2.0.0", "Kyiv wires & co")


def test_diff_counts_the_documents_whose_values_changed_though_their_text_did_not():
    """1.9.0 read languages with CLD2: the seed's text is the same, its language_confidence is not."""
    from warnews.versions import summarize

    change = diff(REPO, "1.8.0", "1.9.0")
    assert change["documents"]["changed"] == [] and change["values"] == {"language_confidence": 1}
    assert "Values changed in documents kept: language_confidence 1." in summarize(change)
    assert diff(REPO, "1.7.0", "1.8.0")["values"] == {}
