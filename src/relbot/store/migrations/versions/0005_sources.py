"""Live sources: each CRM or mailbox relbot syncs (settings, cursor, health, lease), which records each upstream
object became (so an edit replaces them and a deletion removes them), and what could not be filed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NOCASE = "relbot_nocase"


def _name() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="NOCASE"), "sqlite").with_variant(
        sa.Text(collation=NOCASE), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("added_by", sa.Text),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.Column("cursor", sa.Text),
        sa.Column("synced_at", sa.Text),
        sa.Column("ok_at", sa.Text),
        sa.Column("last_report", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("permanent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_error", sa.Text),
        sa.Column("next_sync_at", sa.Text, nullable=False),
        sa.Column("lease_owner", sa.Text),
        sa.Column("lease_until", sa.Text),
    )
    op.create_index("sources_due", "sources", ["next_sync_at"])
    op.create_table(
        "source_objects",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("account", _name(), nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "source_object_records",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("record_id", sa.Text, primary_key=True),
    )
    op.create_index("source_object_records_record", "source_object_records", ["record_id"])
    op.create_table(
        "source_unfiled",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("seen_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("source_unfiled")
    op.drop_index("source_object_records_record", "source_object_records")
    op.drop_table("source_object_records")
    op.drop_table("source_objects")
    op.drop_index("sources_due", "sources")
    op.drop_table("sources")
