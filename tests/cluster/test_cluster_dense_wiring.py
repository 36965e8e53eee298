"""The dense signal's wiring through the clusterer, with a small deterministic embedder (no model)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from cluster_texts import CHIPS, ELECTION, QUAKE_A, QUAKE_B, make_article, settings
from numpy.typing import NDArray

from wirebrief.cluster import StoryClusterer, cluster_articles
from wirebrief.cluster.dense import DENSE_BASELINE, DENSE_WEIGHT, Embedder, dense_score, dense_text
from wirebrief.records import Story

AID = (
    "Aid convoys reached Malatya on Tuesday. Volunteers handed out blankets, tents and hot meals to families "
    "sleeping outdoors in freezing weather while engineers inspected cracked schools and hospitals across "
    "the province."
)


class KeywordEmbedder:
    """Embeds a text as a unit vector along the axis of the first keyword it contains.

    A keyword prefixed with "-" gives the opposite direction of its axis. Records every call.
    """

    def __init__(self, axes: Sequence[str]) -> None:
        self.axes = list(axes)
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), len(self.axes) + 1), dtype=np.float32)
        for row, text in enumerate(texts):
            for axis, keyword in enumerate(self.axes):
                word = keyword.lstrip("-")
                if word in text:
                    rows[row, axis] = -1.0 if keyword.startswith("-") else 1.0
                    break
            else:
                rows[row, -1] = 1.0  # no keyword: a direction of its own
        return rows


def _membership(stories: list[Story]) -> set[tuple[str, ...]]:
    return {story.article_ids for story in stories}


def test_keyword_embedder_implements_the_protocol() -> None:
    embedder: Embedder = KeywordEmbedder(["quake"])
    vectors = embedder.embed(["a quake", "shares"])
    assert vectors.shape == (2, 2)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_dense_score_is_weight_times_cosine_above_the_baseline() -> None:
    unit = np.array([1.0, 0.0], dtype=np.float32)
    story_sum = np.array([2.0, 0.0], dtype=np.float32)  # two identical members
    assert dense_score(unit, story_sum) == pytest.approx(DENSE_WEIGHT * (1.0 - DENSE_BASELINE))
    assert dense_score(unit, np.array([0.0, 3.0], dtype=np.float32)) == pytest.approx(
        -DENSE_WEIGHT * DENSE_BASELINE
    )
    assert dense_score(unit, np.zeros(2, dtype=np.float32)) == 0.0


def test_similar_embeddings_join_reports_that_share_few_words() -> None:
    articles = [
        make_article("a1", QUAKE_A, title="Earthquake kills 41 in eastern Turkey"),
        make_article("a2", AID, title="Aid arrives for homeless families", hours=20),
    ]
    # Sparse alone: they share little more than "Malatya" and stay apart.
    assert _membership(cluster_articles(articles, settings())) == {("a1",), ("a2",)}
    embedder = KeywordEmbedder(["Malatya"])
    stories = cluster_articles(articles, settings(), embedder=embedder)
    assert _membership(stories) == {("a1", "a2")}
    # All articles are embedded in one batch, title and lead, in time order.
    assert embedder.calls == [[dense_text(a) for a in articles]]


def test_opposite_embeddings_keep_lexically_similar_reports_apart() -> None:
    articles = [
        make_article("a1", QUAKE_A, title="Earthquake kills 41 in eastern Turkey"),
        make_article("a2", QUAKE_B, title="Survivors pulled from rubble after Malatya quake", hours=2),
    ]
    assert _membership(cluster_articles(articles, settings())) == {("a1", "a2")}
    opposite = OppositeEmbedder()
    assert _membership(cluster_articles(articles, settings(), embedder=opposite)) == {("a1",), ("a2",)}


class OppositeEmbedder:
    """First text seen gets +e0, every later one -e0: the most dissimilar embeddings possible."""

    def __init__(self) -> None:
        self.seen = 0

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        rows = np.zeros((len(texts), 2), dtype=np.float32)
        for row in range(len(texts)):
            rows[row, 0] = 1.0 if self.seen == 0 else -1.0
            self.seen += 1
        return rows


def test_add_embeds_one_article_at_a_time_without_a_given_embedding() -> None:
    embedder = KeywordEmbedder(["Malatya", "Nvidia", "Portugal"])
    clusterer = StoryClusterer(settings(), embedder=embedder)
    articles = [
        make_article("a1", QUAKE_A, hours=0),
        make_article("a2", CHIPS, hours=1),
        make_article("a3", ELECTION, hours=2),
    ]
    ids = [clusterer.add(article) for article in articles]
    assert len(set(ids)) == 3
    assert embedder.calls == [[dense_text(a)] for a in articles]
    # The batch path gives the same stories.
    batch = cluster_articles(
        articles, settings(), embedder=KeywordEmbedder(["Malatya", "Nvidia", "Portugal"])
    )
    assert batch == clusterer.stories()


def test_the_default_clustering_never_imports_torch() -> None:
    # A fresh interpreter: this test process may have torch loaded by the model tests.
    code = (
        "import sys\n"
        "from wirebrief.cluster import cluster_articles\n"
        "from wirebrief.settings import Settings\n"
        "cluster_articles([], Settings.model_validate({}))\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_pipeline_with_cluster_dense_and_no_static_model_stops_with_a_clear_error(tmp_path: Path) -> None:
    """Asked for the dense signal, a run without its model says what is missing instead of silently
    clustering without it (model2vec may or may not be installed here: either message names the fix)."""
    from wirebrief.errors import ConfigError
    from wirebrief.pipeline import run
    from wirebrief.settings import Settings

    chosen = Settings(data_dir=tmp_path / "data", cluster_dense=True, cluster_embedder="static")
    with pytest.raises(ConfigError, match=r"models distill|dense-static"):
        run(chosen, [])
