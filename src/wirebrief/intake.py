"""The store side of ingest: normalise → dedupe → store, one report at a time.

:func:`wirebrief.pipeline.ingest` runs it over the reports it reads and the push endpoint
(:mod:`wirebrief.web.push`) over the reports posted to it. It lives apart from the pipeline so that a
caller that only stores reports does not import the later stages (spaCy, scikit-learn, torch).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from wirebrief.dedupe import Deduplicator
from wirebrief.errors import InputError
from wirebrief.ingest.base import describe_failure
from wirebrief.normalise import normalise
from wirebrief.records import DedupeStatus, RawReport
from wirebrief.settings import Settings
from wirebrief.store import Store


@dataclass(slots=True)
class IngestSummary:
    reports_read: int = 0
    already_stored: int = 0
    new_articles: int = 0
    revisions: int = 0
    duplicates_dropped: int = 0
    syndicated_copies: int = 0
    problems: list[str] = field(default_factory=list)
    revised_ids: set[str] = field(default_factory=set)
    # The given inputs (paths, URLs) that could not be used at all: missing, unreadable, not a format.
    unusable_inputs: list[str] = field(default_factory=list)


IngestStatus = Literal["stored", "revision", "syndicated", "duplicate", "already-stored", "rejected"]


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """What the ingest path did with one report."""

    status: IngestStatus
    article_id: str | None = None  # None only for a rejected report (it has no article)
    duplicate_of: str | None = None  # the kept article a duplicate or syndicated copy matches
    problem: str | None = None  # why a report was rejected
    dedupe: DedupeStatus | None = None  # the deduplicator's decision, where it was asked


class ReportIngester:
    """normalise → dedupe → store for one report at a time, counted into ``summary``.

    :func:`wirebrief.pipeline.ingest` feeds it the reports it reads from its locations and the HTTP
    push endpoint (:mod:`wirebrief.web.push`) the reports posted to it, so both take the same path.
    A caller that keeps ``deduplicator`` across calls pays the MinHash signatures only of stored
    articles it has not seen yet (seeding skips known texts), and may pass ``seed=False`` when it knows
    the store holds nothing the deduplicator has not seen; it must drop the deduplicator when a write
    it took part in is rolled back.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        summary: IngestSummary,
        on_problem: Callable[[InputError], None],
        *,
        deduplicator: Deduplicator | None = None,
        seed: bool = True,
    ) -> None:
        self.store = store
        self.settings = settings
        self.summary = summary
        self._on_problem = on_problem
        if deduplicator is None:
            deduplicator, seed = Deduplicator(settings), True
        self.deduplicator = deduplicator
        if seed:
            # Only the dedupe window behind the newest stored report can match a new one: reading just
            # that keeps the start of an ingest (and of each push) flat as the archive grows.
            newest = store.newest_published()
            since = None if newest is None else newest - timedelta(days=settings.dedupe_window_days)
            self.deduplicator.seed(store.articles_since(since))
        self._stored_here: set[str] = set()

    def add(self, raw: RawReport) -> ReportOutcome:
        summary, store = self.summary, self.store
        summary.reports_read += 1
        try:
            article = normalise(raw, self.settings)
        except InputError as error:
            self._on_problem(error)
            return ReportOutcome("rejected", problem=error.problem)
        except Exception as exc:
            # A report no reader caught as odd (a date or text a library chokes on) is rejected on its
            # own; the reports around it are still stored.
            unusable = InputError(
                f"{raw.source}:{raw.locator}", f"cannot normalise ({describe_failure(exc)})"
            )
            self._on_problem(unusable)
            return ReportOutcome("rejected", problem=unusable.problem)
        if store.has_version(article.id, article.content_hash):
            # The same report twice in this ingester's input is a duplicate; one stored earlier
            # (another run, another request) is simply known already.
            if article.id in self._stored_here:
                summary.duplicates_dropped += 1
                return ReportOutcome("duplicate", article.id, duplicate_of=article.id)
            summary.already_stored += 1
            return ReportOutcome("already-stored", article.id, duplicate_of=article.id)
        decision = self.deduplicator.decide(article)
        article = dataclasses.replace(article, family=decision.family)
        store.record_dedupe(decision, article)
        if not decision.keep:
            summary.duplicates_dropped += 1
            return ReportOutcome(
                "duplicate", article.id, duplicate_of=decision.duplicate_of, dedupe=decision.status
            )
        outcome = store.upsert_article(article)
        self._stored_here.add(article.id)
        status: IngestStatus = "already-stored"  # a NEW decision whose text the store still had
        # A revision read before the version it replaces is stored as history ("unchanged"
        # for the current text), so both the decision and the outcome count it.
        if outcome == "revised" or decision.status == DedupeStatus.REVISION:
            summary.revisions += 1
            status = "revision"
        if outcome == "revised":
            summary.revised_ids.add(article.id)
        elif outcome == "inserted":
            summary.new_articles += 1
            if status != "revision":
                status = "stored"
        if decision.status == DedupeStatus.SYNDICATED:
            summary.syndicated_copies += 1
            status = "syndicated"
        return ReportOutcome(status, article.id, duplicate_of=decision.duplicate_of, dedupe=decision.status)
