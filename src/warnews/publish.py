"""publish: send the dataset card and a release to the Hugging Face Hub, tagged with its version.

What is sent is laid out first in a local folder (the card, the documentation and
corpus/vX.Y.Z/), so `--dry-run` lists exactly those files and a test can load that folder with
`datasets`. The token comes from the environment and is never printed. Texts under a license
that does not allow passing them on (vocabularies.REDISTRIBUTABLE) are not sent unless that license
is named; the text-free form (warnews.textfree) can be sent instead, with a card and datasheet
that say so at the top.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml

from warnews.errors import WarnewsError
from warnews.layout import read_table
from warnews.textfree import strip_text
from warnews.versions import check_manifest, file_sha256, release_dir, releases
from warnews.vocabularies import LICENSES, REDISTRIBUTABLE

DOCUMENTS = ("README.md", "DATASHEET.md", "CHANGELOG.md", "CITATION.cff", "LICENSE")
TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
# License identifiers the Hub's dataset cards accept that can describe this dataset.
KNOWN_LICENSES = {"other", "cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "mit", "apache-2.0", "unknown"}


def card_metadata(readme: Path) -> dict:
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise WarnewsError(f"{readme}: no YAML front matter (--- … ---) for the dataset card")
    data = yaml.safe_load(text[4 : text.index("\n---\n", 4)])
    if not isinstance(data, dict):
        raise WarnewsError(f"{readme}: the front matter is not a YAML mapping")
    return data


def check_card(root: Path) -> list[str]:
    """Offline checks of the dataset card: every config's files exist, one default, a known license."""
    readme = root / "README.md"
    meta = card_metadata(readme)
    problems = []
    configs = meta.get("configs") or []
    if not configs:
        problems.append(f"{readme}: no configs")
    defaults = [c.get("config_name") for c in configs if c.get("default")]
    if len(defaults) != 1:
        problems.append(f"{readme}: {len(defaults)} default configs; exactly one must be the default")
    for config in configs:
        for split in config.get("data_files") or []:
            if not any(p.is_file() for p in root.glob(split["path"])):  # a file, or the glob of a table's parts
                problems.append(f"{readme}: config {config.get('config_name')!r} points at {split['path']}, which does not exist")
    if meta.get("license") not in KNOWN_LICENSES:
        problems.append(f"{readme}: license {meta.get('license')!r} is not one of {', '.join(sorted(KNOWN_LICENSES))}")
    if meta.get("license") == "other" and not (meta.get("license_name") and (root / str(meta.get("license_link"))).is_file()):
        problems.append(f"{readme}: license 'other' needs license_name and a license_link to a file in the repository")
    return problems


def held_back(folder: Path, include_text_under: tuple[str, ...] = ()) -> dict[str, int]:
    """License -> documents of the release whose texts may not be sent: their license does not
    allow redistribution and was not named in `include_text_under`."""
    for name in include_text_under:
        if name not in LICENSES:
            raise WarnewsError(f"--include-text-under {name!r} is not a license; choose from {', '.join(LICENSES)}")
    counts: dict[str, int] = {}
    for name in read_table(folder, "documents", ["license"]).column("license").to_pylist():
        if name not in REDISTRIBUTABLE and name not in include_text_under:
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def stage(root: Path, target: Path, version: str | None = None, include_text_under: tuple[str, ...] = (),
          without_text: bool = False) -> tuple[str, list[tuple[str, int, str]]]:
    """Lay out in `target` what would be sent; return the version and (path, bytes, sha256) per file.
    Texts go only under a license that allows it or that `include_text_under` names; with
    `without_text` the release's text-free copy goes instead (warnews.textfree)."""
    known = releases(root)
    if not known:
        raise WarnewsError("no release under corpus/ to publish")
    version = version or known[-1]
    if version != known[-1]:
        raise WarnewsError(f"the card's configs point at the newest release {known[-1]}; publish that one")
    folder = release_dir(root, version)
    problems = check_manifest(folder) + check_card(root)
    if problems:
        raise WarnewsError("refusing to publish:\n" + "\n".join(problems))
    held = {} if without_text else held_back(folder, tuple(include_text_under))
    if held:
        counts = "; ".join(f"{n} document(s) under {name}" for name, n in held.items())
        raise WarnewsError(f"refusing to publish {version}: {counts}, a license that does not allow passing the "
                           "texts on. Publish the text-free form with --without-text (users put the texts back "
                           "with `warnews hydrate`), or, if you may send them, name the license: "
                           + " ".join(f"--include-text-under {name}" for name in held))
    if target.exists():
        shutil.rmtree(target)
    (target / "corpus").mkdir(parents=True)
    for name in DOCUMENTS:
        shutil.copy2(root / name, target / name)
    if without_text:
        strip_text(folder, target / "corpus" / folder.name)
        for name in ("README.md", "DATASHEET.md"):  # what a reader of the Hub's copy reads first
            text = (root / name).read_text(encoding="utf-8")
            (target / name).write_text(with_notice(text, text_free_notice(version)), encoding="utf-8")
    else:
        shutil.copytree(folder, target / "corpus" / folder.name)
    files = sorted(p for p in target.rglob("*") if p.is_file())
    return version, [(p.relative_to(target).as_posix(), p.stat().st_size, file_sha256(p)) for p in files]


def text_free_notice(version: str) -> str:
    return (f"> **This copy holds no texts.** The texts' licenses do not all allow passing them on, so every column that "
            "copies an article's words is null: documents.text and documents.extra, edits.raw_text and clean_text, "
            "and the text columns of the span tables. Ids, urls, dates, offsets, hashes and every annotation are "
            "kept. Whoever holds the raw files puts the texts back, each checked against its sha256: "
            f"`warnews hydrate --from COLLECTION --into FOLDER corpus/v{version}` (corpus/v{version}/hydrate.json "
            "lists what it checks).\n")


def with_notice(text: str, notice: str) -> str:
    """The notice as the first paragraph under the document's title (after any front matter)."""
    front = re.match(r"---\n(?:.*?\n)?---\n", text, re.S)
    body_at = front.end() if front else 0
    at, fenced, pos = body_at, False, body_at
    for line in text[body_at:].splitlines(keepends=True):
        fenced ^= line.startswith("```")
        pos += len(line)
        if not fenced and line.startswith("# "):  # the title, not a comment in a code block
            at = pos
            break
    return text[:at] + "\n" + notice + ("\n" if text[at:at + 1] != "\n" else "") + text[at:]


def token_from_environment() -> str:
    for name in TOKEN_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    raise WarnewsError(f"no Hugging Face token: set {TOKEN_VARIABLES[0]} in the environment (nothing was sent)")


def upload(staged: Path, repo_id: str, version: str, token: str) -> str:
    """Send the staged folder as one commit and tag it v<version>; returns the commit URL."""
    if not re.match(r"^[\w.-]+/[\w.-]+$", repo_id):
        raise WarnewsError(f"--repo-id {repo_id!r} must be OWNER/NAME")
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(folder_path=str(staged), repo_id=repo_id, repo_type="dataset",
                               commit_message=f"warnews {version}")
    api.create_tag(repo_id, tag=f"v{version}", repo_type="dataset", tag_message=f"warnews data {version}")
    return str(commit)
