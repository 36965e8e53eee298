"""Sources polled by ``wirebrief watch``: schedule, HTTP validators (ETag, Last-Modified) and health.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("location", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("every_s", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("consecutive_errors", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("items_seen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("location", name=op.f("pk_sources")),
    )
    op.create_index(op.f("ix_sources_next_poll_at"), "sources", ["next_poll_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sources_next_poll_at"), table_name="sources")
    op.drop_table("sources")
