"""The article log: one row per article stored or revised, in commit order, so a run reads what changed since
the last one instead of counting or scanning the archive. Articles already stored are logged once, in
(published, id) order.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_article_log")),
    )
    op.execute(
        "INSERT INTO article_log (article_id, change) "
        "SELECT id, 'stored' FROM articles ORDER BY published, id"
    )


def downgrade() -> None:
    op.drop_table("article_log")
