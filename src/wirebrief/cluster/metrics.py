"""Clustering quality against gold labels: B-cubed and pairwise precision/recall/F1.

Both take two mappings from item to cluster label over the same items. B-cubed (Bagga & Baldwin 1998)
averages, over items, the share of an item's predicted cluster that is in its gold cluster
(precision) and the share of its gold cluster that is in its predicted cluster (recall). Pairwise
scores count item pairs placed together. Adjusted Rand comes from scikit-learn
(``sklearn.metrics.adjusted_rand_score``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClusterScores:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _check_same_items(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> None:
    if predicted.keys() != gold.keys():
        missing = len(gold.keys() - predicted.keys())
        extra = len(predicted.keys() - gold.keys())
        raise ValueError(f"predicted and gold label different items ({missing} missing, {extra} extra)")


def b_cubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> ClusterScores:
    """B-cubed precision, recall and F1 of ``predicted`` against ``gold`` (item -> cluster label)."""
    _check_same_items(predicted, gold)
    if not gold:
        return ClusterScores(1.0, 1.0, 1.0)
    joint = Counter((predicted[item], gold[item]) for item in gold)
    predicted_sizes = Counter(predicted.values())
    gold_sizes = Counter(gold.values())
    # Every item of a (predicted, gold) cell has the same per-item precision and recall.
    precision = sum(n * n / predicted_sizes[p] for (p, _), n in joint.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in joint.items()) / len(gold)
    return ClusterScores(precision, recall, _f1(precision, recall))


def pairwise_f1(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> ClusterScores:
    """Precision, recall and F1 over item pairs that share a cluster."""
    _check_same_items(predicted, gold)

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    together_both = sum(pairs(n) for n in Counter((predicted[i], gold[i]) for i in gold).values())
    together_predicted = sum(pairs(n) for n in Counter(predicted.values()).values())
    together_gold = sum(pairs(n) for n in Counter(gold.values()).values())
    precision = together_both / together_predicted if together_predicted else 1.0
    recall = together_both / together_gold if together_gold else 1.0
    return ClusterScores(precision, recall, _f1(precision, recall))
