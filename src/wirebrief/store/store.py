"""``Store``: persistence of wirebrief's records in SQLite (WAL) or PostgreSQL.

Every public method runs in one transaction (or joins the one of an enclosing ``transaction()``
block), so a failed write leaves what was stored before it untouched. Writes compare with what is
stored first and touch only rows whose content changed: running the pipeline twice on the same input
writes nothing the second time.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self

from alembic.util import CommandError
from sqlalchemy import Connection, Engine, Row, Table, and_, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from wirebrief.errors import InputError, NotFoundError, StorageError
from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    CategoryScore,
    DedupeDecision,
    DedupeStatus,
    Entity,
    EntityKind,
    Extraction,
    Fact,
    Mention,
    Quote,
    ReportSentence,
    Story,
)
from wirebrief.store import _database, codec
from wirebrief.store import schema as t

UpsertResult = Literal["inserted", "unchanged", "revised"]
StoryEventKind = Literal["created", "grew", "merged", "split", "retired", "reordered"]

# Ids per IN (...) list: well under SQLite's limit on bound parameters.
_CHUNK = 500


class ArticleRevision(NamedTuple):
    """A superseded version of an article (``stored_order`` 1 is the first version stored)."""

    content_hash: str
    title: str
    text: str
    stored_order: int


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One change of a story's membership.

    ``related`` names the other stories involved: those it merged, those that took its articles
    (split, retired), or the story it was split from.
    """

    seq: int
    event: StoryEventKind
    version_key: str
    article_count: int
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryVersion:
    """A story's membership after one history event.

    ``article_ids`` are in story order (published, then id, by the articles' current times); None when
    the membership was not recorded (events written before schema revision 0003). ``joined`` and
    ``left`` are the articles that came and went at this event, against the previous version; both
    are None when either membership is unknown.
    """

    seq: int
    event: StoryEventKind
    version_key: str
    article_ids: tuple[str, ...] | None
    joined: tuple[str, ...] | None
    left: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class StoryChanges:
    """What ``save_stories`` did, story ids by kind of change."""

    created: tuple[str, ...] = ()
    grew: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    reordered: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # same members in the same order, other times (first/last seen)
    unchanged: tuple[str, ...] = ()
    # How many more current (active) stories there are than before: stories made, less stories retired
    # (a count kept by the caller without counting the stories; not part of what changed).
    active_change: int = field(default=0, compare=False)

    @property
    def changed(self) -> tuple[str, ...]:
        """Every story whose membership changed."""
        return tuple(
            sorted({*self.created, *self.grew, *self.merged, *self.split, *self.retired, *self.reordered})
        )


@dataclass(frozen=True, slots=True)
class WatchedSource:
    """A feed URL or file that ``wirebrief watch`` polls, with its HTTP validators and health."""

    location: str
    name: str | None
    every_s: int
    added_at: datetime
    next_poll_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    consecutive_errors: int = 0
    items_seen: int = 0


def backoff_s(every_s: int, consecutive_errors: int, max_backoff_s: int) -> int:
    """Wait before the next poll: the schedule, doubled for each error in a row, at most ``max_backoff_s``
    (but never less than the schedule itself)."""
    if consecutive_errors <= 0:
        return every_s
    # The exponent is bounded so a source failing for months does not build a huge integer.
    doubled: int = every_s * 2 ** min(consecutive_errors, 32)
    return max(every_s, min(doubled, max_backoff_s))


def _source_from_row(row: Row[Any]) -> WatchedSource:
    m = row._mapping
    return WatchedSource(
        location=m["location"],
        name=m["name"],
        every_s=m["every_s"],
        added_at=m["added_at"],
        next_poll_at=m["next_poll_at"],
        etag=m["etag"],
        last_modified=m["last_modified"],
        last_success_at=m["last_success_at"],
        last_error_at=m["last_error_at"],
        last_error=m["last_error"],
        consecutive_errors=m["consecutive_errors"],
        items_seen=m["items_seen"],
    )


# Any constant key: the transactions that append to the article log take it in turn (PostgreSQL).
_ARTICLE_LOG_LOCK = 0x77627267


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "outlet": article.outlet,
        "title": article.title,
        "text": article.text,
        "published": article.published,
        "language": article.language,
        "content_hash": article.content_hash,
        "source": article.source,
        "url": article.url,
        "byline": article.byline,
        "family": article.family,
    }


def _article_from_row(row: Row[Any]) -> Article:
    m = row._mapping
    return Article(
        id=m["id"],
        outlet=m["outlet"],
        title=m["title"],
        text=m["text"],
        published=m["published"],
        language=m["language"],
        content_hash=m["content_hash"],
        source=m["source"],
        url=m["url"],
        byline=m["byline"],
        family=m["family"],
    )


def _entity_row(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind.value,
        "aliases": list(entity.aliases),
        "external_ids": dict(entity.external_ids),
    }


def _entity_from_row(row: Row[Any]) -> Entity:
    m = row._mapping
    return Entity(
        id=m["id"],
        name=m["name"],
        kind=EntityKind(m["kind"]),
        aliases=tuple(m["aliases"]),
        external_ids=dict(m["external_ids"]),
    )


def _fact_row(fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "subject_id": fact.subject_id,
        "subject_name": fact.subject_name,
        "predicate": fact.predicate,
        "value": fact.value,
        "value_label": fact.value_label,
        "issuer": fact.issuer,
        "source_url": fact.source_url,
        "as_of": fact.as_of,
        "retrieved_at": fact.retrieved_at,
        "statement": fact.statement,
        "provider": fact.provider,
    }


def _fact_from_row(row: Row[Any]) -> Fact:
    m = row._mapping
    return Fact(
        id=m["id"],
        subject_id=m["subject_id"],
        subject_name=m["subject_name"],
        predicate=m["predicate"],
        value=m["value"],
        issuer=m["issuer"],
        source_url=m["source_url"],
        as_of=m["as_of"],
        retrieved_at=m["retrieved_at"],
        statement=m["statement"],
        provider=m["provider"],
        value_label=m["value_label"],
    )


def _story_order(article_ids: Iterable[str], published: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(article_ids, key=lambda article_id: (published[article_id], article_id)))


class Store:
    """The database of one wirebrief installation. Open with ``Store.open(url)``; not thread-safe."""

    def __init__(self, engine: Engine, target: _database.Target) -> None:
        """Use ``Store.open``; this only wraps an engine whose schema is already up to date."""
        self._engine = engine
        self._write_engine = engine.execution_options(**{_database.WRITE_OPTION: True})
        self._target = target
        self._connection: Connection | None = None  # set inside a transaction
        self._closed = False

    # ------------------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, url: str, *, busy_timeout_s: float = 10.0) -> Store:
        """Open (creating it if needed) the database at ``url`` and upgrade its schema.

        ``busy_timeout_s`` is how long a write waits for another process's lock before failing.
        Raises ``StorageError`` when the URL is not a database or the database cannot be used.
        """
        target = _database.parse_target(url)
        _database.prepare_sqlite_file(target)
        try:
            engine = _database.create_database_engine(target, busy_timeout_s)
        except ImportError as exc:  # the optional driver
            raise StorageError(
                target.location,
                f"the driver is not installed ({exc.name}); pip install 'wirebrief[postgres]'",
            ) from exc
        except SQLAlchemyError as exc:
            raise StorageError(target.location, f"cannot use this database URL: {exc}") from exc
        try:
            _database.upgrade_schema(engine, target)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise _database.storage_error(target.location, exc) from exc
        except sqlite3.Error as exc:
            engine.dispose()
            raise StorageError(target.location, _database.describe_error(exc)) from exc
        except CommandError as exc:
            engine.dispose()
            raise StorageError(target.location, f"cannot upgrade the database schema: {exc}") from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, target)

    @property
    def location(self) -> str:
        """The database file (SQLite) or the URL without its password (PostgreSQL)."""
        return self._target.location

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._target.backend

    def close(self) -> None:
        """Release every connection; later calls raise ``StorageError``."""
        if not self._closed:
            self._closed = True
            self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one transaction: all of them are stored, or none."""
        with self._writing():
            yield

    @contextmanager
    def _translated(self) -> Iterator[None]:
        if self._closed:
            raise StorageError(self.location, "the store is closed")
        try:
            yield
        except SQLAlchemyError as exc:
            raise _database.storage_error(self.location, exc) from exc
        except sqlite3.Error as exc:  # raised directly by the driver in a few places (e.g. on commit)
            raise StorageError(self.location, _database.describe_error(exc)) from exc
        except InputError as exc:
            raise StorageError(self.location, f"stored data cannot be read ({exc.problem})") from exc

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        if self._connection is not None:
            yield self._connection
            return
        with self._translated(), self._write_engine.begin() as connection:
            self._connection = connection
            try:
                yield connection
            finally:
                self._connection = None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._connection is not None:
            yield self._connection
            return
        with self._translated(), self._engine.connect() as connection:
            yield connection

    # ------------------------------------------------------------------------------- articles

    def upsert_article(self, article: Article) -> UpsertResult:
        """Store an article keyed by its id.

        ``"revised"`` when its content (text, content hash or title) differs from the stored one: the
        new version replaces it and the old one is kept in ``article_revisions``. Two cases keep the
        stored version current and give ``"unchanged"``: a copy of a version already superseded (an
        old feed entry read again), and a version published earlier than the stored one (kept as a
        revision). Other fields (family, byline, URL...) are updated in place when they differ, with
        ``"unchanged"``.
        """
        return self.upsert_articles([article])[0]

    def upsert_articles(self, batch: Sequence[Article]) -> list[UpsertResult]:
        """``upsert_article`` for each article, in one transaction."""
        results: list[UpsertResult] = []
        with self._writing() as connection:
            stored = {a.id: a for a in self._select_articles(connection, list({a.id for a in batch}))}
            # New articles go in as one multi-row insert; an id seen again in the batch flushes it first.
            new_rows: dict[str, dict[str, Any]] = {}

            def flush() -> None:
                if new_rows:
                    connection.execute(insert(t.articles), list(new_rows.values()))
                    new_rows.clear()

            for article in batch:
                previous = stored.get(article.id)
                if previous is None:
                    new_rows[article.id] = _article_row(article)
                    results.append("inserted")
                else:
                    if article.id in new_rows:
                        flush()
                    result, article = self._update_article(connection, previous, article)
                    results.append(result)
                stored[article.id] = article
            flush()
            self._log_articles(connection, batch, results)
        return results

    def _log_articles(
        self, connection: Connection, batch: Sequence[Article], results: Sequence[UpsertResult]
    ) -> None:
        """Append the articles stored or revised to the article log, in this transaction."""
        rows = [
            {"article_id": article.id, "change": "stored" if result == "inserted" else "revised"}
            for article, result in zip(batch, results, strict=True)
            if result in ("inserted", "revised")
        ]
        if not rows:
            return
        if self.backend == "postgresql":
            # A sequence number is taken at insert but seen at commit: two writers could commit out of
            # order and a reader between them would skip the lower number for good. Writers of the log take
            # a transaction lock first, so numbers become visible in order (SQLite has one writer anyway).
            connection.execute(select(func.pg_advisory_xact_lock(_ARTICLE_LOG_LOCK)))
        connection.execute(insert(t.article_log), rows)

    def article_log_since(self, seq: int) -> list[tuple[int, str, str]]:
        """Entries of the article log after ``seq``: (seq, article id, "stored" or "revised"), in order; read
        through the primary key, so a run that saw ``seq`` reads only what was stored since."""
        log = t.article_log
        query = select(log.c.seq, log.c.article_id, log.c.change).where(log.c.seq > seq).order_by(log.c.seq)
        with self._reading() as connection:
            return [(r.seq, r.article_id, r.change) for r in connection.execute(query)]

    def article_log_end(self) -> int:
        """The newest entry of the article log (0 when empty): a run from scratch reads the articles as of
        this entry and goes on from it next time."""
        with self._reading() as connection:
            return int(connection.execute(select(func.max(t.article_log.c.seq))).scalar_one() or 0)

    def _update_article(
        self, connection: Connection, stored: Article, article: Article
    ) -> tuple[UpsertResult, Article]:
        """Apply ``article`` over the stored version: the outcome and the version now current."""
        new_row = _article_row(article)
        old_row = _article_row(stored)
        changed = {column: value for column, value in new_row.items() if old_row[column] != value}
        if not changed:
            return "unchanged", stored
        if not any(column in changed for column in ("content_hash", "title", "text")):
            connection.execute(update(t.articles).where(t.articles.c.id == article.id).values(changed))
            return "unchanged", article
        revisions = t.article_revisions
        superseded = connection.execute(
            select(revisions.c.stored_order).where(
                revisions.c.article_id == article.id,
                revisions.c.content_hash == article.content_hash,
                revisions.c.title == article.title,
            )
        ).first()
        if superseded is not None:
            # A copy of a version already replaced (an old feed entry read again) must not roll the
            # article back: that would make every rerun flip between versions.
            return "unchanged", stored
        last = connection.execute(
            select(func.max(revisions.c.stored_order)).where(revisions.c.article_id == article.id)
        ).scalar_one()
        if article.published < stored.published:
            # An older version seen late: kept, but the version published last stays current, so the
            # outcome does not depend on the order the inputs were read in.
            kept = article
        else:
            kept = stored
            connection.execute(update(t.articles).where(t.articles.c.id == article.id).values(changed))
        connection.execute(
            insert(revisions).values(
                article_id=article.id,
                stored_order=(last or 0) + 1,
                content_hash=kept.content_hash,
                title=kept.title,
                text=kept.text,
            )
        )
        return ("unchanged", stored) if kept is article else ("revised", article)

    def _select_articles(self, connection: Connection, ids: Sequence[str] | None) -> list[Article]:
        if ids is None:
            rows = list(connection.execute(select(t.articles)))
        else:
            rows = []
            for chunk in _chunks(ids):
                rows.extend(connection.execute(select(t.articles).where(t.articles.c.id.in_(chunk))))
        return [_article_from_row(row) for row in rows]

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Stored articles (all, or those of ``ids`` that exist) in (published, id) order."""
        with self._reading() as connection:
            found = self._select_articles(connection, None if ids is None else list(dict.fromkeys(ids)))
        return sorted(found, key=lambda a: (a.published, a.id))

    def articles_since(self, since: datetime | None) -> list[Article]:
        """Stored articles published at or after ``since`` (all when None), in (published, id) order;
        read through the (published, id) index, so a week of a large archive costs a week."""
        query = select(t.articles).order_by(t.articles.c.published, t.articles.c.id)
        if since is not None:
            query = query.where(t.articles.c.published >= since)
        with self._reading() as connection:
            return [_article_from_row(row) for row in connection.execute(query)]

    def newest_published(self) -> datetime | None:
        """When the most recently published stored article was published (None for an empty store)."""
        with self._reading() as connection:
            newest: datetime | None = connection.execute(select(func.max(t.articles.c.published))).scalar()
        return newest

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def has_version(self, article_id: str, content_hash: str) -> bool:
        """Whether this exact text of the article is stored, as its current version or a superseded one
        (an ingest can then skip a report it has already seen, old or new)."""
        revisions = t.article_revisions
        with self._reading() as connection:
            current = connection.execute(
                select(t.articles.c.id).where(
                    t.articles.c.id == article_id, t.articles.c.content_hash == content_hash
                )
            ).first()
            if current is not None:
                return True
            superseded = connection.execute(
                select(revisions.c.stored_order)
                .where(revisions.c.article_id == article_id, revisions.c.content_hash == content_hash)
                .limit(1)
            ).first()
            return superseded is not None

    def article_revisions(self, article_id: str) -> list[ArticleRevision]:
        """Superseded versions of an article, oldest first (the current one is ``article(id)``)."""
        revisions = t.article_revisions
        with self._reading() as connection:
            rows = connection.execute(
                select(
                    revisions.c.content_hash, revisions.c.title, revisions.c.text, revisions.c.stored_order
                )
                .where(revisions.c.article_id == article_id)
                .order_by(revisions.c.stored_order)
            )
            return [ArticleRevision(r.content_hash, r.title, r.text, r.stored_order) for r in rows]

    # --------------------------------------------------------------------------------- dedupe

    def record_dedupe(self, decision: DedupeDecision, article: Article) -> None:
        """Keep a dedupe decision, also for a dropped duplicate that is never stored as an article."""
        self.record_dedupes([(decision, article)])

    def record_dedupes(self, decisions: Iterable[tuple[DedupeDecision, Article]]) -> None:
        """``record_dedupe`` for each pair, in one transaction."""
        table = t.dedupe_decisions
        with self._writing() as connection:
            for decision, article in decisions:
                if decision.article_id != article.id:
                    raise ValueError(f"decision for {decision.article_id} given with article {article.id}")
                row = {
                    "article_id": article.id,
                    "content_hash": article.content_hash,
                    "outlet": article.outlet,
                    "published": article.published,
                    "status": decision.status.value,
                    "family": decision.family,
                    "duplicate_of": decision.duplicate_of,
                    "similarity": decision.similarity,
                }
                key = and_(table.c.article_id == article.id, table.c.content_hash == article.content_hash)
                stored = connection.execute(select(table).where(key)).first()
                if stored is None:
                    connection.execute(insert(table).values(row))
                    continue
                changed = {column: value for column, value in row.items() if stored._mapping[column] != value}
                if changed:
                    connection.execute(update(table).where(key).values(changed))

    def dedupe_decisions(self) -> list[DedupeDecision]:
        """Every recorded decision, in the order first recorded."""
        table = t.dedupe_decisions
        with self._reading() as connection:
            rows = connection.execute(select(table).order_by(table.c.seq))
            return [
                DedupeDecision(
                    article_id=r.article_id,
                    status=DedupeStatus(r.status),
                    family=r.family,
                    duplicate_of=r.duplicate_of,
                    similarity=r.similarity,
                )
                for r in rows
            ]

    def families(self) -> dict[str, str]:
        """Syndication family of every article known (stored or dropped): the latest decision wins."""
        table = t.dedupe_decisions
        with self._reading() as connection:
            result = {
                r.id: r.family
                for r in connection.execute(
                    select(t.articles.c.id, t.articles.c.family).where(t.articles.c.family.is_not(None))
                )
            }
            for r in connection.execute(select(table.c.article_id, table.c.family).order_by(table.c.seq)):
                result[r.article_id] = r.family
        return dict(sorted(result.items()))

    # -------------------------------------------------------------------------------- stories

    def save_stories(self, new_stories: Sequence[Story]) -> StoryChanges:
        """Make ``new_stories`` the current membership of their articles, recording each change.

        A given story is ``created`` (none of its articles was in a story), ``grew`` (kept all its
        articles and gained unclaimed ones), ``merged`` (holds articles of other stored stories),
        ``split`` (lost some of its articles to other stories, or was cut out of one), ``reordered``
        (same articles, new order), or unchanged. A stored story that is not given keeps its
        articles, except those a given story now holds: it is ``split`` when some remain and
        ``retired`` when none do (its row, history and briefs stay).
        """
        by_id: dict[str, Story] = {}
        claimed: dict[str, str] = {}
        for story in new_stories:
            if story.id in by_id:
                raise StorageError(self.location, f"story {story.id} is given twice")
            by_id[story.id] = story
            for article_id in story.article_ids:
                if article_id in claimed and claimed[article_id] != story.id:
                    raise StorageError(
                        self.location,
                        f"article {article_id} is in both story {claimed[article_id]} and {story.id}",
                    )
                claimed[article_id] = story.id

        with self._writing() as connection:
            self._require_articles(connection, {a: f"story {s}" for a, s in claimed.items()})
            # Only the given stories and those holding their articles can change: just these are read
            # (through the keys and the article index), so saving a few stories costs those stories, not
            # every stored one.
            involved = set(by_id)
            for chunk in _chunks(sorted(claimed)):
                involved.update(
                    connection.execute(
                        select(t.story_members.c.story_id).where(t.story_members.c.article_id.in_(chunk))
                    ).scalars()
                )
            stored: dict[str, Row[Any]] = {}
            members: dict[str, list[str]] = defaultdict(list)
            owner: dict[str, str] = {}
            for chunk in _chunks(sorted(involved)):
                stored.update(
                    (r.id, r) for r in connection.execute(select(t.stories).where(t.stories.c.id.in_(chunk)))
                )
                for r in connection.execute(
                    select(t.story_members.c.story_id, t.story_members.c.article_id)
                    .join(t.stories, t.stories.c.id == t.story_members.c.story_id)
                    .where(t.stories.c.active.is_(True), t.story_members.c.story_id.in_(chunk))
                    .order_by(t.story_members.c.story_id, t.story_members.c.position)
                ):
                    members[r.story_id].append(r.article_id)
                    owner[r.article_id] = r.story_id

            events: dict[str, tuple[StoryEventKind, tuple[str, ...]]] = {}
            final: dict[str, Story] = {}
            updated: list[str] = []
            unchanged: list[str] = []
            for story in new_stories:
                old = tuple(members.get(story.id, ()))
                new_set, old_set = set(story.article_ids), set(old)
                others = sorted({owner[a] for a in story.article_ids if a in owner} - {story.id})
                final[story.id] = story
                if not old and not others:
                    events[story.id] = ("created", ())
                elif others and (old or len(others) >= 2):
                    events[story.id] = ("merged", tuple(others))
                elif not old:  # cut from exactly one stored story: all of it (absorbed) or a part
                    source = others[0]
                    whole = set(members[source]) <= new_set
                    events[story.id] = ("merged" if whole else "split", (source,))
                elif not old_set <= new_set:
                    lost_to = {claimed[a] for a in old_set - new_set if a in claimed} - {story.id}
                    events[story.id] = ("split", tuple(sorted(lost_to)))
                elif new_set != old_set:
                    events[story.id] = ("grew", ())
                elif story.article_ids != old:
                    events[story.id] = ("reordered", ())
                else:
                    row = stored[story.id]
                    if (row.first_seen, row.last_seen) != (story.first_seen, story.last_seen):
                        updated.append(story.id)
                    else:
                        unchanged.append(story.id)

            # Stored stories not given lose the articles the given ones hold.
            for story_id, old_members in members.items():
                if story_id in by_id:
                    continue
                remaining = [a for a in old_members if a not in claimed]
                if len(remaining) == len(old_members):
                    continue
                taken_by = tuple(sorted({claimed[a] for a in old_members if a in claimed}))
                if remaining:
                    events[story_id] = ("split", taken_by)
                    final[story_id] = self._shrunk_story(connection, story_id, remaining)
                else:
                    events[story_id] = ("retired", taken_by)

            active_change = self._write_memberships(connection, stored, members, final, events, updated)

        kinds: dict[str, list[str]] = defaultdict(list)
        for story_id, (kind, _related) in events.items():
            kinds[kind].append(story_id)
        return StoryChanges(
            created=tuple(sorted(kinds["created"])),
            grew=tuple(sorted(kinds["grew"])),
            merged=tuple(sorted(kinds["merged"])),
            split=tuple(sorted(kinds["split"])),
            retired=tuple(sorted(kinds["retired"])),
            reordered=tuple(sorted(kinds["reordered"])),
            updated=tuple(sorted(updated)),
            unchanged=tuple(sorted(unchanged)),
            active_change=active_change,
        )

    def _require_articles(self, connection: Connection, named_by: Mapping[str, str]) -> None:
        """Refuse, with a clear message, records that name articles not stored (``named_by``: article
        id -> what names it)."""
        wanted = sorted(named_by)
        found: set[str] = set()
        for chunk in _chunks(wanted):
            found.update(
                connection.execute(select(t.articles.c.id).where(t.articles.c.id.in_(chunk))).scalars()
            )
        missing = [a for a in wanted if a not in found]
        if missing:
            raise StorageError(
                self.location,
                f"{named_by[missing[0]]} names article {missing[0]} that is not stored "
                f"({len(missing)} missing); store articles first",
            )

    def _shrunk_story(self, connection: Connection, story_id: str, remaining: list[str]) -> Story:
        published = {
            r.id: r.published
            for r in connection.execute(
                select(t.articles.c.id, t.articles.c.published).where(t.articles.c.id.in_(remaining))
            )
        }
        ordered = _story_order(remaining, published)
        times = [published[a] for a in ordered]
        return Story(id=story_id, article_ids=ordered, first_seen=min(times), last_seen=max(times))

    def _write_memberships(
        self,
        connection: Connection,
        stored: Mapping[str, Row[Any]],
        members: Mapping[str, list[str]],
        final: Mapping[str, Story],
        events: Mapping[str, tuple[StoryEventKind, tuple[str, ...]]],
        updated: Sequence[str],
    ) -> int:
        """Write the changes; returns how many more active stories there are than before."""
        table = t.story_members
        active_change = 0
        # Deletions first: an article moving between stories must leave before it arrives (it may
        # be in one story at a time).
        for story_id, (kind, _related) in events.items():
            keep = set(final[story_id].article_ids) if story_id in final else set()
            gone = [a for a in members.get(story_id, ()) if a not in keep]
            for chunk in _chunks(gone):
                connection.execute(
                    delete(table).where(table.c.story_id == story_id, table.c.article_id.in_(chunk))
                )
            if kind == "retired":
                connection.execute(update(t.stories).where(t.stories.c.id == story_id).values(active=False))
                active_change -= 1  # only active stories have members to lose

        last_seq: dict[str, int] = {}
        for chunk in _chunks(sorted(events)):
            history = t.story_history
            for r in connection.execute(
                select(history.c.story_id, func.max(history.c.seq).label("seq"))
                .where(history.c.story_id.in_(chunk))
                .group_by(history.c.story_id)
            ):
                last_seq[r.story_id] = r.seq

        # Collected and written as multi-row inserts: stories first, then what refers to them.
        new_stories: list[dict[str, Any]] = []
        new_members: list[dict[str, Any]] = []
        new_history: list[dict[str, Any]] = []
        new_changes: list[dict[str, Any]] = []
        for story_id in sorted(events):
            kind, related = events[story_id]
            story = final.get(story_id)
            seq = last_seq.get(story_id, 0) + 1
            # The version's membership, as what joined and left (a retired story keeps none).
            before = set(members.get(story_id, ()))
            after = set(story.article_ids) if story is not None else set()
            new_changes.extend(
                {"story_id": story_id, "seq": seq, "article_id": article_id, "change": change}
                for change, moved in (("joined", after - before), ("left", before - after))
                for article_id in sorted(moved)
            )
            if story is not None:
                row = {
                    "first_seen": story.first_seen,
                    "last_seen": story.last_seen,
                    "version_key": story.version_key,
                    "active": True,
                }
                if story_id in stored:
                    old = stored[story_id]._mapping
                    changed = {column: value for column, value in row.items() if old[column] != value}
                    if changed:
                        connection.execute(
                            update(t.stories).where(t.stories.c.id == story_id).values(changed)
                        )
                    active_change += 0 if old["active"] else 1
                else:
                    new_stories.append({"id": story_id, **row})
                    active_change += 1
                old_position = {a: position for position, a in enumerate(members.get(story_id, ()))}
                for position, article_id in enumerate(story.article_ids):
                    if article_id not in old_position:
                        new_members.append(
                            {"story_id": story_id, "article_id": article_id, "position": position}
                        )
                    elif old_position[article_id] != position:
                        connection.execute(
                            update(table)
                            .where(table.c.story_id == story_id, table.c.article_id == article_id)
                            .values(position=position)
                        )
            new_history.append(
                {
                    "story_id": story_id,
                    "seq": seq,
                    "event": kind,
                    "version_key": story.version_key if story is not None else stored[story_id].version_key,
                    "article_count": len(story.article_ids) if story is not None else 0,
                    "related": list(related),
                    "members_recorded": True,
                }
            )
        for target, rows in (
            (t.stories, new_stories),
            (table, new_members),
            (t.story_history, new_history),
            (t.story_history_members, new_changes),
        ):
            if rows:
                connection.execute(insert(target), rows)
        for story_id in updated:
            story = final[story_id]
            connection.execute(
                update(t.stories)
                .where(t.stories.c.id == story_id)
                .values(first_seen=story.first_seen, last_seen=story.last_seen)
            )
        return active_change

    def _select_stories(self, connection: Connection, story_id: str | None) -> list[Story]:
        query = select(t.stories).where(t.stories.c.active.is_(True))
        if story_id is not None:
            query = query.where(t.stories.c.id == story_id)
        rows = list(connection.execute(query))
        member_query = select(t.story_members).order_by(
            t.story_members.c.story_id, t.story_members.c.position
        )
        if story_id is not None:
            member_query = member_query.where(t.story_members.c.story_id == story_id)
        members: dict[str, list[str]] = defaultdict(list)
        for m in connection.execute(member_query):
            members[m.story_id].append(m.article_id)
        return [
            Story(id=r.id, article_ids=tuple(members[r.id]), first_seen=r.first_seen, last_seen=r.last_seen)
            for r in rows
        ]

    def stories(self) -> list[Story]:
        """Current stories (retired ones left out) in (first seen, id) order."""
        with self._reading() as connection:
            found = self._select_stories(connection, None)
        return sorted(found, key=lambda s: (s.first_seen, s.id))

    def story(self, story_id: str) -> Story | None:
        """The current story of that id; None when unknown or retired."""
        with self._reading() as connection:
            found = self._select_stories(connection, story_id)
        return found[0] if found else None

    def story_history(self, story_id: str) -> list[StoryEvent]:
        """Every membership change of a story, oldest first."""
        table = t.story_history
        with self._reading() as connection:
            rows = connection.execute(select(table).where(table.c.story_id == story_id).order_by(table.c.seq))
            return [
                StoryEvent(
                    seq=r.seq,
                    event=r.event,
                    version_key=r.version_key,
                    article_count=r.article_count,
                    related=tuple(r.related),
                )
                for r in rows
            ]

    def story_versions(self, story_id: str) -> list[StoryVersion]:
        """The membership of every version of a story (one per history event), oldest first.

        Memberships are replayed from the recorded changes: a version's articles are the previous
        version's plus those that joined and minus those that left at its event; "member" rows (a
        snapshot written when the database was upgraded) give a whole membership. Versions from before
        memberships were recorded have ``article_ids`` None.
        """
        history, changes = t.story_history, t.story_history_members
        with self._reading() as connection:
            events = list(
                connection.execute(
                    select(history.c.seq, history.c.event, history.c.version_key, history.c.members_recorded)
                    .where(history.c.story_id == story_id)
                    .order_by(history.c.seq)
                )
            )
            moved: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
            for change in connection.execute(
                select(changes.c.seq, changes.c.article_id, changes.c.change)
                .where(changes.c.story_id == story_id)
                .order_by(changes.c.seq, changes.c.article_id)
            ):
                moved[change.seq][change.change].append(change.article_id)
            ids = sorted({a for by_change in moved.values() for found in by_change.values() for a in found})
            published: dict[str, Any] = {}
            for chunk in _chunks(ids):
                for row in connection.execute(
                    select(t.articles.c.id, t.articles.c.published).where(t.articles.c.id.in_(chunk))
                ):
                    published[row.id] = row.published
        versions: list[StoryVersion] = []
        current: set[str] | None = set()  # a story's first event starts from nothing
        for r in events:
            changed = moved.get(r.seq, {})
            previous = current
            if not r.members_recorded:
                current = None
            elif "member" in changed or previous is None:
                # A snapshot: the upgrade wrote one at each story's newest event, so a recorded event
                # right after unrecorded ones holds one (empty for a retired story).
                current = set(changed.get("member", ()))
            else:
                assert current is not None
                current = (current | set(changed.get("joined", ()))) - set(changed.get("left", ()))
            joined = left = None
            if previous is not None and current is not None and "member" not in changed:
                joined = _story_order(current - previous, published)
                left = _story_order(previous - current, published)
            versions.append(
                StoryVersion(
                    seq=r.seq,
                    event=r.event,
                    version_key=r.version_key,
                    article_ids=None if current is None else _story_order(current, published),
                    joined=joined,
                    left=left,
                )
            )
        return versions

    def story_version(self, story_id: str, version_key: str) -> StoryVersion | None:
        """The newest version of a story with that key (a brief's ``story_version``); None if none."""
        found = [v for v in self.story_versions(story_id) if v.version_key == version_key]
        return found[-1] if found else None

    # ------------------------------------------------------------------------ extraction, enrich

    def save_extraction(self, extraction: Extraction) -> bool:
        """Store what extraction found in an article, replacing an earlier extraction; True if written."""
        return self.save_extractions([extraction]) == 1

    def save_extractions(self, extractions: Iterable[Extraction]) -> int:
        """Store many extractions in one transaction, each replacing an earlier one of its article (the
        last of repeated articles wins); the number written (those equal to the stored one are not).

        Equal to :meth:`save_extraction` for each, in a few statements per table instead of a transaction
        and seven statements per article.
        """
        latest = {e.article_id: e for e in extractions}
        if not latest:
            return 0
        with self._writing() as connection:
            self._require_articles(connection, dict.fromkeys(latest, "an extraction"))
            # Only a revised article has one stored already; an equal one is not written again.
            stored: dict[str, Extraction] = {}
            for chunk in _chunks(list(latest)):
                stored.update(self._select_extractions(connection, chunk))
            changed = [e for e in latest.values() if stored.get(e.article_id) != e]
            if not changed:
                return 0
            for chunk in _chunks([e.article_id for e in changed]):  # rows of any earlier one
                for table in (t.report_sentences, t.mentions, t.quotes, t.extractions):
                    connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
            markers = [{"article_id": e.article_id, "sentence_count": len(e.sentences)} for e in changed]
            sentences = [
                {"id": s.id, "article_id": s.article_id, "position": s.index, "text": s.text}
                for e in changed
                for s in e.sentences
            ]
            mentions = [
                {
                    "article_id": e.article_id,
                    "position": position,
                    "sentence_id": m.sentence_id,
                    "text": m.text,
                    "label": m.label,
                    "start_char": m.start,
                    "end_char": m.end,
                    "entity_id": m.entity_id,
                }
                for e in changed
                for position, m in enumerate(e.mentions)
            ]
            quotes = [
                {
                    "article_id": e.article_id,
                    "position": position,
                    "sentence_id": q.sentence_id,
                    "speaker": q.speaker,
                    "text": q.text,
                }
                for e in changed
                for position, q in enumerate(e.quotes)
            ]
            for table, rows in (
                (t.extractions, markers),
                (t.report_sentences, sentences),
                (t.mentions, mentions),
                (t.quotes, quotes),
            ):
                if rows:
                    connection.execute(insert(table), rows)
            return len(changed)

    def _select_extractions(
        self, connection: Connection, article_ids: Sequence[str]
    ) -> dict[str, Extraction]:
        """The stored extractions of ``article_ids`` (one chunk: ids without one are left out), in one
        query per table."""
        marked = list(
            connection.execute(
                select(t.extractions.c.article_id).where(t.extractions.c.article_id.in_(article_ids))
            ).scalars()
        )
        if not marked:
            return {}
        sentences: dict[str, list[ReportSentence]] = defaultdict(list)
        for r in connection.execute(
            select(t.report_sentences)
            .where(t.report_sentences.c.article_id.in_(marked))
            .order_by(t.report_sentences.c.article_id, t.report_sentences.c.position)
        ):
            sentences[r.article_id].append(
                ReportSentence(id=r.id, article_id=r.article_id, index=r.position, text=r.text)
            )
        mentions: dict[str, list[Mention]] = defaultdict(list)
        for r in connection.execute(
            select(t.mentions)
            .where(t.mentions.c.article_id.in_(marked))
            .order_by(t.mentions.c.article_id, t.mentions.c.position)
        ):
            mentions[r.article_id].append(
                Mention(
                    sentence_id=r.sentence_id,
                    article_id=r.article_id,
                    text=r.text,
                    label=r.label,
                    start=r.start_char,
                    end=r.end_char,
                    entity_id=r.entity_id,
                )
            )
        quotes: dict[str, list[Quote]] = defaultdict(list)
        for r in connection.execute(
            select(t.quotes)
            .where(t.quotes.c.article_id.in_(marked))
            .order_by(t.quotes.c.article_id, t.quotes.c.position)
        ):
            quotes[r.article_id].append(Quote(sentence_id=r.sentence_id, speaker=r.speaker, text=r.text))
        return {
            article_id: Extraction(
                article_id=article_id,
                sentences=tuple(sentences[article_id]),
                mentions=tuple(mentions[article_id]),
                quotes=tuple(quotes[article_id]),
            )
            for article_id in marked
        }

    def extraction(self, article_id: str) -> Extraction | None:
        with self._reading() as connection:
            return self._select_extractions(connection, [article_id]).get(article_id)

    def sentences(self, ids: Sequence[str]) -> dict[str, ReportSentence]:
        """Stored report sentences by id (ids not found are left out) — what brief citations name."""
        table = t.report_sentences
        found: dict[str, ReportSentence] = {}
        with self._reading() as connection:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                for r in connection.execute(select(table).where(table.c.id.in_(chunk))):
                    found[r.id] = ReportSentence(
                        id=r.id, article_id=r.article_id, index=r.position, text=r.text
                    )
        return found

    def _sync_rows(self, connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows keyed by ``id`` that are new, update those that differ; the number written."""
        latest = {row["id"]: row for row in rows}  # the last of repeated ids wins
        stored: dict[str, Any] = {}
        for chunk in _chunks(list(latest)):
            for r in connection.execute(select(table).where(table.c.id.in_(chunk))):
                stored[r.id] = r._mapping
        written = 0
        for row_id, row in latest.items():
            old = stored.get(row_id)
            if old is None:
                connection.execute(insert(table).values(dict(row)))
                written += 1
                continue
            changed = {column: value for column, value in row.items() if old[column] != value}
            if changed:
                connection.execute(update(table).where(table.c.id == row_id).values(changed))
                written += 1
        return written

    def save_entities(self, entities: Iterable[Entity]) -> int:
        """Store canonical entities keyed by id; the number of rows inserted or changed."""
        with self._writing() as connection:
            return self._sync_rows(connection, t.entities, [_entity_row(e) for e in entities])

    def entity(self, entity_id: str) -> Entity | None:
        found = self.entities([entity_id])
        return found[0] if found else None

    def entities(self, ids: Sequence[str] | None = None) -> list[Entity]:
        """Stored entities (all, or those of ``ids`` that exist) in id order."""
        with self._reading() as connection:
            rows = self._select_by_ids(connection, t.entities, ids)
        return sorted((_entity_from_row(r) for r in rows), key=lambda e: e.id)

    def save_facts(self, facts: Iterable[Fact]) -> int:
        """Store reference facts keyed by id; the number of rows inserted or changed."""
        with self._writing() as connection:
            return self._sync_rows(connection, t.facts, [_fact_row(f) for f in facts])

    def facts(self, ids: Sequence[str] | None = None) -> list[Fact]:
        """Stored facts (all, or those of ``ids`` that exist) in id order."""
        with self._reading() as connection:
            rows = self._select_by_ids(connection, t.facts, ids)
        return sorted((_fact_from_row(r) for r in rows), key=lambda f: f.id)

    def _select_by_ids(
        self, connection: Connection, table: Table, ids: Sequence[str] | None
    ) -> list[Row[Any]]:
        if ids is None:
            return list(connection.execute(select(table)))
        rows: list[Row[Any]] = []
        for chunk in _chunks(list(dict.fromkeys(ids))):
            rows.extend(connection.execute(select(table).where(table.c.id.in_(chunk))))
        return rows

    def save_categories(self, owner_id: str, scores: Sequence[CategoryScore]) -> bool:
        """Replace the category scores of an article or story; True if anything changed."""
        return self.save_categories_of({owner_id: scores}) == 1

    def save_categories_of(self, scores_by_owner: Mapping[str, Sequence[CategoryScore]]) -> int:
        """Replace the category scores of many articles or stories in one transaction; the number of
        owners whose scores changed. Equal to :meth:`save_categories` for each."""
        if not scores_by_owner:
            return 0
        table = t.categories
        with self._writing() as connection:
            having: set[str] = set()
            for chunk in _chunks(list(scores_by_owner)):
                having.update(
                    connection.execute(
                        select(table.c.owner_id).distinct().where(table.c.owner_id.in_(chunk))
                    ).scalars()
                )
            # Owners with scores stored already (a story's, a revised article's) are compared one by one.
            changed = {
                owner: tuple(scores)
                for owner, scores in scores_by_owner.items()
                if (self._select_categories(connection, owner) if owner in having else ()) != tuple(scores)
            }
            for chunk in _chunks([owner for owner in changed if owner in having]):
                connection.execute(delete(table).where(table.c.owner_id.in_(chunk)))
            rows = [
                {
                    "owner_id": owner,
                    "position": position,
                    "slug": score.slug,
                    "label": score.label,
                    "score": score.score,
                    "iptc": codec.to_json_list(score.iptc),
                    "evidence": list(score.evidence),
                }
                for owner, scores in changed.items()
                for position, score in enumerate(scores)
            ]
            if rows:
                connection.execute(insert(table), rows)
            return len(changed)

    def _select_categories(self, connection: Connection, owner_id: str) -> tuple[CategoryScore, ...]:
        rows = connection.execute(
            select(t.categories).where(t.categories.c.owner_id == owner_id).order_by(t.categories.c.position)
        )
        return tuple(
            CategoryScore(
                slug=r.slug,
                label=r.label,
                score=r.score,
                iptc=tuple(codec.iptc_topic_from_json(topic) for topic in r.iptc),
                evidence=tuple(r.evidence),
            )
            for r in rows
        )

    def categories(self, owner_id: str) -> tuple[CategoryScore, ...]:
        """Category scores of an article or story, in the order saved (empty when none)."""
        with self._reading() as connection:
            return self._select_categories(connection, owner_id)

    def categories_of(self, owner_ids: Sequence[str]) -> dict[str, tuple[CategoryScore, ...]]:
        """Category scores of many articles or stories in a few queries (owners with none are left out)."""
        table = t.categories
        found: dict[str, list[CategoryScore]] = defaultdict(list)
        with self._reading() as connection:
            for chunk in _chunks(list(dict.fromkeys(owner_ids))):
                for r in connection.execute(
                    select(table)
                    .where(table.c.owner_id.in_(chunk))
                    .order_by(table.c.owner_id, table.c.position)
                ):
                    found[r.owner_id].append(
                        CategoryScore(
                            slug=r.slug,
                            label=r.label,
                            score=r.score,
                            iptc=tuple(codec.iptc_topic_from_json(topic) for topic in r.iptc),
                            evidence=tuple(r.evidence),
                        )
                    )
        return {owner: tuple(scores) for owner, scores in found.items()}

    def drop_article_categories(self) -> int:
        """Delete the category scores of every article (stories keep theirs); the number of rows deleted."""
        table = t.categories
        with self._writing() as connection:
            result = connection.execute(
                delete(table).where(table.c.owner_id.in_(select(t.articles.c.id).scalar_subquery()))
            )
            return int(result.rowcount or 0)

    # ------------------------------------------------------------------------- bulk extraction

    def extractions(self, article_ids: Sequence[str]) -> dict[str, Extraction]:
        """Stored extractions of many articles in a few queries per chunk (articles without one are
        left out); equal to calling :meth:`extraction` for each."""
        found: dict[str, Extraction] = {}
        with self._reading() as connection:
            for chunk in _chunks(list(dict.fromkeys(article_ids))):
                found.update(self._select_extractions(connection, chunk))
        return found

    def revised_article_ids(self) -> set[str]:
        """Ids of the articles that have ever been revised (a small set: revisions are rare)."""
        with self._reading() as connection:
            return set(connection.execute(select(t.article_revisions.c.article_id).distinct()).scalars())

    # ------------------------------------------------------------------------- pipeline state

    def pipeline_state(self, names: Sequence[str]) -> dict[str, bytes]:
        """The pipeline's saved working state under ``names`` (names never saved are left out)."""
        table = t.pipeline_state
        found: dict[str, bytes] = {}
        with self._reading() as connection:
            for chunk in _chunks(list(dict.fromkeys(names))):
                for r in connection.execute(
                    select(table.c.name, table.c.value).where(table.c.name.in_(chunk))
                ):
                    found[r.name] = bytes(r.value)
        return found

    def save_pipeline_state(self, values: Mapping[str, bytes]) -> None:
        """Replace the pipeline's working state under each name given (in one transaction)."""
        if not values:
            return
        table = t.pipeline_state
        now = datetime.now(UTC)
        with self._writing() as connection:
            names = list(values)
            for chunk in _chunks(names):
                connection.execute(delete(table).where(table.c.name.in_(chunk)))
            connection.execute(
                insert(table),
                [{"name": name, "value": value, "updated_at": now} for name, value in values.items()],
            )

    def drop_pipeline_state(self) -> None:
        """Forget the pipeline's working state: the next run rebuilds it from the stored articles."""
        with self._writing() as connection:
            connection.execute(delete(t.pipeline_state))

    # --------------------------------------------------------------------------------- briefs

    def save_brief(self, brief: Brief) -> Brief:
        """Store a new version of a story's brief and return it with ``version`` set.

        When the latest stored version has the same content (everything but ``version``), nothing is
        written and that version is returned. The story must be stored.
        """
        content_hash = codec.brief_content_hash(brief)
        table = t.briefs
        with self._writing() as connection:
            story_row = connection.execute(
                select(t.stories.c.id).where(t.stories.c.id == brief.story_id).with_for_update()
            ).first()
            if story_row is None:
                raise StorageError(
                    self.location,
                    f"brief names story {brief.story_id} that is not stored; save the story first",
                )
            latest = connection.execute(
                select(table.c.version, table.c.content_hash)
                .where(table.c.story_id == brief.story_id)
                .order_by(table.c.version.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.content_hash == content_hash:
                return replace(brief, version=latest.version)
            version = 1 if latest is None else latest.version + 1
            brief_id = connection.execute(
                insert(table)
                .values(
                    story_id=brief.story_id,
                    version=version,
                    story_version=brief.story_version,
                    content_hash=content_hash,
                    as_of=brief.as_of,
                    writer=brief.writer,
                    report_count=brief.report_count,
                    independent_sources=brief.independent_sources,
                    categories=codec.to_json_list(brief.categories),
                    support=None if brief.support is None else codec.to_json(brief.support),
                    metadata=dict(brief.metadata),
                )
                .returning(table.c.id)
            ).scalar_one()
            if brief.sentences:
                connection.execute(
                    insert(t.brief_sentences),
                    [
                        {
                            "brief_id": brief_id,
                            "position": position,
                            "part": sentence.part.value,
                            "paragraph": sentence.paragraph,
                            "stakeholder": sentence.stakeholder,
                            "text": sentence.text,
                            "citations": codec.to_json_list(sentence.citations),
                        }
                        for position, sentence in enumerate(brief.sentences)
                    ],
                )
        return replace(brief, version=version)

    def _brief_from_row(self, connection: Connection, row: Row[Any]) -> Brief:
        m = row._mapping
        sentences = tuple(
            BriefSentence(
                part=BriefPart(s.part),
                text=s.text,
                citations=codec.citations_from_json(s.citations),
                paragraph=s.paragraph,
                stakeholder=s.stakeholder,
            )
            for s in connection.execute(
                select(t.brief_sentences)
                .where(t.brief_sentences.c.brief_id == m["id"])
                .order_by(t.brief_sentences.c.position)
            )
        )
        return Brief(
            story_id=m["story_id"],
            story_version=m["story_version"],
            sentences=sentences,
            categories=codec.category_scores_from_json(m["categories"]),
            as_of=m["as_of"],
            writer=m["writer"],
            report_count=m["report_count"],
            independent_sources=m["independent_sources"],
            support=None if m["support"] is None else codec.support_report_from_json(m["support"]),
            metadata=dict(m["metadata"]),
            version=m["version"],
        )

    def brief(self, story_id: str, version: int) -> Brief | None:
        """One stored version of a story's brief."""
        table = t.briefs
        with self._reading() as connection:
            row = connection.execute(
                select(table).where(table.c.story_id == story_id, table.c.version == version)
            ).first()
            return None if row is None else self._brief_from_row(connection, row)

    def latest_brief(self, story_id: str) -> Brief | None:
        """The newest version of a story's brief."""
        table = t.briefs
        with self._reading() as connection:
            row = connection.execute(
                select(table).where(table.c.story_id == story_id).order_by(table.c.version.desc()).limit(1)
            ).first()
            return None if row is None else self._brief_from_row(connection, row)

    def latest_briefs(self) -> list[Brief]:
        """The newest brief of every story that has one, in story id order."""
        table = t.briefs
        newest = (
            select(table.c.story_id, func.max(table.c.version).label("version"))
            .group_by(table.c.story_id)
            .subquery()
        )
        with self._reading() as connection:
            rows = connection.execute(
                select(table).join(
                    newest, and_(table.c.story_id == newest.c.story_id, table.c.version == newest.c.version)
                )
            )
            found = [self._brief_from_row(connection, row) for row in rows]
        return sorted(found, key=lambda b: b.story_id)

    def brief_versions(self, story_id: str) -> list[int]:
        """Stored versions of a story's brief, ascending."""
        table = t.briefs
        with self._reading() as connection:
            return list(
                connection.execute(
                    select(table.c.version).where(table.c.story_id == story_id).order_by(table.c.version)
                ).scalars()
            )

    # -------------------------------------------------------------------------------- sources

    def add_source(
        self, location: str, name: str | None = None, every_s: int = 900, *, when: datetime | None = None
    ) -> bool:
        """Register a source to poll every ``every_s`` seconds, first at ``when`` (default: now).

        Adding a known source again updates its name and schedule and keeps its health; ``True`` when
        the source is new.
        """
        if every_s < 1:
            raise InputError(location, f"polling interval must be at least 1 second, not {every_s}")
        now = when if when is not None else datetime.now(UTC)
        table = t.sources
        with self._writing() as connection:
            known = connection.execute(select(table.c.location).where(table.c.location == location)).first()
            if known is not None:
                changes: dict[str, Any] = {"every_s": every_s}
                if name is not None:
                    changes["name"] = name
                connection.execute(update(table).where(table.c.location == location).values(**changes))
                return False
            connection.execute(
                insert(table).values(
                    location=location,
                    name=name,
                    every_s=every_s,
                    added_at=now,
                    next_poll_at=now,
                    consecutive_errors=0,
                    items_seen=0,
                )
            )
            return True

    def sources(self) -> list[WatchedSource]:
        """Every registered source, by location."""
        table = t.sources
        with self._reading() as connection:
            rows = connection.execute(select(table).order_by(table.c.location))
            return [_source_from_row(row) for row in rows]

    def source(self, location: str) -> WatchedSource | None:
        table = t.sources
        with self._reading() as connection:
            row = connection.execute(select(table).where(table.c.location == location)).first()
            return None if row is None else _source_from_row(row)

    def due_sources(self, now: datetime) -> list[WatchedSource]:
        """Sources whose next poll is at or before ``now``, the longest overdue first."""
        table = t.sources
        with self._reading() as connection:
            rows = connection.execute(
                select(table)
                .where(table.c.next_poll_at <= now)
                .order_by(table.c.next_poll_at, table.c.location)
            )
            return [_source_from_row(row) for row in rows]

    def remove_source(self, location: str) -> bool:
        """Stop polling a source (its articles stay); ``False`` when it was not registered."""
        table = t.sources
        with self._writing() as connection:
            result = connection.execute(delete(table).where(table.c.location == location))
            return bool(result.rowcount)

    def record_poll(
        self,
        location: str,
        *,
        ok: bool,
        when: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        items: int = 0,
        error: str | None = None,
        max_backoff_s: int = 86_400,
    ) -> WatchedSource:
        """Record one poll of a source and schedule the next.

        A success resets the error count, adds ``items`` to ``items_seen`` and replaces the validators
        that are given (a 304 answer gives none, so the stored ones stay). A failure counts one more
        error in a row and pushes the next poll back exponentially (``backoff_s``).
        """
        table = t.sources
        with self._writing() as connection:
            row = connection.execute(select(table).where(table.c.location == location)).first()
            if row is None:
                raise NotFoundError(f"{location}: not a registered source (see `wirebrief sources list`)")
            current = _source_from_row(row)
            changes: dict[str, Any]
            if ok:
                changes = {
                    "last_success_at": when,
                    "consecutive_errors": 0,
                    "items_seen": current.items_seen + max(0, items),
                    "next_poll_at": when + timedelta(seconds=current.every_s),
                }
                if etag is not None:
                    changes["etag"] = etag
                if last_modified is not None:
                    changes["last_modified"] = last_modified
            else:
                errors = current.consecutive_errors + 1
                wait = backoff_s(current.every_s, errors, max_backoff_s)
                changes = {
                    "last_error_at": when,
                    "last_error": error or "unknown error",
                    "consecutive_errors": errors,
                    "next_poll_at": when + timedelta(seconds=wait),
                }
            connection.execute(update(table).where(table.c.location == location).values(**changes))
            return replace(current, **changes)

    # --------------------------------------------------------------------------------- counts

    def counts(self) -> dict[str, int]:
        """How much is stored: articles, revisions, duplicates (dropped), stories (current), briefs
        (stories with one), brief_versions (all versions)."""
        dropped = (DedupeStatus.EXACT_DUPLICATE.value, DedupeStatus.NEAR_DUPLICATE.value)
        with self._reading() as connection:

            def scalar(query: Any) -> int:
                return int(connection.execute(query).scalar_one())

            return {
                "articles": scalar(select(func.count()).select_from(t.articles)),
                "revisions": scalar(select(func.count()).select_from(t.article_revisions)),
                # One decision per (article id, content hash): each dropped report version counts once.
                "duplicates": scalar(
                    select(func.count())
                    .select_from(t.dedupe_decisions)
                    .where(t.dedupe_decisions.c.status.in_(dropped))
                ),
                "stories": scalar(
                    select(func.count()).select_from(t.stories).where(t.stories.c.active.is_(True))
                ),
                "briefs": scalar(select(func.count(t.briefs.c.story_id.distinct()))),
                "brief_versions": scalar(select(func.count()).select_from(t.briefs)),
            }


__all__ = [
    "ArticleRevision",
    "Store",
    "StoryChanges",
    "StoryEvent",
    "StoryEventKind",
    "StoryVersion",
    "UpsertResult",
    "WatchedSource",
    "backoff_s",
]
