"""`wirebrief eval … --json --predictions FILE`: stdout is one JSON object of the figures, and the
predictions file holds enough to compute those figures again without the command."""

from __future__ import annotations

import gzip
import json
import math
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from wirebrief.errors import InputError
from wirebrief.evaluation.output import jsonable, write_predictions
from wirebrief_cli import run_wirebrief

SHARED_MULTI_NEWS = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "multi-news-dev"


def _eval(tmp_path: Path, *args: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    predictions = tmp_path / "predictions.jsonl"
    result = run_wirebrief(tmp_path / "data", "eval", *args, "--json", "--predictions", str(predictions))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)  # the whole of stdout: no table beside the JSON
    assert isinstance(figures, dict)
    rows = [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]
    assert rows and all({"id", "gold", "predicted"} <= row.keys() for row in rows)
    return figures, rows


def test_dedupe_pairs_recomputed_from_the_predictions_match_the_figures(tmp_path: Path) -> None:
    text = (
        "The regional council of Valparaiso approved a new water plan on Friday after two years of "
        "drought, setting limits on irrigation and funding three desalination plants along the coast."
    )
    other = "Port workers in Valparaiso ended a nine-day strike on Tuesday after accepting a pay offer."
    records = [
        {"id": "a", "title": "Water plan", "text": text},
        {"id": "b", "title": "Council water plan", "text": text},  # same text: a gold pair
        {"id": "c", "title": "Strike ends", "text": other},
    ]
    data = tmp_path / "small.jsonl.gz"
    data.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    figures, rows = _eval(tmp_path, "dedupe", "--data", str(data), "--no-sweep")
    assert figures["eval"] == "dedupe" and figures["sweep"] == []
    assert {s["set"] for s in figures["sets"]} == {row["set"] for row in rows}
    for score in figures["sets"]:
        mine = [row for row in rows if row["set"] == score["set"]]
        gold = {tuple(sorted((row["id"], other))) for row in mine for other in row["gold"]}
        predicted = {tuple(sorted((row["id"], other))) for row in mine for other in row["predicted"]}
        assert len(mine) == score["reports"]
        assert (len(gold), len(predicted), len(gold & predicted)) == (
            score["gold_pairs"],
            score["predicted_pairs"],
            score["correct_pairs"],
        )
    exact = next(row for row in rows if row["set"].startswith("BBC News (exact") and row["id"] == "a")
    assert exact["gold"] == ["b"]


@pytest.mark.slow  # loads spaCy
def test_entities_counts_recomputed_from_the_predictions_match_the_figures(tmp_path: Path) -> None:
    figures, rows = _eval(tmp_path, "entities")
    detection = figures["detection"]
    assert (
        sum(row["gold"] is not None and row["predicted"] is not None for row in rows)
        == detection["true_positives"]
    )
    assert sum(row["predicted"] is not None for row in rows) == detection["predicted"]
    assert sum(row["gold"] is not None for row in rows) == figures["labelled_mentions"]
    assert len({row["id"] for row in rows}) == len(rows)


@pytest.mark.slow  # loads spaCy and the verifier
def test_verifier_rates_recomputed_from_the_predictions_match_the_figures(tmp_path: Path) -> None:
    figures, rows = _eval(tmp_path, "verifier")
    assert len(rows) == figures["items"]
    kept_right = sum(row["gold"] == row["predicted"] == "supported" for row in rows)
    dropped_right = sum(row["gold"] == row["predicted"] == "unsupported" for row in rows)
    supported = sum(row["gold"] == "supported" for row in rows)
    balanced = (kept_right / supported + dropped_right / (len(rows) - supported)) / 2
    assert math.isclose(balanced, figures["balanced_accuracy"])
    assert set(figures["halves"]) == {"dev", "held-out"}


@pytest.mark.slow  # clusters the bundled sample
def test_clustering_pairs_recomputed_from_the_predictions_match_the_figures(tmp_path: Path) -> None:
    figures, rows = _eval(tmp_path, "clustering", "--sample")
    (result,) = figures["results"]
    assert len(rows) == result["documents"]

    def pairs(side: str) -> set[tuple[str, str]]:
        return {
            (a["id"], b["id"])
            for a, b in combinations(sorted(rows, key=lambda r: r["id"]), 2)
            if a[side] == b[side]
        }

    gold, predicted = pairs("gold"), pairs("predicted")
    precision = len(gold & predicted) / len(predicted) if predicted else 1.0
    assert math.isclose(precision, result["pairwise"]["precision"])


@pytest.mark.slow  # extracts and writes summaries
@pytest.mark.skipif(not SHARED_MULTI_NEWS.is_dir(), reason="needs ../shared/eval/multi-news-dev")
def test_summarise_rouge_recomputed_from_the_predictions_matches_the_figures(tmp_path: Path) -> None:
    from wirebrief.evaluation.summarise import rouge

    figures, rows = _eval(tmp_path, "summarise", "--data", str(SHARED_MULTI_NEWS), "--limit", "2")
    assert figures["clusters"] == 2
    for system in figures["systems"]:
        mine = [(row["predicted"], row["gold"]) for row in rows if row["system"] == system["system"]]
        assert len(mine) == 2
        assert math.isclose(rouge(mine).rouge1, system["rouge1"])


def test_figures_become_plain_json_values() -> None:
    assert jsonable({"f1": float("nan"), "ids": {"b", "a"}, "pair": (1, 2), "path": Path("/x")}) == {
        "f1": None,
        "ids": ["a", "b"],
        "pair": [1, 2],
        "path": "/x",
    }


def test_a_predictions_file_that_cannot_be_written_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "predictions.jsonl"
    with pytest.raises(InputError, match="cannot write predictions") as caught:
        write_predictions(target, [{"id": 1, "gold": 1, "predicted": 1}])
    assert caught.value.location == str(target)
