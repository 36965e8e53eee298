"""The membership of each story version: which articles joined or left a story at each history event.

Events written before this revision have no recorded membership (``members_recorded`` false). For
each story, the membership at its newest event is known all the same, from ``story_members``: it is
written as "member" rows (a snapshot) at that event, so every later version can be replayed from it.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("story_history") as batch:
        batch.add_column(
            sa.Column("members_recorded", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "story_history_members",
        sa.Column("story_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id", "seq"],
            ["story_history.story_id", "story_history.seq"],
            name=op.f("fk_story_history_members_story_id_story_history"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", "seq", "article_id", name=op.f("pk_story_history_members")),
    )
    _snapshot_current_memberships()


def _snapshot_current_memberships() -> None:
    """Record each story's current membership at its newest history event (two set-based statements)."""
    history = sa.table(
        "story_history",
        sa.column("story_id", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("members_recorded", sa.Boolean()),
    )
    members = sa.table(
        "story_members", sa.column("story_id", sa.String()), sa.column("article_id", sa.String())
    )
    changes = sa.table(
        "story_history_members",
        sa.column("story_id", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("article_id", sa.String()),
        sa.column("change", sa.String()),
    )
    newest = (
        sa.select(history.c.story_id, sa.func.max(history.c.seq).label("seq"))
        .group_by(history.c.story_id)
        .subquery()
    )
    # Only current stories hold members; a retired story's snapshot is empty, but recorded all the same.
    op.execute(
        sa.insert(changes).from_select(
            ["story_id", "seq", "article_id", "change"],
            sa.select(members.c.story_id, newest.c.seq, members.c.article_id, sa.literal("member")).join(
                newest, newest.c.story_id == members.c.story_id
            ),
        )
    )
    later = history.alias("later")
    op.execute(
        sa.update(history)
        .where(~sa.exists().where(later.c.story_id == history.c.story_id, later.c.seq > history.c.seq))
        .values(members_recorded=True)
    )


def downgrade() -> None:
    op.drop_table("story_history_members")
    with op.batch_alter_table("story_history") as batch:
        batch.drop_column("members_recorded")
