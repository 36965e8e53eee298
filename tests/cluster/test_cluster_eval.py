"""The `eval clustering` scoring on small files written here, and on the bundled sample corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from cluster_texts import CHIPS, ELECTION, QUAKE_A, QUAKE_B, settings

from wirebrief.cluster import Signals
from wirebrief.evaluation.clustering import evaluate_gold, evaluate_multi_news, multi_news_articles

SHARED_DEV = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "multi-news-dev" / "docs.jsonl.gz"
)
ARCHIVE_NOTICE = (
    "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. Flowing in "
    "every day, these data are added to the Wayback Machine after an embargo period."
)


def _write_docs(path: Path, docs: list[tuple[str, str, str]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for doc_id, cluster_id, text in docs:
            handle.write(json.dumps({"doc_id": doc_id, "cluster_id": cluster_id, "text": text}) + "\n")


def test_multi_news_scores_with_junk_as_a_singleton(tmp_path: Path) -> None:
    data = tmp_path / "docs.jsonl.gz"
    _write_docs(
        data,
        [
            ("q0", "quake", QUAKE_A),
            ("q1", "quake", QUAKE_B),
            ("q2", "quake", ARCHIVE_NOTICE),  # junk: predicted alone, so recall loses it
            ("c0", "chips", CHIPS),
            ("e0", "election", ELECTION),
        ],
    )
    result = evaluate_multi_news(data, settings(), Signals.SPARSE)
    assert (result.documents, result.junk, result.stories, result.gold_clusters) == (5, 1, 3, 3)
    assert result.b_cubed.precision == 1.0
    # Recall: q0, q1 see 2 of 3; q2 sees 1 of 3; c0, e0 see all -> (2/3 + 2/3 + 1/3 + 1 + 1) / 5.
    assert result.b_cubed.recall == pytest.approx(11 / 15)
    assert result.pairwise.precision == 1.0
    assert result.pairwise.recall == pytest.approx(1 / 3)


def test_synthetic_times_keep_the_whole_file_inside_half_a_window() -> None:
    records = [{"doc_id": str(i), "cluster_id": "c", "text": QUAKE_A} for i in range(1000)]
    articles = multi_news_articles(records, settings(cluster_window_days=0.1), source="test")
    span = articles[-1].published - articles[0].published
    assert span.total_seconds() <= 0.05 * 86_400
    assert [a.published for a in articles] == sorted(a.published for a in articles)


@pytest.mark.slow  # ingest + normalise + dedupe of the 89 sample reports
def test_bundled_sample_meets_its_target() -> None:
    from wirebrief.samples import gold_path

    result = evaluate_gold(gold_path(), settings(), Signals.SPARSE_ENTITIES)
    assert result.gold_clusters == 24
    assert result.b_cubed.f1 >= 0.95


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_DEV.exists(), reason="the shared Multi-News dev set (../shared) is absent")
def test_multi_news_dev_does_not_regress() -> None:
    # Measured 0.875 B-cubed F1 with the defaults (BM25 weights, average linkage, threshold 0.1);
    # 0.857 before them. The target of 0.90 is not met.
    result = evaluate_multi_news(SHARED_DEV, settings(), Signals.SPARSE_ENTITIES)
    assert result.documents == 690
    assert result.b_cubed.f1 >= 0.865
