"""Read model for pages, API and feeds: the newest brief of each story, its facets, and full-text search.

``story_index`` holds one row per story with a brief, ``story_facets`` what it can be filtered by, and
``read_model_state`` how far both have read the ``briefs`` table. The full-text index ``story_search``
is an FTS5 table on SQLite and a ``tsvector`` table with a GIN index on PostgreSQL (store/search.py);
it is not in ``schema.metadata`` because it differs by backend.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_index",
        sa.Column("doc_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("independent_sources", sa.Integer(), nullable=False),
        sa.Column("advisory_level", sa.Integer(), nullable=True),
        sa.Column("categories", sa.JSON(none_as_null=True), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_story_index")),
        sa.UniqueConstraint("story_id", name=op.f("uq_story_index_story_id")),
    )
    op.create_index(op.f("ix_story_index_as_of_story_id"), "story_index", ["as_of", "story_id"])
    op.create_table(
        "story_facets",
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("facet", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("story_id", "facet", "value", name=op.f("pk_story_facets")),
    )
    op.create_index(op.f("ix_story_facets_facet_value"), "story_facets", ["facet", "value"])
    op.create_table(
        "read_model_state",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("last_brief_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_read_model_state")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE story_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.execute("CREATE TABLE story_search (doc_id integer PRIMARY KEY, body tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_story_search_body ON story_search USING gin (body)")


def downgrade() -> None:
    op.execute("DROP TABLE story_search")
    op.drop_table("read_model_state")
    op.drop_index(op.f("ix_story_facets_facet_value"), table_name="story_facets")
    op.drop_table("story_facets")
    op.drop_index(op.f("ix_story_index_as_of_story_id"), table_name="story_index")
    op.drop_table("story_index")
