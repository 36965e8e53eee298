"""The store stage: persistence of articles, stories, extractions, facts and versioned briefs.

``Store.open(url)`` opens SQLite (``sqlite:///path/to/wirebrief.db``, WAL mode) or PostgreSQL
(``postgresql+psycopg://user:password@host/db``) and brings the schema up to date with the packaged
Alembic migrations. See docs/storage.md.
"""

from __future__ import annotations

from wirebrief.store.store import (
    ArticleRevision,
    Store,
    StoryChanges,
    StoryEvent,
    StoryEventKind,
    StoryVersion,
    UpsertResult,
    WatchedSource,
    backoff_s,
)

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
