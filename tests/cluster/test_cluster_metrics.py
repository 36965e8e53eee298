from __future__ import annotations

import pytest

from wirebrief.cluster import b_cubed, pairwise_f1

GOLD = {"a": "g1", "b": "g1", "c": "g2", "d": "g2", "e": "g2"}
# c is put with a and b; d and e are right but split from c.
PREDICTED = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}


def test_b_cubed_on_a_worked_example() -> None:
    # Precision per item: a, b 2/3; c 1/3; d, e 1 -> 11/15. Recall: a, b 1; c 1/3; d, e 2/3 -> 11/15.
    scores = b_cubed(PREDICTED, GOLD)
    assert scores.precision == pytest.approx(11 / 15)
    assert scores.recall == pytest.approx(11 / 15)
    assert scores.f1 == pytest.approx(11 / 15)


def test_pairwise_on_a_worked_example() -> None:
    # Predicted pairs: ab ac bc de (4); gold pairs: ab cd ce de (4); shared: ab, de.
    scores = pairwise_f1(PREDICTED, GOLD)
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_perfect_clustering_scores_one_whatever_the_labels() -> None:
    renamed = {item: {"g1": "first", "g2": "second"}[label] for item, label in GOLD.items()}
    for metric in (b_cubed, pairwise_f1):
        scores = metric(renamed, GOLD)
        assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_all_singletons_against_one_cluster() -> None:
    gold = {"a": "g", "b": "g", "c": "g"}
    singletons = {"a": "1", "b": "2", "c": "3"}
    scores = b_cubed(singletons, gold)
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((1.0, 1 / 3, 0.5))
    pairs = pairwise_f1(singletons, gold)
    # No predicted pair: precision is vacuously 1, recall 0.
    assert (pairs.precision, pairs.recall, pairs.f1) == (1.0, 0.0, 0.0)


def test_one_predicted_cluster_against_singletons() -> None:
    gold = {"a": "1", "b": "2", "c": "3", "d": "4"}
    merged = dict.fromkeys(gold, "all")
    assert b_cubed(merged, gold).precision == pytest.approx(0.25)
    assert b_cubed(merged, gold).recall == 1.0
    assert pairwise_f1(merged, gold).precision == 0.0


def test_different_items_are_refused() -> None:
    with pytest.raises(ValueError, match="1 missing, 1 extra"):
        b_cubed({"a": "1", "x": "1"}, {"a": "1", "b": "1"})
    with pytest.raises(ValueError, match="different items"):
        pairwise_f1({"a": "1"}, {"a": "1", "b": "1"})
