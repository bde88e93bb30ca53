"""Feedback on drafts: each thumbs up/down from Slack, with what it rated and the optional reason given.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOCASE = "relbot_nocase"


def _name() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="NOCASE"), "sqlite").with_variant(
        sa.Text(collation=NOCASE), "postgresql")


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("rated_at", sa.Text, nullable=False),
        sa.Column("rating", sa.Text, sa.CheckConstraint("rating IN ('up', 'down')"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("account", _name()),
        sa.Column("as_of", sa.Text, nullable=False),
        sa.Column("llm", sa.Boolean, nullable=False),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("channel_id", sa.Text),
        sa.Column("ts", sa.Text),
        sa.UniqueConstraint("user_id", "target", name="feedback_one_per_message"),
    )
    op.create_index("feedback_rated_at", "feedback", ["rated_at"])


def downgrade() -> None:
    op.drop_index("feedback_rated_at", "feedback")
    op.drop_table("feedback")
