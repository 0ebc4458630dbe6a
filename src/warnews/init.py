"""init: a new collection folder that every other command works in.

`warnews init DIR` writes warnews.yaml (the layers this installation can run), the dataset card
README.md with the blocks `warnews release` fills, DATASHEET.md, CHANGELOG.md, CITATION.cff,
LICENSE, .gitignore and raw/. What the flags did not give is written as `<FILL IN: …>`; a release
refuses while one is left where a reader or a citation needs it (`unfilled`), and counts the
datasheet's open answers (`open_answers`), which are the collection owner's to write.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from warnews import card, registry
from warnews.config import CONFIG_FILE
from warnews.errors import WarnewsError
from warnews.vocabularies import ANNOTATION_LICENSES

DATASHEET = "DATASHEET.md"
LICENSE = "LICENSE"
GITIGNORE = ".gitignore"
FILES = (CONFIG_FILE, card.README, DATASHEET, card.CHANGELOG, card.CITATION, LICENSE, GITIGNORE)
PLACEHOLDER = re.compile(r"<FILL IN: [^>]*>")

# The questions of Datasheets for Datasets (Gebru et al., 2021), by section.
DATASHEET_QUESTIONS = {
    "Motivation": [
        "For what purpose was the dataset created? Was there a specific task or gap in mind?",
        "Who created the dataset, and on behalf of which entity?",
        "Who funded the creation of the dataset?",
    ],
    "Composition": [
        "What do the instances that comprise the dataset represent?",
        "How many instances are there in total (of each type, if appropriate)?",
        "Does the dataset contain all possible instances, or is it a sample? If a sample, of what larger set, "
        "and is it representative?",
        "What data does each instance consist of?",
        "Is there a label or target associated with each instance?",
        "Is any information missing from individual instances? Why?",
        "Are relationships between individual instances made explicit?",
        "Are there recommended data splits?",
        "Are there any errors, sources of noise, or redundancies in the dataset?",
        "Is the dataset self-contained, or does it link to or rely on external resources?",
        "Does the dataset contain data that might be considered confidential?",
        "Does the dataset contain data that might be offensive, insulting, threatening, or cause anxiety?",
        "Does the dataset identify any subpopulations (e.g. by age or gender)?",
        "Is it possible to identify individuals, directly or indirectly, from the dataset?",
        "Does the dataset contain data that might be considered sensitive in any way?",
    ],
    "Collection process": [
        "How was the data associated with each instance acquired?",
        "What mechanisms or procedures were used to collect the data, and how were they validated?",
        "If the dataset is a sample from a larger set, what was the sampling strategy?",
        "Who was involved in the data collection process, and how were they compensated?",
        "Over what timeframe was the data collected?",
        "Were any ethical review processes conducted?",
        "Was the data collected from the individuals in question directly, or obtained via third parties?",
        "Were the individuals in question notified about the data collection, and did they consent?",
        "Has an analysis of the potential impact of the dataset and its use on data subjects been conducted?",
    ],
    "Preprocessing, cleaning, labelling": [
        "Was any preprocessing, cleaning or labelling of the data done beyond what warnews records in the "
        "edits table and the annotation layers?",
        "Was the raw data saved in addition to the preprocessed data?",
        "Is the software used to preprocess, clean or label the data available?",
    ],
    "Uses": [
        "Has the dataset been used for any tasks already?",
        "Is there a repository that links to any or all papers or systems that use the dataset?",
        "What (other) tasks could the dataset be used for?",
        "Is there anything about the composition of the dataset or the way it was collected and processed that "
        "might impact future uses?",
        "Are there tasks for which the dataset should not be used?",
    ],
    "Distribution": [
        "Will the dataset be distributed to third parties outside the entity that created it?",
        "How will the dataset be distributed (e.g. the Hugging Face Hub, a DOI)?",
        "When will the dataset be distributed?",
        "Under what copyright or other license, or terms of use, will the dataset be distributed?",
        "Have any third parties imposed IP-based or other restrictions on the data?",
        "Do any export controls or other regulatory restrictions apply to the dataset or to individual instances?",
    ],
    "Maintenance": [
        "Who will be supporting, hosting and maintaining the dataset?",
        "How can the owner, curator or manager of the dataset be contacted?",
        "Is there an erratum?",
        "Will the dataset be updated? How often, by whom, and how will updates be communicated?",
        "If the dataset relates to people, are there limits on the retention of the data?",
        "Will older versions of the dataset continue to be supported and hosted?",
        "If others want to extend, augment or contribute to the dataset, is there a mechanism for it?",
    ],
}


def fill_in(what: str) -> str:
    return f"<FILL IN: {what}>"


@dataclass(frozen=True)
class Answers:
    """What the flags of `warnews init` gave; None where a placeholder is written instead."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    license: str | None = None
    description: str | None = None
    date: str = field(default_factory=lambda: dt.date.today().isoformat())

    def __post_init__(self) -> None:
        if self.license is not None and self.license not in ANNOTATION_LICENSES:
            raise WarnewsError(f"--license {self.license!r}: not a license warnews knows for annotations; choose "
                               f"one of {', '.join(ANNOTATION_LICENSES)} (an SPDX id)")


def available_layers() -> tuple[list[str], list[str]]:
    """The layers this installation can run, each after those it reads (a model layer by its full
    name, which ends with its weights' digest), and why each other layer was left out."""
    names: list[str] = []
    left_out: list[str] = []
    for layer in registry.registered():
        missing_reads = [r for r in layer.reads if not any(n == r or n.startswith(r + ":") for n in names)]
        missing = registry.missing_libraries(layer)
        if missing_reads:
            left_out.append(f"{layer.name}: reads {', '.join(missing_reads)}, which was left out")
        elif missing:
            left_out.append(f"{layer.name}: needs {', '.join(missing)}, not installed: "
                            f"pip install 'warnews[{layer.extra}]'")
        elif layer.load is None:
            names.append(layer.name)
        else:
            loaded = layer.load()
            if loaded is None:
                left_out.append(f"{layer.name}: its model is not installed: pip install 'warnews[{layer.extra}]'")
            else:
                names.append(loaded.name)
    return names, left_out


def config_text(names: list[str], left_out: list[str]) -> str:
    lines = ["# The annotation layers `warnews build` and `warnews release` run here, in order (a layer comes",
             "# after those it reads). Written by `warnews init` from what this installation can run;",
             "# `warnews layers` lists every layer."]
    if left_out:
        lines.append("# Left out:")
        lines += [f"#   {reason}" for reason in left_out]
    lines.append("layers:")
    lines += [f"  - {name}" for name in names]
    for reason in left_out:
        name = reason.split(":", 1)[0]
        if registry.REGISTRY[name].load is not None:
            lines.append(f"#  - {name}:<model>  (once installed, `warnews layers` gives its full name)")
        else:
            lines.append(f"#  - {name}")
    return "\n".join(lines) + "\n"


def _title(answers: Answers) -> str:
    return answers.title or fill_in("the collection's name")


def _description(answers: Answers) -> str:
    return answers.description or fill_in("what this collection is, in a sentence or two")


def _license_line(answers: Answers) -> str:
    if answers.license is None:
        return fill_in("the annotations' license, an SPDX id such as CC-BY-4.0")
    name, url, _ = ANNOTATION_LICENSES[answers.license]
    return f"{name} ({answers.license}), {url}"


def readme_text(answers: Answers) -> str:
    hub_license = (ANNOTATION_LICENSES[answers.license][2] if answers.license
                   else fill_in("the annotations' license, an SPDX id such as CC-BY-4.0"))
    return f"""---
pretty_name: {json.dumps(_title(answers), ensure_ascii=False)}
license: other
license_name: {json.dumps("annotations-" + hub_license + "-texts-as-recorded" if answers.license else hub_license)}
license_link: LICENSE
configs:
---

# {_title(answers)}

{_description(answers)}

<!-- BEGIN release -->
No release yet: `warnews release X.Y.Z` writes this block.
<!-- END release -->

## Dataset structure

Each table is a config of this dataset; `documents` is the default. Generated from the schema:

<!-- BEGIN columns -->
<!-- END columns -->

## How the texts were collected

{fill_in("where the texts come from, how they were chosen and gathered; DATASHEET.md asks in more detail")}

## Limitations

{fill_in("what this collection does not cover, and what a user should know before drawing conclusions")}

## Evaluation

<!-- BEGIN evaluation -->
No gold annotations yet: once some are written, `warnews release` scores the automatic layers here.
<!-- END evaluation -->

## License

The annotations, metadata and documentation are licensed under
{_license_line(answers)}; see LICENSE.
Each text keeps its own license, as the `license` and `license_note` columns of the documents
table record for every document.

## Citation

Cite the exact version you used (`warnews cite --format bibtex|apa|cff`):

<!-- BEGIN citation -->
<!-- END citation -->
"""


def datasheet_text(answers: Answers) -> str:
    parts = [f"# Datasheet for {_title(answers)}", "",
             "Answers to the questions of *Datasheets for Datasets* (Gebru et al., 2021). Column-level "
             "documentation lives in the \"Dataset structure\" section of README.md, generated from the schema.", ""]
    for section, questions in DATASHEET_QUESTIONS.items():
        parts += [f"## {section}", ""]
        for question in questions:
            parts += [f"**{question}** {fill_in('your answer')}", ""]
    return "\n".join(parts)


CHANGELOG_TEXT = """# Changelog

All changes to the data of this collection. Versions follow semantic versioning for the data:
patch = fixes that keep the schema, minor = new documents or columns, major = a column removed or
changed in meaning. `warnews release` writes each version's data summary; notes written under
[Unreleased] become the next release's.

## [Unreleased]

"""


def _cff_author(author: str) -> list[str]:
    family, comma, given = author.partition(",")
    if comma and family.strip() and given.strip():
        return [f"  - family-names: {json.dumps(family.strip(), ensure_ascii=False)}",
                f"    given-names: {json.dumps(given.strip(), ensure_ascii=False)}"]
    return [f"  - name: {json.dumps(author.strip(), ensure_ascii=False)}"]


def citation_text(answers: Answers) -> str:
    authors = [line for author in answers.authors for line in _cff_author(author)] or [
        f"  - name: {json.dumps(fill_in('an author, as Family, Given'))}"]
    license = answers.license or json.dumps(fill_in("the annotations' license, an SPDX id such as CC-BY-4.0"))
    return "\n".join([
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite the exact version you used, as below."',
        "type: dataset",
        f"title: {json.dumps(_title(answers), ensure_ascii=False)}",
        "# `warnews release` sets version and date-released",
        "version: 0.0.0",
        f"date-released: {answers.date}",
        "authors:", *authors,
        f"abstract: {json.dumps(_description(answers), ensure_ascii=False)}",
        f"license: {license}",
    ]) + "\n"


def license_text(answers: Answers) -> str:
    holders = "; ".join(a.strip() for a in answers.authors) or fill_in("who holds the rights to the annotations")
    return f"""{_title(answers)} is made of two kinds of material under different terms.

1. Annotations, metadata, cleaning records (the edits table), schema files and documentation
   written for this collection are licensed under
   {_license_line(answers)}.
   Copyright {answers.date[:4]} {holders}.

2. The texts (raw/ and the text column of the documents table) are not covered by this license.
   Each text keeps its own license, as its document's `license` and `license_note` record; reuse
   a text only as its own license, or the law of your country, allows.
"""


def collection_files(answers: Answers, names: list[str], left_out: list[str]) -> dict[str, str]:
    return {CONFIG_FILE: config_text(names, left_out), card.README: readme_text(answers),
            DATASHEET: datasheet_text(answers), card.CHANGELOG: CHANGELOG_TEXT, card.CITATION: citation_text(answers),
            LICENSE: license_text(answers), GITIGNORE: "build/\n.venv/\n"}


def init(folder: Path, answers: Answers) -> tuple[list[Path], list[str], list[str]]:
    """Write a new collection into `folder` (made if missing); refuse, writing nothing, if it
    holds any of the files already. Returns the files written, the layers listed and the reasons
    others were left out."""
    folder = Path(folder)
    present = [name for name in FILES if (folder / name).exists()]
    if present:
        raise WarnewsError(f"{folder}: already holds {', '.join(present)}; nothing was written: choose a new folder "
                           "(or move those files away)")
    if folder.exists() and not folder.is_dir():
        raise WarnewsError(f"{folder}: is a file, not a folder; choose a folder for the collection")
    names, left_out = available_layers()
    (folder / "raw").mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in collection_files(answers, names, left_out).items():
        card.write_file(folder / name, text.encode("utf-8"))
        written.append(folder / name)
    return written, names, left_out


# --- what a release needs filled in ------------------------------------------------------------


def _placeholders(path: Path):
    """(line number, line, placeholder) for every placeholder in a file (none if it is missing)."""
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for found in PLACEHOLDER.finditer(line):
            yield number, line, found.group(0)


def _readme_field(line: str, in_front_matter: bool) -> str:
    if in_front_matter:
        return line.split(":", 1)[0].strip()
    return "the title (# heading)" if line.startswith("# ") else "the description"


def unfilled(root: Path) -> list[str]:
    """The placeholders a release cannot go out with, as `FILE line N: FIELD is still <FILL IN: …>`:
    the card's name, license and description, and every one in CITATION.cff and LICENSE."""
    problems = []
    readme = root / card.README
    if readme.is_file():
        lines = readme.read_text(encoding="utf-8").splitlines()
        front_end = lines.index("---", 1) + 1 if lines[:1] == ["---"] and "---" in lines[1:] else 0
        first_section = next((i + 1 for i, line in enumerate(lines) if line.startswith("## ")), len(lines) + 1)
        for number, line, found in _placeholders(readme):
            if number < first_section:
                problems.append(f"{card.README} line {number}: {_readme_field(line, number <= front_end)} is still "
                                f"{found}")
    for number, line, found in _placeholders(root / card.CITATION):
        key = line.split(":", 1)[0].strip() if not line.startswith(" ") else "authors"
        problems.append(f"{card.CITATION} line {number}: {key} is still {found}")
    for number, line, found in _placeholders(root / LICENSE):
        what = "the title" if number == 1 else "the copyright holder" if "Copyright" in line else "the license"
        problems.append(f"{LICENSE} line {number}: {what} is still {found}")
    return problems


def open_answers(root: Path) -> dict[str, int]:
    """Placeholders a release may go out with, per file: the datasheet's answers and the card's
    sections, which are the collection owner's to write."""
    counts = {}
    for name in (card.README, DATASHEET):
        n = sum(1 for _ in _placeholders(root / name))
        if name == card.README:
            n -= sum(1 for problem in unfilled(root) if problem.startswith(card.README))
        if n:
            counts[name] = n
    return counts


def check_filled(root: Path, progress) -> None:
    """Refuse a release while `unfilled` finds anything; say how much of the rest is open."""
    problems = unfilled(root)
    if problems:
        raise WarnewsError("nothing was released: fill these in first (warnews init left them as placeholders):\n"
                           + "\n".join(problems))
    for name, n in open_answers(root).items():
        what = "answer(s)" if name == DATASHEET else "section(s)"
        progress(f"warning: {name} has {n} {what} still <FILL IN: …>; they are yours to write before anyone relies "
                 "on the release")
