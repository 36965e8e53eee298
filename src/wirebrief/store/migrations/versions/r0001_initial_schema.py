"""Initial schema: articles and revisions, dedupe decisions, stories with members and history,
extractions, entities, facts, categories, versioned briefs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("outlet", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("family", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
    )
    op.create_index(op.f("ix_articles_content_hash"), "articles", ["content_hash"], unique=False)
    op.create_index(op.f("ix_articles_family"), "articles", ["family"], unique=False)
    op.create_index(op.f("ix_articles_published_id"), "articles", ["published", "id"], unique=False)
    op.create_table(
        "categories",
        sa.Column("owner_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("iptc", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("evidence", sa.JSON(none_as_null=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "position", name=op.f("pk_categories")),
    )
    op.create_table(
        "dedupe_decisions",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("outlet", sa.Text(), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("family", sa.String(), nullable=False),
        sa.Column("duplicate_of", sa.String(), nullable=True),
        sa.Column("similarity", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_dedupe_decisions")),
        sa.UniqueConstraint(
            "article_id", "content_hash", name=op.f("uq_dedupe_decisions_article_id_content_hash")
        ),
    )
    op.create_index(
        op.f("ix_dedupe_decisions_duplicate_of"), "dedupe_decisions", ["duplicate_of"], unique=False
    )
    op.create_index(op.f("ix_dedupe_decisions_family"), "dedupe_decisions", ["family"], unique=False)
    op.create_table(
        "entities",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("aliases", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("external_ids", sa.JSON(none_as_null=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
    )
    op.create_table(
        "facts",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("subject_id", sa.String(), nullable=False),
        sa.Column("subject_name", sa.Text(), nullable=False),
        sa.Column("predicate", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_label", sa.Text(), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("retrieved_at", sa.Date(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts")),
    )
    op.create_index(op.f("ix_facts_subject_id"), "facts", ["subject_id"], unique=False)
    op.create_table(
        "stories",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_key", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.create_index(op.f("ix_stories_active"), "stories", ["active"], unique=False)
    op.create_table(
        "article_revisions",
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("stored_order", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_revisions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "stored_order", name=op.f("pk_article_revisions")),
    )
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("story_version", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("writer", sa.String(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("independent_sources", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("support", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("metadata", sa.JSON(none_as_null=True), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], name=op.f("fk_briefs_story_id_stories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
        sa.UniqueConstraint("story_id", "version", name=op.f("uq_briefs_story_id_version")),
    )
    op.create_table(
        "extractions",
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("sentence_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_extractions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_extractions")),
    )
    op.create_table(
        "mentions",
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sentence_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_mentions_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "position", name=op.f("pk_mentions")),
    )
    op.create_index(op.f("ix_mentions_entity_id"), "mentions", ["entity_id"], unique=False)
    op.create_table(
        "quotes",
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sentence_id", sa.String(), nullable=False),
        sa.Column("speaker", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_quotes_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "position", name=op.f("pk_quotes")),
    )
    op.create_table(
        "report_sentences",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_report_sentences_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_sentences")),
        sa.UniqueConstraint("article_id", "position", name=op.f("uq_report_sentences_article_id_position")),
    )
    op.create_table(
        "story_history",
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("version_key", sa.String(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("related", sa.JSON(none_as_null=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_history_story_id_stories"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("story_id", "seq", name=op.f("pk_story_history")),
    )
    op.create_table(
        "story_members",
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_story_members_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_members_story_id_stories"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("story_id", "article_id", name=op.f("pk_story_members")),
        sa.UniqueConstraint("article_id", name=op.f("uq_story_members_article_id")),
    )
    op.create_table(
        "brief_sentences",
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(), nullable=False),
        sa.Column("paragraph", sa.Integer(), nullable=False),
        sa.Column("stakeholder", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(none_as_null=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brief_id"], ["briefs.id"], name=op.f("fk_brief_sentences_brief_id_briefs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("brief_id", "position", name=op.f("pk_brief_sentences")),
    )


def downgrade() -> None:
    op.drop_table("brief_sentences")
    op.drop_table("story_members")
    op.drop_table("story_history")
    op.drop_table("report_sentences")
    op.drop_table("quotes")
    op.drop_index(op.f("ix_mentions_entity_id"), table_name="mentions")
    op.drop_table("mentions")
    op.drop_table("extractions")
    op.drop_table("briefs")
    op.drop_table("article_revisions")
    op.drop_index(op.f("ix_stories_active"), table_name="stories")
    op.drop_table("stories")
    op.drop_index(op.f("ix_facts_subject_id"), table_name="facts")
    op.drop_table("facts")
    op.drop_table("entities")
    op.drop_index(op.f("ix_dedupe_decisions_family"), table_name="dedupe_decisions")
    op.drop_index(op.f("ix_dedupe_decisions_duplicate_of"), table_name="dedupe_decisions")
    op.drop_table("dedupe_decisions")
    op.drop_table("categories")
    op.drop_index(op.f("ix_articles_published_id"), table_name="articles")
    op.drop_index(op.f("ix_articles_family"), table_name="articles")
    op.drop_index(op.f("ix_articles_content_hash"), table_name="articles")
    op.drop_table("articles")
