"""knowledge: curated entities and errata are checked before anything links to them."""

from __future__ import annotations

import shutil

import pytest

from conftest import REPO
from warnews.errors import WarnewsError
from warnews.knowledge import load_entities, load_errata


def _with(tmp_path, name: str, old: str, new: str):
    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    path = tmp_path / "knowledge" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def test_entities_load_with_their_checked_notes():
    entities = load_entities(REPO)
    assert entities["ukraine"].wikidata == "Q212" and entities["ukraine"].iso_3166 == "UA"
    assert entities["kursk-oblast"].iso_3166_2 == "RU-KRS" and entities["kursk-oblast"].other_ids == (
        {"scheme": "OKTMO", "id": "38000000"},)
    assert all(e.checked for e in entities.values())


@pytest.mark.parametrize("old,new,message", [
    ("wikidata: Q212", "wikidata: Ukraine", r"entities\.yaml:\d+: wikidata 'Ukraine' is not a QID"),
    ("- id: china", "- id: russia", r"entities\.yaml:\d+: duplicate entity id 'russia'"),
    ("  type: LOC\n  name: Asia", "  type: CONTINENT\n  name: Asia", r"type 'CONTINENT' is not one of"),
    ("  name: Brazil\n", "  name: Brazil\n  population: 1\n", r"entities\.yaml:\d+: unknown key\(s\) population"),
])
def test_bad_entities_are_refused(tmp_path, old, new, message):
    with pytest.raises(WarnewsError, match=message):
        load_entities(_with(tmp_path, "entities.yaml", old, new))


@pytest.mark.parametrize("old,new,message", [
    ("confidence: high", "confidence: certain", r"errata\.yaml:\d+: confidence 'certain' is not one of"),
    ("likely_speaker: andrii-kovalenko", "likely_speaker: someone", r"likely_speaker 'someone' is not an entity"),
    ("kind: misattribution", "kind: typo", r"kind 'typo' is not one of"),
])
def test_bad_errata_are_refused(tmp_path, old, new, message):
    root = _with(tmp_path, "errata.yaml", old, new)
    with pytest.raises(WarnewsError, match=message):
        load_errata(root, load_entities(root))
