"""Meeting awareness: calendar feeds, per-user lead times, the meetings the feeds hold, and the meeting ledger.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NOCASE = "relbot_nocase"


def _name() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="NOCASE"), "sqlite").with_variant(
        sa.Text(collation=NOCASE), "postgresql")


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("feed_id", sa.Text, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("owner_email", sa.Text),
        sa.Column("added_by", sa.Text),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.Text),
        sa.Column("calendar_name", sa.Text),
        sa.Column("timezone", sa.Text),
        sa.Column("polled_at", sa.Text),
        sa.Column("ok_at", sa.Text),
        sa.Column("changed_at", sa.Text),
        sa.Column("expanded_until", sa.Text),
        sa.Column("events", sa.Integer, nullable=False, server_default="0"),
        sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("permanent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_error", sa.Text),
        sa.Column("next_poll_at", sa.Text, nullable=False),
        sa.Column("lease_owner", sa.Text),
        sa.Column("lease_until", sa.Text),
    )
    op.create_index("calendar_feeds_due", "calendar_feeds", ["next_poll_at"])
    op.create_table(
        "calendar_users",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("lead_minutes", sa.Integer),
        sa.Column("tz", sa.Text),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "meetings",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("feed_id", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("start_at", sa.Text, nullable=False),
        sa.Column("end_at", sa.Text, nullable=False),
        sa.Column("all_day", sa.Boolean, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("location", sa.Text, nullable=False, server_default=""),
        sa.Column("organizer", sa.Text),
        sa.Column("attendees", sa.Text, nullable=False),  # JSON list of {email, name, partstat}
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.Text, nullable=False),
    )
    op.create_index("meetings_start", "meetings", ["start_at"])
    op.create_table(
        "meeting_deliveries",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, sa.CheckConstraint("kind IN ('precall', 'recap', 'nudge')"), primary_key=True),
        sa.Column("occurrence", sa.Text, primary_key=True),
        sa.Column("start_at", sa.Text, primary_key=True),
        sa.Column("account", _name()),
        sa.Column("payload", sa.Text),  # JSON: what the push knew (record ids), so the recap can tell what is new
        sa.Column("status", sa.Text, sa.CheckConstraint("status IN ('claimed', 'sent', 'failed', 'skipped')"),
        nullable=False),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("claimed_at", sa.Text, nullable=False),
        sa.Column("channel", sa.Text),
        sa.Column("ts", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_index("meetings_start", "meetings")
    op.drop_index("calendar_feeds_due", "calendar_feeds")
    op.drop_table("meeting_deliveries")
    op.drop_table("meetings")
    op.drop_table("calendar_users")
    op.drop_table("calendar_feeds")
