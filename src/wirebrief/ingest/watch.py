"""Polling registered sources on their schedule (``wirebrief watch``).

Each round polls the sources that are due, one request at a time (so never more than one per host):

* an http(s) source gets a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the last
  success); ``304 Not Modified`` means nothing new. Otherwise its reports go through
  :func:`wirebrief.pipeline.ingest`, so normalisation and dedupe apply as for ``wirebrief ingest``;
* a file or folder source is read again when its modification time or size changed;
* robots.txt is honoured when ``respect_robots_txt`` is set (a disallowed feed is not fetched);
* every poll records the source's health: a success resets the error count, a failure pushes the next
  poll back exponentially (``wirebrief.store.backoff_s``), up to ``watch_max_backoff_s``.

After a round that stored new or revised articles, the briefs are rewritten through the pipeline.

Requests use the SSRF guard and limits of :mod:`wirebrief.ingest.fetch`. A changed feed is fetched
once: the body of the conditional GET's 200 answer is handed to :func:`wirebrief.pipeline.ingest`.
"""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import httpx

from wirebrief.errors import FetchError, InputError
from wirebrief.ingest.fetch import USER_AGENT, Fetched, ProbeAnswer, http_get
from wirebrief.settings import Settings
from wirebrief.store import Store, WatchedSource

if TYPE_CHECKING:
    from wirebrief.dedupe import Deduplicator

log = logging.getLogger(__name__)

PollStatus = Literal["new", "unchanged", "not-modified", "error", "robots-disallowed"]

# (ETag, Last-Modified) to send on the next poll; a file source keeps its mtime and size as its ETag.
Validators = tuple[str | None, str | None]

# A long-running watch reads each site's robots.txt again once a day (the usual crawler convention).
ROBOTS_TTL_S = 86_400.0


# robots.txt files are small; more than this is not read (and the rest of the file is ignored).
MAX_ROBOTS_BYTES = 512_000


@dataclass(frozen=True, slots=True)
class PollOutcome:
    location: str
    status: PollStatus
    reports_read: int = 0
    new_articles: int = 0
    revisions: int = 0
    error: str | None = None


@dataclass(slots=True)
class RoundSummary:
    """What one round did: the sources polled and, when something new came in, the briefs written."""

    polls: list[PollOutcome] = field(default_factory=list)
    stories_briefed: int = 0
    briefs_new_versions: int = 0

    @property
    def new_articles(self) -> int:
        return sum(p.new_articles + p.revisions for p in self.polls)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class RobotsCache:
    """robots.txt rules per site (scheme and host), fetched again after ``ROBOTS_TTL_S``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._parsers: dict[str, tuple[float, urllib.robotparser.RobotFileParser]] = {}

    def allowed(self, url: str) -> bool:
        parsed = httpx.URL(url)
        site = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        cached = self._parsers.get(site)
        if cached is None or time.monotonic() - cached[0] > ROBOTS_TTL_S:
            cached = (time.monotonic(), self._load(site))
            self._parsers[site] = cached
        return cached[1].can_fetch(USER_AGENT, url)

    def _load(self, site: str) -> urllib.robotparser.RobotFileParser:
        robots_url = f"{site}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            answer = http_get(robots_url, self._settings, read_body=True, max_body_bytes=MAX_ROBOTS_BYTES)
        except FetchError as error:
            # An unreachable robots.txt says nothing; the feed request itself will show the problem.
            log.info("robots.txt of %s not read (%s); polling as allowed", site, error.problem)
            parser.parse([])
            return parser
        # The conventions of urllib.robotparser.read(): 401/403 forbid everything, other errors nothing.
        if answer.status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif answer.status == 200:
            parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        else:
            parser.parse([])
        return parser


def _file_validator(path: Path) -> str:
    stat = path.stat()
    return f"file:{stat.st_mtime_ns}:{stat.st_size}"


class Watcher:
    """Polls the due sources of one store; one instance keeps robots.txt rules between rounds."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.robots = RobotsCache(settings)
        # The deduplicator is kept between polls, so a poll hashes only its own reports instead of reading
        # the whole dedupe window from the store again (seconds per poll at tens of thousands of stored
        # articles). It is dropped (and seeded again next poll) when the article log shows that another
        # process stored something since this watcher last did, or when a poll fails.
        self._deduplicator: Deduplicator | None = None
        self._log_left = 0  # the article log's end after this watcher's last poll

    def poll(self, source: WatchedSource, when: datetime) -> tuple[PollOutcome, set[str]]:
        """Poll one source, record its health, and return the outcome and the ids of revised articles."""
        validators: Validators = (None, None)
        try:
            outcome, revised, validators = self._poll(source)
        except InputError as error:
            outcome, revised = PollOutcome(source.location, "error", error=str(error)), set()
        ok = outcome.error is None
        self.store.record_poll(
            source.location,
            ok=ok,
            when=when,
            etag=validators[0],
            last_modified=validators[1],
            items=outcome.new_articles + outcome.revisions,
            error=outcome.error,
            max_backoff_s=self.settings.watch_max_backoff_s,
        )
        if not ok:
            log.warning("%s", outcome.error)
        return outcome, revised

    def _poll(self, source: WatchedSource) -> tuple[PollOutcome, set[str], Validators]:
        location = source.location
        if is_url(location):
            if self.settings.respect_robots_txt and not self.robots.allowed(location):
                # Recorded as a failure so that `sources list` shows it and the source backs off.
                problem = f"{location}: disallowed by the site's robots.txt (setting respect_robots_txt)"
                return PollOutcome(location, "robots-disallowed", error=problem), set(), (None, None)
            conditions: dict[str, str] = {}
            if source.etag:
                conditions["If-None-Match"] = source.etag
            if source.last_modified:
                conditions["If-Modified-Since"] = source.last_modified
            answer = http_get(location, self.settings, headers=conditions, read_body=True)
            if answer.status == 304:
                return PollOutcome(location, "not-modified"), set(), (None, None)
            if answer.status != 200:
                raise FetchError(location, f"HTTP {answer.status}")
            validators: Validators = (answer.etag, answer.last_modified)
            body = Fetched(url=answer.url, content_type=answer.content_type, body=answer.body)
            outcome, revised = self._ingest(location, body)
            return outcome, revised, validators
        else:
            path = Path(location)
            try:
                validator = _file_validator(path)
            except OSError as exc:
                raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc
            if validator == source.etag:
                return PollOutcome(location, "not-modified"), set(), (None, None)
            validators = (validator, None)
        outcome, revised = self._ingest(location)
        return outcome, revised, validators

    def _ingest(self, location: str, fetched: Fetched | None = None) -> tuple[PollOutcome, set[str]]:
        from wirebrief.dedupe import Deduplicator
        from wirebrief.pipeline import ingest

        log_before = self.store.article_log_end()
        kept = self._deduplicator if log_before == self._log_left else None
        self._deduplicator = None  # until this poll has gone through
        deduplicator = kept if kept is not None else Deduplicator(self.settings)
        summary = ingest(
            self.store,
            [location],
            self.settings,
            fetched={location: fetched} if fetched else None,
            deduplicator=deduplicator,
            seed=kept is None,
        )
        self._log_left = self.store.article_log_end()
        # Kept only when the log grew by exactly what this poll stored (no other writer in between).
        if self._log_left - log_before == summary.new_articles + len(summary.revised_ids):
            self._deduplicator = deduplicator
        if summary.reports_read == 0 and summary.problems:
            raise InputError(location, summary.problems[0].removeprefix(f"{location}: "))
        status: PollStatus = "new" if summary.new_articles or summary.revisions else "unchanged"
        outcome = PollOutcome(
            location,
            status,
            reports_read=summary.reports_read,
            new_articles=summary.new_articles,
            revisions=summary.revisions,
        )
        return outcome, set(summary.revised_ids)

    def run_round(
        self,
        *,
        now: datetime | None = None,
        max_polls: int | None = None,
        on_poll: Callable[[PollOutcome], None] | None = None,
    ) -> RoundSummary:
        """Poll every due source (at most ``max_polls``) and rewrite the briefs if anything is new."""
        from wirebrief.pipeline import IngestSummary, Pipeline, RunSummary

        start = now if now is not None else datetime.now(UTC)
        due = self.store.due_sources(start)
        if max_polls is not None:
            due = due[:max_polls]
        summary = RoundSummary()
        revised: set[str] = set()
        for source in due:
            # Health is stamped with the time of the poll itself (a round can take a while), except
            # when the caller fixes the clock.
            when = now if now is not None else datetime.now(UTC)
            outcome, revised_ids = self.poll(source, when)
            revised |= revised_ids
            summary.polls.append(outcome)
            if on_poll is not None:
                on_poll(outcome)
        if summary.new_articles:
            ingested = IngestSummary(
                reports_read=sum(p.reports_read for p in summary.polls),
                new_articles=sum(p.new_articles for p in summary.polls),
                revisions=sum(p.revisions for p in summary.polls),
                revised_ids=revised,
            )
            run = RunSummary(ingest=ingested)
            Pipeline(self.settings, self.store).brief_stories(run)
            summary.stories_briefed = run.stories_briefed
            summary.briefs_new_versions = run.briefs_new_versions
        return summary

    def seconds_until_due(self, now: datetime | None = None) -> float | None:
        """How long until the next source is due (0 when one is due now); ``None`` without sources."""
        sources = self.store.sources()
        if not sources:
            return None
        current = now if now is not None else datetime.now(UTC)
        soonest = min(s.next_poll_at for s in sources)
        return max(0.0, (soonest - current).total_seconds())


__all__ = [
    "MAX_ROBOTS_BYTES",
    "ROBOTS_TTL_S",
    "PollOutcome",
    "PollStatus",
    "ProbeAnswer",
    "RobotsCache",
    "RoundSummary",
    "Watcher",
    "http_get",
    "is_url",
]
