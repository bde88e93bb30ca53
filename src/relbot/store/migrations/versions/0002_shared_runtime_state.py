"""State that lived in one process moves here, so any replica can take any request: short-lived shared
entries (modal payloads, pages to share, assistant thread context, used request signatures), a lease on
each channel backfill, and who is saving a Slack message (so only a dead saver's claim is taken over).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_entries",
        sa.Column("kind", sa.Text, primary_key=True), sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False), sa.Column("expires_at", sa.Text, nullable=False),
    )
    op.create_index("shared_entries_expiry", "shared_entries", ["expires_at"])
    with op.batch_alter_table("slack_backfills") as batch:
        batch.add_column(sa.Column("lease_owner", sa.Text))
        batch.add_column(sa.Column("lease_until", sa.Text))
    with op.batch_alter_table("slack_messages") as batch:
        batch.add_column(sa.Column("saver", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("slack_messages") as batch:
        batch.drop_column("saver")
    with op.batch_alter_table("slack_backfills") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
    op.drop_index("shared_entries_expiry", "shared_entries")
    op.drop_table("shared_entries")
