"""Read models for the pages, the JSON API and the feeds: story lists with filters, search and cursors.

The list reads ``story_index`` (one row per story with a brief: its newest version's title, headline,
counts and categories) and ``story_facets`` (what a story can be filtered by), which
:func:`refresh_read_model` derives from the ``briefs`` table: it reads the briefs stored since the last
refresh (by brief id), so the writers of briefs need not know about it and a refresh costs what is new.

Pages are cut by a keyset cursor on ``(as_of, story_id)``, newest first: unlike an offset, a page
does not shift when new stories arrive while a reader pages through.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, delete, exists, false, func, insert, or_, select, update

from wirebrief.errors import InputError, NotFoundError
from wirebrief.records import Entity, Fact
from wirebrief.store import codec, search
from wirebrief.store import schema as t
from wirebrief.store.store import Store, _chunks, _entity_from_row, _fact_from_row

MAX_PAGE_SIZE = 200
_STATE = "stories"
ADVISORY_PREDICATE = "travel_advisory_level"
FACETS = ("category", "country", "entity")
# Characters of each report's text that search covers (its lead, where what it is about is said): the
# index grows with the reports, not with their full length.
REPORT_TEXT_INDEXED = 2000


@dataclass(frozen=True, slots=True)
class StoryFilters:
    """What a story list is narrowed to; every field left at None does not filter."""

    category: str | None = None
    country: str | None = None  # entity id of a country
    entity: str | None = None
    since: datetime | None = None  # as_of at or after
    until: datetime | None = None  # as_of before
    min_sources: int | None = None  # independent sources at least
    advisory_level: int | None = None  # highest cited travel-advisory level at least
    q: str | None = None  # full-text query

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links to the next page and to feeds)."""
        out: dict[str, str] = {}
        for name in ("category", "country", "entity", "q"):
            value = getattr(self, name)
            if value:
                out[name] = value
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat()
        for name in ("min_sources", "advisory_level"):
            value = getattr(self, name)
            if value is not None:
                out[name] = str(value)
        return out


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: after the story ``story_id`` whose brief is as of ``as_of``."""

    as_of: datetime
    story_id: str

    def encode(self) -> str:
        raw = f"{self.as_of.isoformat()}|{self.story_id}".encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
            when, _, story_id = raw.partition("|")
            as_of = datetime.fromisoformat(when)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InputError("cursor", f"{token[:40]!r} is not a cursor this server gave") from None
        if not story_id or as_of.tzinfo is None:
            raise InputError("cursor", f"{token[:40]!r} is not a cursor this server gave")
        return cls(as_of, story_id)


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story in a list: its newest brief's title, headline and counts."""

    story_id: str
    version: int
    as_of: datetime
    first_seen: datetime
    title: str
    headline: str
    report_count: int
    independent_sources: int
    advisory_level: int | None
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryPage:
    items: tuple[StorySummary, ...]
    next: Cursor | None = None


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    stories: int


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    reports: int
    latest: datetime | None


@dataclass(frozen=True, slots=True)
class EntityView:
    entity: Entity
    facts: tuple[Fact, ...] = field(default=())


@contextmanager
def _reading(store: Store) -> Iterator[Connection]:
    with store._reading() as connection:
        yield connection


@contextmanager
def _own_transaction(store: Store) -> Iterator[Connection]:
    # Its own connection, never the store's shared one: the web app refreshes from request threads
    # while other threads read through the same Store.
    with store._translated(), store._write_engine.begin() as connection:
        yield connection


# ------------------------------------------------------------------------------------- refresh


def read_model_mark(store: Store) -> int:
    """The id of the newest brief the read model has taken in (0: none); changes whenever it does."""
    with _reading(store) as connection:
        mark = connection.execute(
            select(t.read_model_state.c.last_brief_id).where(t.read_model_state.c.name == _STATE)
        ).scalar()
        return int(mark or 0)


def newest_brief_id(store: Store) -> int:
    with _reading(store) as connection:
        return int(connection.execute(select(func.max(t.briefs.c.id))).scalar() or 0)


def refresh_read_model(store: Store, batch: int = 2000) -> int:
    """Take the briefs stored since the last refresh into the read model; the number of stories updated."""
    updated = 0
    while True:
        with _own_transaction(store) as connection:
            count = _refresh_batch(connection, batch)
        if count is None:
            return updated
        updated += count


def _refresh_batch(connection: Connection, batch: int) -> int | None:
    state = t.read_model_state
    mark_row = connection.execute(select(state.c.last_brief_id).where(state.c.name == _STATE)).first()
    mark = int(mark_row.last_brief_id) if mark_row else 0
    b = t.briefs
    rows = connection.execute(
        select(
            b.c.id,
            b.c.story_id,
            b.c.version,
            b.c.as_of,
            b.c.report_count,
            b.c.independent_sources,
            b.c.categories,
        )
        .where(b.c.id > mark)
        .order_by(b.c.id)
        .limit(batch)
    ).all()
    if not rows:
        return None
    newest: dict[str, Any] = {}
    for row in rows:  # in id order: a story's later version replaces its earlier one
        newest[row.story_id] = row
    for chunk in _chunks(sorted(newest)):
        _index_stories(connection, [newest[story_id] for story_id in chunk])
    if mark_row is None:
        connection.execute(insert(state).values(name=_STATE, last_brief_id=rows[-1].id))
    else:
        connection.execute(update(state).where(state.c.name == _STATE).values(last_brief_id=rows[-1].id))
    return len(newest)


def _index_stories(connection: Connection, rows: Sequence[Any]) -> None:
    story_ids = [row.story_id for row in rows]
    brief_ids = [row.id for row in rows]
    texts: dict[int, list[str]] = defaultdict(list)
    parts: dict[tuple[int, str], list[str]] = defaultdict(list)
    fact_ids: dict[int, set[str]] = defaultdict(set)
    s = t.brief_sentences
    for sentence in connection.execute(
        select(s.c.brief_id, s.c.part, s.c.text, s.c.citations)
        .where(s.c.brief_id.in_(brief_ids))
        .order_by(s.c.brief_id, s.c.position)
    ):
        texts[sentence.brief_id].append(sentence.text)
        parts[(sentence.brief_id, sentence.part)].append(sentence.text)
        for citation in codec.citations_from_json(sentence.citations):
            if citation.kind == "fact":
                fact_ids[sentence.brief_id].add(citation.ref)
    all_fact_ids = sorted({f for ids in fact_ids.values() for f in ids})
    levels: dict[str, int] = {}
    for chunk in _chunks(all_fact_ids):
        for fact in connection.execute(
            select(t.facts.c.id, t.facts.c.value).where(
                t.facts.c.id.in_(chunk), t.facts.c.predicate == ADVISORY_PREDICATE
            )
        ):
            if fact.value.isdigit():
                levels[fact.id] = int(fact.value)
    first_seen = dict(
        connection.execute(
            select(t.stories.c.id, t.stories.c.first_seen).where(t.stories.c.id.in_(story_ids))
        ).all()
    )
    members = t.story_members
    titles: dict[str, list[str]] = defaultdict(list)
    for member in connection.execute(
        select(
            members.c.story_id,
            t.articles.c.title,
            t.articles.c.outlet,
            func.substr(t.articles.c.text, 1, REPORT_TEXT_INDEXED).label("text"),
        )
        .join(t.articles, t.articles.c.id == members.c.article_id)
        .where(members.c.story_id.in_(story_ids))
    ):
        titles[member.story_id].append(f"{member.title} {member.outlet} {member.text}")
    entity_ids: dict[str, set[str]] = defaultdict(set)
    for mention in connection.execute(
        select(members.c.story_id, t.mentions.c.entity_id)
        .join(t.mentions, t.mentions.c.article_id == members.c.article_id)
        .where(members.c.story_id.in_(story_ids), t.mentions.c.entity_id.is_not(None))
        .distinct()
    ):
        entity_ids[mention.story_id].add(mention.entity_id)
    all_entities = sorted({e for ids in entity_ids.values() for e in ids})
    countries: set[str] = set()
    for chunk in _chunks(all_entities):
        countries.update(
            connection.execute(
                select(t.entities.c.id).where(t.entities.c.id.in_(chunk), t.entities.c.kind == "country")
            ).scalars()
        )

    index = t.story_index
    old_docs = list(
        connection.execute(select(index.c.doc_id).where(index.c.story_id.in_(story_ids))).scalars()
    )
    search.remove_documents(connection, old_docs)
    connection.execute(delete(index).where(index.c.story_id.in_(story_ids)))
    connection.execute(delete(t.story_facets).where(t.story_facets.c.story_id.in_(story_ids)))
    index_rows = []
    facet_rows = []
    for row in rows:
        slugs = [c["slug"] for c in row.categories]
        cited_levels = [levels[f] for f in fact_ids.get(row.id, ()) if f in levels]
        index_rows.append(
            {
                "story_id": row.story_id,
                "brief_id": row.id,
                "version": row.version,
                "as_of": row.as_of,
                "first_seen": first_seen.get(row.story_id, row.as_of),
                "title": " ".join(parts.get((row.id, "title"), [])),
                "headline": " ".join(parts.get((row.id, "headline"), [])),
                "report_count": row.report_count,
                "independent_sources": row.independent_sources,
                "advisory_level": max(cited_levels) if cited_levels else None,
                "categories": slugs,
            }
        )
        values = {("category", slug) for slug in slugs}
        for entity_id in entity_ids.get(row.story_id, ()):
            values.add(("entity", entity_id))
            if entity_id in countries:
                values.add(("country", entity_id))
        facet_rows += [{"story_id": row.story_id, "facet": f, "value": v} for f, v in sorted(values)]
    connection.execute(insert(index), index_rows)
    if facet_rows:
        connection.execute(insert(t.story_facets), facet_rows)
    doc_ids = dict(
        connection.execute(
            select(index.c.story_id, index.c.doc_id).where(index.c.story_id.in_(story_ids))
        ).all()
    )
    documents = []
    for row in rows:
        body = " ".join([*texts.get(row.id, []), *titles.get(row.story_id, [])])
        documents.append((doc_ids[row.story_id], body))
    search.add_documents(connection, documents)


# --------------------------------------------------------------------------------------- lists


def _retired() -> Select[tuple[str]]:
    # Few stories are retired: a small set SQLite and PostgreSQL compute once per query, where a join
    # with every current story made SQLite drop the (as_of, story_id) index scan (70 ms at 20k stories).
    return select(t.stories.c.id).where(t.stories.c.active == false())


def _summary(row: Any) -> StorySummary:
    return StorySummary(
        story_id=row.story_id,
        version=row.version,
        as_of=row.as_of,
        first_seen=row.first_seen,
        title=row.title,
        headline=row.headline,
        report_count=row.report_count,
        independent_sources=row.independent_sources,
        advisory_level=row.advisory_level,
        categories=tuple(row.categories),
    )


def list_stories(
    store: Store, filters: StoryFilters = StoryFilters(), *, limit: int = 50, after: Cursor | None = None
) -> StoryPage:
    """Current stories with a brief, newest brief first (ties by story id), narrowed by ``filters``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InputError("limit", f"{limit} is out of range; use 1 to {MAX_PAGE_SIZE}")
    index, facets = t.story_index, t.story_facets
    # A retired story (its reports all went to other stories) keeps its page but leaves the lists.
    query = select(index).where(index.c.story_id.not_in(_retired()))
    for facet in FACETS:
        value = getattr(filters, facet)
        if not value:
            continue
        if filters.q:
            # With a search the matching documents drive the query and each is checked by its primary
            # key: given two IN lists, SQLite probed story_index for every pair of them (36 s at 20k).
            query = query.where(
                exists().where(
                    facets.c.story_id == index.c.story_id, facets.c.facet == facet, facets.c.value == value
                )
            )
        else:
            query = query.where(
                index.c.story_id.in_(
                    select(facets.c.story_id).where(facets.c.facet == facet, facets.c.value == value)
                )
            )
    if filters.since is not None:
        query = query.where(index.c.as_of >= filters.since)
    if filters.until is not None:
        query = query.where(index.c.as_of < filters.until)
    if filters.min_sources is not None:
        query = query.where(index.c.independent_sources >= filters.min_sources)
    if filters.advisory_level is not None:
        query = query.where(index.c.advisory_level >= filters.advisory_level)
    if filters.q:
        matching = search.matching_doc_ids(store.backend, filters.q)
        if matching is None:
            return StoryPage(())
        query = query.where(index.c.doc_id.in_(matching))
    if after is not None:
        query = query.where(
            or_(
                index.c.as_of < after.as_of,
                and_(index.c.as_of == after.as_of, index.c.story_id < after.story_id),
            )
        )
    query = query.order_by(index.c.as_of.desc(), index.c.story_id.desc()).limit(limit + 1)
    with _reading(store) as connection:
        rows = connection.execute(query).all()
    items = tuple(_summary(row) for row in rows[:limit])
    following = Cursor(items[-1].as_of, items[-1].story_id) if len(rows) > limit else None
    return StoryPage(items, following)


def story_summary(store: Store, story_id: str) -> StorySummary | None:
    with _reading(store) as connection:
        row = connection.execute(select(t.story_index).where(t.story_index.c.story_id == story_id)).first()
    return None if row is None else _summary(row)


def facet_values(store: Store, facet: str, limit: int = 500) -> list[FacetValue]:
    """The values of a facet with their number of stories, most stories first."""
    facets = t.story_facets
    count = func.count().label("stories")
    with _reading(store) as connection:
        rows = connection.execute(
            select(facets.c.value, count)
            .where(facets.c.facet == facet, facets.c.story_id.not_in(_retired()))
            .group_by(facets.c.value)
            .order_by(count.desc(), facets.c.value)
            .limit(limit)
        ).all()
        labels: dict[str, str] = {}
        if facet in ("country", "entity"):
            ids = [row.value for row in rows]
            for chunk in _chunks(ids):
                labels.update(
                    connection.execute(
                        select(t.entities.c.id, t.entities.c.name).where(t.entities.c.id.in_(chunk))
                    ).all()
                )
        elif facet == "category":
            labels.update(
                (row.slug, row.label)
                for row in connection.execute(select(t.categories.c.slug, t.categories.c.label).distinct())
            )
    return [FacetValue(row.value, labels.get(row.value, row.value), int(row.stories)) for row in rows]


def entity_view(store: Store, entity_id: str) -> EntityView:
    """An entity with its reference records, newest first; NotFoundError when unknown."""
    with _reading(store) as connection:
        row = connection.execute(select(t.entities).where(t.entities.c.id == entity_id)).first()
        if row is None:
            raise NotFoundError(f"no entity with id {entity_id}")
        facts = [
            _fact_from_row(r)
            for r in connection.execute(select(t.facts).where(t.facts.c.subject_id == entity_id))
        ]
    facts.sort(key=lambda f: (f.as_of is not None, f.as_of, f.predicate), reverse=True)
    return EntityView(_entity_from_row(row), tuple(facts))


def outlets(store: Store) -> list[Outlet]:
    """Outlets with their number of stored reports and the newest one's time, most reports first."""
    a = t.articles
    count = func.count().label("reports")
    with _reading(store) as connection:
        rows = connection.execute(
            select(a.c.outlet, count, func.max(a.c.published).label("latest"))
            .group_by(a.c.outlet)
            .order_by(count.desc(), a.c.outlet)
        ).all()
    return [Outlet(row.outlet, int(row.reports), _aware(row.latest)) for row in rows]


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back max() of a datetime column as text
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def resolve_story_id(store: Store, prefix: str) -> str:
    """The story whose id is ``prefix`` or starts with it; NotFoundError when none or several do."""
    prefix = prefix.strip()
    if not prefix:
        raise NotFoundError("empty story id (see `wirebrief stories`)")
    stories = t.stories
    with _reading(store) as connection:
        if connection.execute(select(stories.c.id).where(stories.c.id == prefix)).first() is not None:
            return prefix
        # Escaped LIKE: an id prefix with % or _ must match literally.
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = list(
            connection.execute(
                select(stories.c.id)
                .where(stories.c.id.like(escaped + "%", escape="\\"))
                .order_by(stories.c.id)
                .limit(6)
            ).scalars()
        )
    if not found:
        raise NotFoundError(f"no story with id {prefix} (see `wirebrief stories`)")
    if len(found) > 1:
        shown = ", ".join(found[:5]) + (", …" if len(found) > 5 else "")
        raise NotFoundError(f"story id prefix {prefix} is ambiguous: {shown}")
    return str(found[0])


__all__ = [
    "ADVISORY_PREDICATE",
    "FACETS",
    "MAX_PAGE_SIZE",
    "Cursor",
    "EntityView",
    "FacetValue",
    "Outlet",
    "StoryFilters",
    "StoryPage",
    "StorySummary",
    "entity_view",
    "facet_values",
    "list_stories",
    "newest_brief_id",
    "outlets",
    "read_model_mark",
    "refresh_read_model",
    "resolve_story_id",
    "story_summary",
]
