"""Online story detection: one pass over articles in time order.

Each article is turned into a sparse BM25-weighted unit vector (:mod:`wirebrief.cluster.features`) and
compared with the stories that share some of its heaviest terms, found through an inverted index over
each story's top terms (never all pairs). Its similarity with a story is its *average* cosine with the
story's reports (average linkage), computed from the sum of their vectors in one sparse dot product.
It joins the most similar story whose similarity reaches ``settings.cluster_threshold``, or starts a
new story.

Time: a story is *open* while its newest report is less than ``settings.cluster_window_days`` old
(measured against the article being placed). A *closed* story can still take a late report, but only
a very similar one (``reopen_threshold``). Stories closed for more than ``RETENTION_WINDOWS`` windows
drop out of the index and keep only their membership, which bounds time per article on an endless
stream; with ``on_retire`` they are handed over and forgotten, which bounds memory too (term rarity
is counted over ``settings.cluster_idf_window_days`` only, for the same reason).

Identities: a story's id is ``stable_id("s", <id of its first article>)``; with input sorted by
(published, id) and ties broken by story id everywhere, the same input always gives the same stories.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from wirebrief.cluster.dense import dense_calibration, dense_score, dense_text
from wirebrief.cluster.features import DocumentFrequencies, term_counts, tfidf_vector
from wirebrief.cluster.junk import is_junk
from wirebrief.records import Article, Story, stable_id
from wirebrief.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from wirebrief.cluster.dense import Embedder

# Terms of a story's centroid that are indexed, and terms of an article used to look stories up.
INDEX_TERMS: Final = 30
QUERY_TERMS: Final = 30
# Most candidate stories scored exactly per article (the best by index overlap).
MAX_CANDIDATES: Final = 40
# A centroid keeps at most this many terms (the heaviest); it is trimmed when twice as large.
MAX_CENTROID_TERMS: Final = 400
# How long a closed story stays in the index (in windows after it closed) for a late report.
RETENTION_WINDOWS: Final = 2.0
# A story with more reports than this is re-indexed only at every REINDEX_EVERY-th report.
REINDEX_EVERY: Final = 4
# A report in another language than a story's can match it only on names and numbers, which carry
# about a third of a report's squared TF-IDF weight (median 0.37 on the Multi-News dev set), so its
# cosine with the story is that much lower. Across languages the threshold is scaled by this factor
# (rounded up from the measured share, to stay on the side of precision) ...
CROSS_LANGUAGE_FACTOR: Final = 0.5
# ... and at least this many terms must be shared, so that one common place name is not enough.
CROSS_LANGUAGE_MIN_SHARED: Final = 4


class Signals(StrEnum):
    """Which signals represent an article."""

    SPARSE = "sparse"  # TF-IDF over words (title and lead weighted)
    SPARSE_ENTITIES = "sparse+entities"  # the same plus entity-like terms (capitalised phrases)


DEFAULT_SIGNALS: Final = Signals.SPARSE_ENTITIES


def reopen_threshold(threshold: float) -> float:
    """Similarity a closed story needs to take a late report: halfway from the threshold to 1."""
    return threshold + (1.0 - threshold) / 2.0


@dataclass(slots=True)
class _StoryState:
    id: str
    members: list[tuple[datetime, str]]
    first_seen: datetime
    last_seen: datetime
    # Sum of the members' unit vectors: its dot product with an article's unit vector, divided by the
    # number of members, is the article's average cosine with them.
    centroid: dict[str, float] = field(default_factory=dict)
    indexed: tuple[str, ...] = ()
    languages: set[str] = field(default_factory=set)
    retired: bool = False  # dropped from the index; membership kept
    families: list[str] = field(default_factory=list)  # syndication families this story holds
    # Sum of the members' dense embeddings (only with an embedder); its direction is the dense centroid.
    dense: NDArray[np.float32] | None = None

    def story(self) -> Story:
        members = sorted(self.members)
        return Story(
            id=self.id,
            article_ids=tuple(article_id for _, article_id in members),
            first_seen=self.first_seen,
            last_seen=self.last_seen,
        )


class StoryClusterer:
    """Incremental story detection. Feed articles in time order with :meth:`add`.

    With an ``embedder`` (:mod:`wirebrief.cluster.dense`), the cosine of dense embeddings is added to
    the sparse score (the ``dense`` variant); without one, nothing dense is computed or imported.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        signals: Signals = DEFAULT_SIGNALS,
        embedder: Embedder | None = None,
        on_retire: Callable[[Story], None] | None = None,
    ) -> None:
        self.threshold = settings.cluster_threshold
        self.reopen_threshold = reopen_threshold(settings.cluster_threshold)
        self.window = timedelta(days=settings.cluster_window_days)
        self.signals = signals
        self.embedder = embedder
        # Each embedding model has its own weight and baseline (a static model's cosines run higher).
        self._calibration = dense_calibration(embedder) if embedder is not None else None
        self.junk: dict[str, str] = {}  # article id -> why it is not news
        self._frequencies = DocumentFrequencies(window=timedelta(days=settings.cluster_idf_window_days))
        self._stories: dict[str, _StoryState] = {}
        self._story_of_article: dict[str, str] = {}
        self._story_of_family: dict[str, str] = {}
        self._index: dict[str, set[str]] = {}
        # (last_seen, story id) of indexed stories, oldest first; entries go stale when a story grows.
        self._expiry: list[tuple[datetime, str]] = []
        self._clock: datetime | None = None
        # With ``on_retire``, a story that leaves the index is handed over (to be stored, say) and
        # forgotten, so the clusterer holds only the stories of the last few windows.
        self.on_retire = on_retire
        self.handed_over = 0

    # ----------------------------------------------------------------------------------- public

    def add(self, article: Article, *, embedding: NDArray[np.float32] | None = None) -> str | None:
        """Place ``article`` in a story and return the story id; junk gets None (see :attr:`junk`).

        An article already placed returns its story again. A copy from a syndication family that is
        already in a story joins that story whatever its text. With an embedder, ``embedding`` may
        give the article's embedding computed in advance (in a batch); else the embedder computes it.
        """
        known = self._story_of_article.get(article.id)
        if known is not None:
            return known
        if article.id in self.junk:
            return None
        reason = is_junk(article)
        if reason is not None:
            self.junk[article.id] = reason
            return None
        if self._clock is None or article.published > self._clock:
            self._clock = article.published
            self._retire_old_stories()

        counts = term_counts(article, use_entities=self.signals is Signals.SPARSE_ENTITIES)
        self._frequencies.add(counts.counts, article.published)
        vector = tfidf_vector(counts, self._frequencies)
        if self.embedder is None:
            embedding = None  # only the dense variant uses embeddings
        elif embedding is None:
            embedding = self.embedder.embed([dense_text(article)])[0]

        story_id = self._story_of_family.get(article.family) if article.family else None
        if story_id is None:
            story_id = self._best_story(article, vector, embedding)
        if story_id is None:
            story_id = stable_id("s", article.id)
            self._stories[story_id] = _StoryState(
                id=story_id, members=[], first_seen=article.published, last_seen=article.published
            )
        self._join(self._stories[story_id], article, vector, embedding)
        return story_id

    def stories(self) -> list[Story]:
        """All stories so far (with ``on_retire``, those not yet handed over), ordered by first report
        (first_seen, then id)."""
        return sorted((state.story() for state in self._stories.values()), key=lambda s: (s.first_seen, s.id))

    def story_of(self, article_id: str) -> str | None:
        return self._story_of_article.get(article_id)

    # ---------------------------------------------------------------------------------- helpers

    def _best_story(
        self, article: Article, vector: dict[str, float], embedding: NDArray[np.float32] | None
    ) -> str | None:
        overlap: dict[str, float] = {}
        for term, weight in itertools.islice(vector.items(), QUERY_TERMS):
            for story_id in self._index.get(term, ()):
                overlap[story_id] = overlap.get(story_id, 0.0) + weight
        if not overlap:
            return None
        candidates = sorted(overlap, key=lambda story_id: (-overlap[story_id], story_id))[:MAX_CANDIDATES]
        best_id: str | None = None
        best_similarity = 0.0
        for story_id in candidates:
            state = self._stories[story_id]
            similarity = _average_cosine(vector, state.centroid, len(state.members))
            closed = article.published - state.last_seen > self.window
            needed = self.reopen_threshold if closed else self.threshold
            if article.language not in state.languages:
                if len(vector.keys() & state.centroid.keys()) < CROSS_LANGUAGE_MIN_SHARED:
                    continue
                needed *= CROSS_LANGUAGE_FACTOR
            elif embedding is not None and state.dense is not None:
                # The embedding model is English-only: the dense term counts within a language only.
                similarity += dense_score(embedding, state.dense, self._calibration)
            if similarity >= needed and similarity > best_similarity:
                best_id, best_similarity = story_id, similarity
        return best_id

    def _join(
        self,
        state: _StoryState,
        article: Article,
        vector: dict[str, float],
        embedding: NDArray[np.float32] | None,
    ) -> None:
        state.members.append((article.published, article.id))
        if embedding is not None:
            state.dense = embedding.copy() if state.dense is None else state.dense + embedding
        state.languages.add(article.language)
        state.first_seen = min(state.first_seen, article.published)
        state.last_seen = max(state.last_seen, article.published)
        self._story_of_article[article.id] = state.id
        family = article.family
        if (
            family
            and self._story_of_family.setdefault(family, state.id) == state.id
            and family not in state.families
        ):
            state.families.append(family)
        centroid = state.centroid
        for term, weight in vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
        if len(centroid) > 2 * MAX_CENTROID_TERMS:
            heaviest = sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:MAX_CENTROID_TERMS]
            state.centroid = centroid = dict(heaviest)
        # The top terms of a grown story change slowly: re-index it only every REINDEX_EVERY reports.
        members = len(state.members)
        if state.retired or members <= REINDEX_EVERY or members % REINDEX_EVERY == 0:
            self._reindex(state)
        heapq.heappush(self._expiry, (state.last_seen, state.id))

    def _reindex(self, state: _StoryState) -> None:
        # nlargest is stable, and the centroid's order is deterministic, so ties are broken the same way
        # on every run.
        centroid = state.centroid
        indexed = tuple(sorted(heapq.nlargest(INDEX_TERMS, centroid, key=centroid.__getitem__)))
        if indexed == state.indexed and not state.retired:
            return
        for term in set(state.indexed) - set(indexed):  # empty for a retired story
            postings = self._index[term]
            postings.discard(state.id)
            if not postings:
                del self._index[term]
        for term in indexed:
            self._index.setdefault(term, set()).add(state.id)
        state.indexed = indexed
        state.retired = False

    def _retire_old_stories(self) -> None:
        assert self._clock is not None
        horizon = self._clock - self.window * (1.0 + RETENTION_WINDOWS)
        while self._expiry and self._expiry[0][0] < horizon:
            last_seen, story_id = heapq.heappop(self._expiry)
            state = self._stories.get(story_id)
            if state is None or state.retired or state.last_seen != last_seen:
                continue  # stale entry: the story has grown since, or is gone already
            for term in state.indexed:
                postings = self._index[term]
                postings.discard(story_id)
                if not postings:
                    del self._index[term]
            state.retired = True
            state.indexed = ()
            state.centroid = {}
            state.dense = None
            if self.on_retire is not None:
                self._hand_over(state)

    def _hand_over(self, state: _StoryState) -> None:
        assert self.on_retire is not None
        del self._stories[state.id]
        for _, article_id in state.members:
            self._story_of_article.pop(article_id, None)
        for family in state.families:
            if self._story_of_family.get(family) == state.id:
                del self._story_of_family[family]
        self.handed_over += 1
        self.on_retire(state.story())


def _average_cosine(vector: dict[str, float], centroid: dict[str, float], members: int) -> float:
    """Average cosine of a unit ``vector`` with a story's members, given the sum of their unit vectors.

    Average linkage rather than the cosine with the centroid's direction: the centroid of a grown
    story is smoother than any one report, so its cosine with a newcomer runs higher the more reports
    it has, and one threshold would be too lax for large stories or too strict for single reports.
    The average cosine means the same for a story of one report as for one of twenty.
    """
    if members == 0:
        return 0.0
    # Only shared terms contribute; the key-set intersection runs in C and is usually small.
    return sum(vector[term] * centroid[term] for term in vector.keys() & centroid.keys()) / members


def cluster_articles(
    articles: Sequence[Article],
    settings: Settings,
    *,
    signals: Signals = DEFAULT_SIGNALS,
    embedder: Embedder | None = None,
) -> list[Story]:
    """Cluster ``articles`` into stories in one pass, in time order (published, then id).

    Junk articles (see :func:`wirebrief.cluster.is_junk`) are left out of every story. With an
    ``embedder`` (the dense variant), all articles are embedded first, in batches.
    """
    # Retired stories are collected as they leave, so only the open ones keep their working state.
    retired: list[Story] = []
    clusterer = StoryClusterer(settings, signals=signals, embedder=embedder, on_retire=retired.append)
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    if embedder is None:
        for article in ordered:
            clusterer.add(article)
    else:
        embeddings = embedder.embed([dense_text(article) for article in ordered]) if ordered else None
        for position, article in enumerate(ordered):
            assert embeddings is not None
            clusterer.add(article, embedding=embeddings[position])
    return sorted([*retired, *clusterer.stories()], key=lambda s: (s.first_seen, s.id))
