"""Saving a :class:`StoryClusterer` between runs, so that a run places only the new articles.

What is saved is the clusterer's working state: its open window (stories that can still take a report,
their term sums and index), the windowed document frequencies, and the counters that make ids and ties
deterministic. Adding articles to a restored clusterer gives exactly what adding them to the one that
was saved would have given, so a run over new articles in time order equals a run over everything.
The embedder and the hand-over callback are not saved: the caller gives them again on loading.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from wirebrief.cluster.online import StoryClusterer
from wirebrief.records import Story

if TYPE_CHECKING:
    from wirebrief.cluster.dense import Embedder


def dump_clusterer(clusterer: StoryClusterer) -> bytes:
    """The clusterer's state as bytes (compressed; the pickle never holds the embedder or callback)."""
    embedder, on_retire = clusterer.embedder, clusterer.on_retire
    clusterer.embedder, clusterer.on_retire = None, None
    try:
        return zlib.compress(pickle.dumps(clusterer, protocol=pickle.HIGHEST_PROTOCOL), 1)
    finally:
        clusterer.embedder, clusterer.on_retire = embedder, on_retire


def load_clusterer(
    data: bytes,
    *,
    embedder: Embedder | None = None,
    on_retire: Callable[[Story], None] | None = None,
) -> StoryClusterer:
    """A clusterer restored from :func:`dump_clusterer` (bytes this program wrote to its own store)."""
    clusterer = pickle.loads(zlib.decompress(data))
    if not isinstance(clusterer, StoryClusterer):
        raise TypeError(f"not a saved clusterer: {type(clusterer).__name__}")
    clusterer.embedder = embedder
    clusterer.on_retire = on_retire
    return clusterer
