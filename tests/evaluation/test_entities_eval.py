"""`wirebrief eval entities`: the labelled set, the scoring, and the command on the sample reports."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirebrief.errors import InputError
from wirebrief.evaluation import eval_app, load_commands
from wirebrief.evaluation.entities import (
    LabelledMention,
    PredictedMention,
    load_labelled,
    score_mentions,
    trimmed_span,
)

SENTENCE = "The al-Nujaba movement said the United States's embassy in Baghdad was a target."


def _gold(text: str, label: str, entity_id: str | None) -> LabelledMention:
    start = SENTENCE.index(text)
    return LabelledMention("u", SENTENCE, start, start + len(text), text, label, entity_id)


def _predicted(text: str, label: str, entity_id: str | None) -> PredictedMention:
    start = SENTENCE.index(text)
    return PredictedMention("u", SENTENCE, start, start + len(text), text, label, entity_id)


def test_the_bundled_set_is_large_enough_and_covers_the_hard_aliases() -> None:
    labelled = load_labelled()
    assert len(labelled) >= 200
    surfaces = Counter(m.text for m in labelled)
    for alias in ("al-Nujaba movement", "Nujaba", "Kataib Hezbollah", "Kata'ib Hezbollah", "U.S.", "Iraqi"):
        assert surfaces[alias] >= 1, alias
    assert {m.label for m in labelled} <= {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
    assert any(m.entity_id is None for m in labelled) and any(m.entity_id for m in labelled)


def test_spans_compare_without_a_leading_the_or_a_possessive() -> None:
    start = SENTENCE.index("the United States's")
    trimmed = trimmed_span(SENTENCE, start, start + len("the United States's"))
    assert SENTENCE[trimmed[0] : trimmed[1]] == "United States"
    assert trimmed_span("The", 0, 3) == (0, 3)  # a span that is only "The" stays as it is


def test_detection_and_linking_are_scored_separately() -> None:
    gold = [
        _gold("al-Nujaba movement", "ORG", "wb:harakat-al-nujaba"),
        _gold("United States", "GPE", "iso3166:US"),
        _gold("Baghdad", "GPE", "geonames:98182"),
    ]
    predicted = [
        _predicted("The al-Nujaba movement", "ORG", "wb:harakat-al-nujaba"),  # right, "The" trimmed
        _predicted("the United States's", "GPE", "iso3166:GB"),  # right span, wrong id
        _predicted("target", "ORG", None),  # spurious
        _predicted("Baghdad", "DATE", None),  # not a scored label: ignored
    ]
    result = score_mentions(gold, predicted)
    assert (result.detection.true_positives, result.detection.predicted, result.detection.expected) == (
        2,
        3,
        3,
    )
    assert (result.linking.true_positives, result.linking.predicted, result.linking.expected) == (1, 2, 3)
    assert result.linking.precision == pytest.approx(0.5)
    assert result.linking.recall == pytest.approx(1 / 3)
    assert result.errors == {
        "linked to the wrong id": 1,
        "missed: not detected": 1,
        "spurious mention": 1,
    }


def test_a_row_whose_offsets_do_not_give_its_text_is_refused(tmp_path: Path) -> None:
    row = {"url": "u", "sentence": SENTENCE, "start": 0, "end": 5, "text": "Nujaba", "label": "ORG"}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(row) + "\n", "utf-8")
    with pytest.raises(InputError, match="line 1"):
        load_labelled(path)


@pytest.mark.slow
def test_the_command_runs_the_extractor_on_the_samples(tmp_path: Path) -> None:
    # Three real Iraq mentions of one report, labelled here: the command must find that report in the
    # samples, run the real stages and score them.
    url = (
        "https://www.eastgateherald.example/world/middle-east/islamic-resistance-iraq-kataib-hezbollah-nujaba"
    )
    sentence = next(m.sentence for m in load_labelled() if m.url == url and m.text == "Kata'ib Hezbollah")
    rows = []
    for text, label, entity_id in (
        ("Kata'ib Hezbollah", "ORG", "wb:kataib-hezbollah"),
        ("United States", "GPE", "iso3166:US"),
        ("Iran", "GPE", "iso3166:IR"),
    ):
        start = sentence.index(text)
        rows.append(
            {"url": url, "sentence": sentence, "start": start, "end": start + len(text), "text": text}
            | {"label": label, "entity_id": entity_id}
        )
    path = tmp_path / "three.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    load_commands()
    outcome = CliRunner().invoke(eval_app, ["entities", "--data", str(path)], env={"COLUMNS": "200"})
    assert outcome.exit_code == 0, outcome.output
    assert "3 labelled mentions in 1 sample reports" in outcome.output
    assert "linking" in outcome.output and "(3 right," in outcome.output
