"""A clusterer saved and restored mid-stream places the rest of the stream as if it had never stopped."""

from __future__ import annotations

import pytest

from wirebrief.cluster import StoryClusterer, cluster_articles
from wirebrief.cluster.state import dump_clusterer, load_clusterer
from wirebrief.records import Story
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store


@pytest.mark.slow
@pytest.mark.parametrize("cut", [1, 30, 60])
def test_a_restored_clusterer_gives_the_stories_of_one_pass(tmp_path, cut: int) -> None:
    from wirebrief.pipeline import ingest

    settings = Settings(data_dir=tmp_path, cluster_window_days=0.5)  # a short window: stories retire
    with Store.open(settings.resolved_database_url) as store:
        ingest(store, [str(sample_dir())], settings)
        articles = sorted(store.articles(), key=lambda a: (a.published, a.id))
    expected = cluster_articles(articles, settings)

    retired: list[Story] = []
    first = StoryClusterer(settings, on_retire=retired.append)
    for article in articles[:cut]:
        first.add(article)
    restored = load_clusterer(dump_clusterer(first), on_retire=retired.append)
    assert first.on_retire is not None  # dumping leaves the original whole
    for article in articles[cut:]:
        restored.add(article)
    got = sorted([*retired, *restored.stories()], key=lambda s: (s.first_seen, s.id))
    assert got == expected


def test_bytes_that_are_not_a_clusterer_are_refused() -> None:
    import pickle
    import zlib

    with pytest.raises(TypeError, match="not a saved clusterer"):
        load_clusterer(zlib.compress(pickle.dumps({"a": 1})))
