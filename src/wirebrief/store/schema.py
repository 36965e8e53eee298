"""The database schema: one SQLAlchemy Core ``MetaData`` shared by the store and its migrations.

Articles, stories, memberships and briefs are real tables with keys and indexes; nested data that is
only ever read back whole (citations of a brief sentence, IPTC topics of a category, aliases of an
entity, a support report) lives in JSON columns, written by ``wirebrief.store.codec``.

Times are stored in UTC. SQLite has no time-zone type, so ``UTCDateTime`` writes naive UTC there and
gives back aware UTC datetimes on both backends; PostgreSQL gets ``timestamptz``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Explicit constraint names, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, always handed back as an aware UTC datetime (naive input is taken as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        # SQLite would store the offset as text and compare strings; naive UTC sorts correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json() -> JSON:
    # None is SQL NULL, not the JSON text 'null'.
    return JSON(none_as_null=True)


articles = Table(
    "articles",
    metadata,
    Column("id", String, primary_key=True),
    Column("outlet", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("published", UTCDateTime, nullable=False),
    Column("language", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("byline", Text),
    Column("family", String),
    Index(None, "published", "id"),
    Index(None, "content_hash"),
    Index(None, "family"),
)

# Superseded versions of an article; the current version stays in ``articles``.
article_revisions = Table(
    "article_revisions",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("stored_order", Integer, primary_key=True),
    Column("content_hash", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
)

# Every dedupe decision, dropped duplicates included (they are not in ``articles``).
dedupe_decisions = Table(
    "dedupe_decisions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("outlet", Text, nullable=False),
    Column("published", UTCDateTime, nullable=False),
    Column("status", String, nullable=False),
    Column("family", String, nullable=False),
    Column("duplicate_of", String),
    Column("similarity", Double),
    UniqueConstraint("article_id", "content_hash"),
    Index(None, "family"),
    Index(None, "duplicate_of"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String, primary_key=True),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("version_key", String, nullable=False),
    # A retired story's articles all went to other stories; its row stays for its history and briefs.
    Column("active", Boolean, nullable=False),
    Index(None, "active"),
)

story_members = Table(
    "story_members",
    metadata,
    Column("story_id", String, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", String, ForeignKey("articles.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    # An article belongs to at most one story at a time.
    UniqueConstraint("article_id"),
)

story_history = Table(
    "story_history",
    metadata,
    Column("story_id", String, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("event", String, nullable=False),
    Column("version_key", String, nullable=False),
    Column("article_count", Integer, nullable=False),
    Column("related", _json(), nullable=False),
    # Whether story_history_members holds this version's membership: false for events written before
    # wirebrief stored memberships (schema revision 0003), whose membership is unknown.
    Column("members_recorded", Boolean, nullable=False, server_default=false()),
)

# The membership of each story version, as changes: the articles that joined or left the story at
# that event ("joined", "left"), or, once per story written before revision 0003, the whole
# membership at its newest event then ("member"). A version's membership is found by replaying the
# rows of its story from the newest "member" rows (or from nothing) up to its event: storage grows
# with the changes, not with the number of versions times their size.
story_history_members = Table(
    "story_history_members",
    metadata,
    Column("story_id", String, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("article_id", String, primary_key=True),
    Column("change", String, nullable=False),
    ForeignKeyConstraint(
        ["story_id", "seq"], ["story_history.story_id", "story_history.seq"], ondelete="CASCADE"
    ),
)

# One row per article that has been through extraction (an extraction may hold no sentences).
extractions = Table(
    "extractions",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("sentence_count", Integer, nullable=False),
)

report_sentences = Table(
    "report_sentences",
    metadata,
    Column("id", String, primary_key=True),
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    UniqueConstraint("article_id", "position"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("sentence_id", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String, nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("entity_id", String),
    Index(None, "entity_id"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("sentence_id", String, nullable=False),
    Column("speaker", Text),
    Column("text", Text, nullable=False),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String, nullable=False),
    Column("aliases", _json(), nullable=False),
    Column("external_ids", _json(), nullable=False),
)

facts = Table(
    "facts",
    metadata,
    Column("id", String, primary_key=True),
    Column("subject_id", String, nullable=False),
    Column("subject_name", Text, nullable=False),
    Column("predicate", String, nullable=False),
    Column("value", Text, nullable=False),
    Column("value_label", Text),
    Column("issuer", Text, nullable=False),
    Column("source_url", Text, nullable=False),
    Column("as_of", Date),
    Column("retrieved_at", Date, nullable=False),
    Column("statement", Text, nullable=False),
    Column("provider", String, nullable=False),
    Index(None, "subject_id"),
)

# Category scores of an article or a story (``owner_id`` is either; their ids never collide).
categories = Table(
    "categories",
    metadata,
    Column("owner_id", String, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("slug", String, nullable=False),
    Column("label", Text, nullable=False),
    Column("score", Double, nullable=False),
    Column("iptc", _json(), nullable=False),
    Column("evidence", _json(), nullable=False),
)

briefs = Table(
    "briefs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("story_id", String, ForeignKey("stories.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("story_version", String, nullable=False),
    # sha256 of the canonical JSON of the brief without its version: equal content, equal hash.
    Column("content_hash", String, nullable=False),
    Column("as_of", UTCDateTime, nullable=False),
    Column("writer", String, nullable=False),
    Column("report_count", Integer, nullable=False),
    Column("independent_sources", Integer, nullable=False),
    Column("categories", _json(), nullable=False),
    Column("support", _json()),
    Column("metadata", _json(), nullable=False),
    UniqueConstraint("story_id", "version"),
)

brief_sentences = Table(
    "brief_sentences",
    metadata,
    Column("brief_id", Integer, ForeignKey("briefs.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("part", String, nullable=False),
    Column("paragraph", Integer, nullable=False),
    Column("stakeholder", Text),
    Column("text", Text, nullable=False),
    Column("citations", _json(), nullable=False),
)

# Feeds and files that ``wirebrief watch`` polls, with their HTTP validators and health.
sources = Table(
    "sources",
    metadata,
    Column("location", String, primary_key=True),  # an http(s) URL or a file path
    Column("name", Text),
    Column("every_s", Integer, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_success_at", UTCDateTime),
    Column("last_error_at", UTCDateTime),
    Column("last_error", Text),
    Column("consecutive_errors", Integer, nullable=False),
    Column("next_poll_at", UTCDateTime, nullable=False),
    Column("items_seen", Integer, nullable=False),
    Index(None, "next_poll_at"),
)

# --- alerts (revision 0006): rules added through the API, the outbox of alert events written in the
# transaction of the brief version that caused them, one delivery per event and channel (its state is
# the delivery log's summary; "dead" rows are the dead letters), every attempt, and endpoint state.
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", String, primary_key=True),
    Column("definition", _json(), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", String, primary_key=True),  # stable_id("evt", rule, story, version): the webhook-id
    Column("rule_id", String, nullable=False),
    Column("story_id", String, nullable=False),
    Column("brief_version", Integer, nullable=False),
    Column("type", String, nullable=False),
    Column("reasons", _json(), nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("data", _json(), nullable=False),  # the brief as publish.brief_to_dict renders it
    Column("text", Text, nullable=False),  # the brief as publish.render_text renders it
    Index(None, "story_id", "rule_id"),
    Index(None, "rule_id", "created_at"),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("event_id", String, ForeignKey("alert_events.id", ondelete="CASCADE"), primary_key=True),
    Column("channel", String, primary_key=True),
    Column("rule_id", String, nullable=False),
    Column("status", String, nullable=False),  # pending, delivered, dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_attempt_at", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("last_status", Integer),
    Column("last_error", Text),
    Index(None, "status", "next_attempt_at"),
    Index(None, "rule_id", "delivered_at"),
)

alert_attempts = Table(
    "alert_attempts",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String, nullable=False),
    Column("channel", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("outcome", String, nullable=False),  # delivered, retry, dead, deferred
    Column("status", Integer),
    Column("error", Text),
    Index(None, "event_id", "channel"),
)

alert_endpoints = Table(
    "alert_endpoints",
    metadata,
    Column("channel", String, primary_key=True),
    Column("disabled_at", UTCDateTime),
    Column("disabled_reason", Text),
)

# --- Read model of the newest brief of each story, for pages, API and feeds (kept by store/queries.py
# from the briefs table, so writers never need to know about it). Derived data: it can be dropped and
# rebuilt from ``briefs`` at any time (``read_model_state`` then starts from 0).
story_index = Table(
    "story_index",
    metadata,
    # The row id the full-text index (store/search.py) keys its documents by.
    Column("doc_id", Integer, primary_key=True, autoincrement=True),
    Column("story_id", String, nullable=False),
    Column("brief_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("as_of", UTCDateTime, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("headline", Text, nullable=False),
    Column("report_count", Integer, nullable=False),
    Column("independent_sources", Integer, nullable=False),
    # Highest travel-advisory level among the records the brief cites (None: it cites none).
    Column("advisory_level", Integer),
    Column("categories", _json(), nullable=False),
    UniqueConstraint("story_id"),
    Index(None, "as_of", "story_id"),
)

# What a story can be filtered by: ("category", slug), ("entity", id), ("country", entity id).
story_facets = Table(
    "story_facets",
    metadata,
    Column("story_id", String, primary_key=True),
    Column("facet", String, primary_key=True),
    Column("value", String, primary_key=True),
    Index(None, "facet", "value"),
)

# How far the read model has read ``briefs`` (the highest brief id taken in).
read_model_state = Table(
    "read_model_state",
    metadata,
    Column("name", String, primary_key=True),
    Column("last_brief_id", Integer, nullable=False),
)

# Working state the pipeline keeps between runs so that a run costs what is new, not what is stored:
# the story clusterer's open window ("clusterer"), and per story the key of the inputs its brief was
# written from ("brief-inputs:<story id>"). Losing a row costs time only (it is rebuilt from the articles).
pipeline_state = Table(
    "pipeline_state",
    metadata,
    Column("name", String, primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- article log (revision 0007): one row per article stored or revised, in commit order, so a run finds
# what changed since the last one by reading the rows after the last ``seq`` it saw (an index range), not
# by counting or scanning the archive. Written in the same transaction as the article.
article_log = Table(
    "article_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String, nullable=False),
    Column("change", String, nullable=False),  # "stored" or "revised"
)

__all__ = [
    "UTCDateTime",
    "alert_attempts",
    "alert_deliveries",
    "alert_endpoints",
    "alert_events",
    "alert_rules",
    "article_log",
    "article_revisions",
    "articles",
    "brief_sentences",
    "briefs",
    "categories",
    "dedupe_decisions",
    "entities",
    "extractions",
    "facts",
    "mentions",
    "metadata",
    "pipeline_state",
    "quotes",
    "read_model_state",
    "report_sentences",
    "sources",
    "stories",
    "story_facets",
    "story_history",
    "story_history_members",
    "story_index",
    "story_members",
]
