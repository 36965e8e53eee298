"""The dedupe evaluation: pair scoring, our wire set (in step with its generator), and the BBC set."""

from __future__ import annotations

import difflib
import gzip
import importlib.util
import json
import random
from pathlib import Path

import pytest

from wirebrief.evaluation.dedupe import (
    DEFAULT_BBC,
    DEFAULT_WIRE_SET,
    TARGET_RECALL,
    copy_gold,
    evaluate_bbc_both,
    evaluate_wire_set,
    pairs_in_groups,
    score_pairs,
)
from wirebrief.normalise import words

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
    assert score.recall >= TARGET_RECALL


def test_copy_gold_groups_aligned_texts_only() -> None:
    generator = random.Random(7)
    vocabulary = [f"word{i}" for i in range(400)]
    story = [generator.choice(vocabulary) for _ in range(300)]
    other = [generator.choice(vocabulary) for _ in range(300)]
    edited = [*story[:150], "changed", *story[151:]]
    trimmed = story[:280]  # 93% of the story, all of it aligned
    follow_up = [*story[:100], *other[:200]]  # a third of the story, then new text
    texts = [" ".join(t) for t in (story, other, edited, trimmed, follow_up)]
    assert copy_gold(texts) == [[0, 2, 3]]


@pytest.mark.slow
def test_bbc_exact_duplicates_are_all_found() -> None:
    if not DEFAULT_BBC.exists():
        pytest.skip(f"{DEFAULT_BBC} is absent (the shared evaluation data sits beside the repository)")
    exact, copies = evaluate_bbc_both(DEFAULT_BBC)
    assert exact.reports == 2225 and exact.gold_pairs == 136
    assert exact.recall == 1.0
    assert copies.gold_pairs >= exact.gold_pairs
    # Every pair the exact-text gold does not count must still be a copy: most of the shorter text's
    # words found, in order, in the longer (re-published versions with a phrase changed or trimmed).
    with gzip.open(DEFAULT_BBC, "rt", encoding="utf-8") as handle:
        texts = {row["id"]: row["text"] for row in map(json.loads, handle)}
    for first, second in exact.extra:
        a, b = words(texts[first]), words(texts[second])
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        aligned = sum(block.size for block in matcher.get_matching_blocks())
        assert aligned >= 0.8 * min(len(a), len(b)), (first, second)
