"""The schema relbot 0.1 created by hand (CREATE TABLE IF NOT EXISTS): built where missing, so a state file
written before migrations existed is adopted in place with everything in it.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOCASE = "relbot_nocase"


def _name() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="NOCASE"), "sqlite").with_variant(
        sa.Text(collation=NOCASE), "postgresql")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Case-insensitive equality for account names, as SQLite's NOCASE gives (needs PostgreSQL ≥ 12 with ICU).
        op.execute(f"CREATE COLLATION IF NOT EXISTS {NOCASE} "
                   "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)")
    existing = set(sa.inspect(bind).get_table_names())

    def table(name: str, *columns: sa.Column[object] | sa.Constraint) -> bool:
        if name in existing:
            return False
        op.create_table(name, *columns)
        return True

    table("accounts", sa.Column("name", _name(), primary_key=True), sa.Column("data", sa.Text, nullable=False))
    table("channel_links", sa.Column("channel_id", sa.Text, primary_key=True),
          sa.Column("account", _name(), nullable=False), sa.Column("linked_by", sa.Text),
          sa.Column("linked_at", sa.Text, nullable=False))
    if table("brief_snapshots", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("account", _name(), nullable=False), sa.Column("created_at", sa.Text, nullable=False),
             sa.Column("data", sa.Text, nullable=False)):
        op.create_index("brief_snapshots_account", "brief_snapshots", ["account", "id"])
    if table("processed_events", sa.Column("event_id", sa.Text, primary_key=True),
             sa.Column("seen_at", sa.Text, nullable=False)):
        op.create_index("processed_events_seen", "processed_events", ["seen_at"])
    table("digest_subscriptions", sa.Column("user_id", sa.Text, primary_key=True),
          sa.Column("day", sa.Integer, sa.CheckConstraint("day BETWEEN 0 AND 6"), nullable=False),
          sa.Column("at", sa.Text, nullable=False), sa.Column("tz", sa.Text, nullable=False),
          sa.Column("updated_by", sa.Text), sa.Column("updated_at", sa.Text, nullable=False))
    table("digest_deliveries", sa.Column("recipient", sa.Text, primary_key=True),
          sa.Column("week", sa.Text, primary_key=True),
          sa.Column("status", sa.Text, sa.CheckConstraint("status IN ('claimed', 'sent', 'failed', 'skipped')"),
                    nullable=False),
          sa.Column("token", sa.Text, nullable=False),
          sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
          sa.Column("claimed_at", sa.Text, nullable=False), sa.Column("channel", sa.Text),
          sa.Column("ts", sa.Text), sa.Column("error", sa.Text), sa.Column("updated_at", sa.Text, nullable=False))
    table("digest_stages", sa.Column("account", _name(), primary_key=True),
          sa.Column("week", sa.Text, primary_key=True), sa.Column("stage", sa.Text, nullable=False),
          sa.Column("recorded_at", sa.Text, nullable=False))
    if not table("slack_messages", sa.Column("channel_id", sa.Text, primary_key=True),
                 sa.Column("ts", sa.Text, primary_key=True), sa.Column("account", _name(), nullable=False),
                 sa.Column("saved_at", sa.Text, nullable=False),
                 sa.Column("complete", sa.Integer, nullable=False, server_default="1")):
        columns = {c["name"] for c in sa.inspect(bind).get_columns("slack_messages")}
        if "complete" not in columns:  # a file from before message claims could be incomplete
            op.add_column("slack_messages", sa.Column("complete", sa.Integer, nullable=False, server_default="1"))
    if table("slack_message_records", sa.Column("channel_id", sa.Text, primary_key=True),
             sa.Column("ts", sa.Text, primary_key=True), sa.Column("record_id", sa.Text, primary_key=True)):
        op.create_index("slack_message_records_id", "slack_message_records", ["record_id"])
    table("slack_backfills", sa.Column("channel_id", sa.Text, primary_key=True),
          sa.Column("account", _name(), nullable=False), sa.Column("oldest", sa.Text, nullable=False),
          sa.Column("cursor", sa.Text), sa.Column("saved", sa.Integer, nullable=False, server_default="0"),
          sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
          sa.Column("started_at", sa.Text, nullable=False), sa.Column("finished_at", sa.Text))


def downgrade() -> None:
    raise NotImplementedError("the first schema is not removed by a migration; delete the database instead")
