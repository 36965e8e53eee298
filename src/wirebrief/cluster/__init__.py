"""Cluster stage: online detection of stories (sets of articles about one event).

``cluster_articles(articles, settings)`` clusters a batch; ``StoryClusterer(settings).add(article)``
does the same incrementally. ``is_junk(article)`` says why a document is not news (junk never joins a
story). ``b_cubed`` and ``pairwise_f1`` score a clustering against gold labels.
"""

from __future__ import annotations

from wirebrief.cluster.junk import is_junk
from wirebrief.cluster.metrics import ClusterScores, b_cubed, pairwise_f1
from wirebrief.cluster.online import DEFAULT_SIGNALS, Signals, StoryClusterer, cluster_articles

__all__ = [
    "DEFAULT_SIGNALS",
    "ClusterScores",
    "Signals",
    "StoryClusterer",
    "b_cubed",
    "cluster_articles",
    "is_junk",
    "pairwise_f1",
]
