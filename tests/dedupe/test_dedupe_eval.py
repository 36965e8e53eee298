"""The dedupe evaluation: pair scoring, our wire set (in step with its generator), and the BBC set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from wirebrief.evaluation.dedupe import (
    DEFAULT_BBC,
    DEFAULT_WIRE_SET,
    evaluate_bbc,
    evaluate_wire_set,
    pairs_in_groups,
    score_pairs,
)

DATA = Path(__file__).parent / "data"


def test_pairs_in_groups() -> None:
    assert pairs_in_groups([[3, 1, 2], [5], [7, 6]]) == {(1, 2), (1, 3), (2, 3), (6, 7)}


def test_score_pairs_counts_transitive_links() -> None:
    # Links 1->0 and 2->1 put 0, 1, 2 in one group: three predicted pairs, two of them gold.
    score = score_pairs("t", ["a", "b", "c", "d"], [[0, 1], [2], [3]], [(1, 0), (2, 1)])
    assert (score.gold_pairs, score.predicted_pairs, score.correct_pairs) == (1, 3, 1)
    assert score.precision == pytest.approx(1 / 3) and score.recall == 1.0
    assert score.extra == (("a", "c"), ("b", "c"))


def test_wire_set_file_is_in_step_with_its_generator() -> None:
    spec = importlib.util.spec_from_file_location("make_wire_set", DATA / "make_wire_set.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DATA / "wire_set.jsonl").read_text(encoding="utf-8") == module.render()
    assert DEFAULT_WIRE_SET == DATA / "wire_set.jsonl"


def test_wire_set_never_merges_different_reports() -> None:
    score = evaluate_wire_set(DEFAULT_WIRE_SET)
    assert score.reports == 48 and score.gold_pairs == 80
    # Rewrites and follow-ups of the same events must never be called copies.
    assert score.precision == 1.0
    assert score.recall > 0.5


@pytest.mark.slow
def test_bbc_exact_duplicates_are_all_found() -> None:
    if not DEFAULT_BBC.exists():
        pytest.skip(f"{DEFAULT_BBC} is absent (the shared evaluation data sits beside the repository)")
    score = evaluate_bbc(DEFAULT_BBC)
    assert score.reports == 2225 and score.gold_pairs == 136
    assert score.recall == 1.0
    assert score.precision >= 0.98
