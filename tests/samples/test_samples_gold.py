"""``wirebrief.samples`` loads and checks the gold file and locates the bundled corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wirebrief.errors import InputError
from wirebrief.samples import REPORT_KINDS, GoldReport, GoldStory, load_gold, sample_dir, sample_inputs


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _valid() -> dict[str, Any]:
    return {
        "reports": [
            {"file": "a.jsonl", "locator": "https://x.example/1", "story": "s1", "kind": "original"},
            {"file": "b.xml", "locator": "https://x.example/1", "story": "s1", "kind": "exact-duplicate"},
            {"file": "a.jsonl", "locator": "https://x.example/2", "story": "s2", "kind": "noise"},
        ],
        "stories": {
            "s1": {"title": "One", "categories": ["politics"], "countries": ["GH"]},
            "s2": {"title": "Two", "categories": ["sports"], "countries": []},
        },
    }


def test_load_gold_reads_typed_records(tmp_path: Path) -> None:
    gold = load_gold(_write(tmp_path, _valid()))
    assert gold.reports[1] == GoldReport("b.xml", "https://x.example/1", "s1", "exact-duplicate")
    assert gold.stories["s1"] == GoldStory("s1", "One", ("politics",), ("GH",))
    assert gold.files() == ("a.jsonl", "b.xml")
    assert gold.multi_report_stories() == ("s1",)
    assert [r.locator for r in gold.reports_of("s2")] == ["https://x.example/2"]
    assert gold.story_by_locator() == {"https://x.example/1": "s1", "https://x.example/2": "s2"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["reports"][0].update(kind="copy"), "unknown kind 'copy'"),
        (lambda d: d["reports"][0].update(story="s9"), "story 's9' is not defined"),
        (lambda d: d["reports"][1].update(file="a.jsonl"), "listed twice"),
        (lambda d: d["reports"][0].pop("locator"), "missing field 'locator'"),
        (lambda d: d["stories"]["s1"].update(categories="politics"), "expected a list of strings"),
        (lambda d: d.pop("stories"), "missing field 'stories'"),
    ],
)
def test_load_gold_rejects_inconsistent_files(tmp_path: Path, change: Any, message: str) -> None:
    document = _valid()
    change(document)
    with pytest.raises(InputError, match=message):
        load_gold(_write(tmp_path, document))


def test_load_gold_names_the_file_when_it_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "gold.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_gold(path)
    assert caught.value.location == str(path)


def test_bundled_gold_and_inputs() -> None:
    gold = load_gold()
    assert set(REPORT_KINDS) == {r.kind for r in gold.reports}, "the corpus uses every kind"
    inputs = sample_inputs()
    assert inputs and all(p.is_file() and p.is_relative_to(sample_dir()) for p in inputs)
    assert [p.relative_to(sample_dir()).as_posix() for p in inputs] == list(gold.files())
