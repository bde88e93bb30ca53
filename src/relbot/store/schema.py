"""Every table of the state database, as SQLAlchemy Core metadata: the schema the newest migration builds.

Timestamps are ISO-8601 text in UTC with a fixed format (``2026-11-30T08:00:00+00:00``), so they compare
correctly as text on both SQLite and PostgreSQL and the files written before migrations existed stay
readable. Account names compare without regard to case, as they always have (SQLite's NOCASE; on
PostgreSQL a non-deterministic ICU collation that the first migration creates).
"""

from __future__ import annotations

import sqlalchemy as sa

NOCASE_COLLATION = "relbot_nocase"
AccountName = sa.Text().with_variant(sa.Text(collation="NOCASE"), "sqlite").with_variant(
    sa.Text(collation=NOCASE_COLLATION), "postgresql"
)

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("name", AccountName, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # the Account model as JSON
)

channel_links = sa.Table(
    "channel_links", metadata,
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("account", AccountName, nullable=False),
    sa.Column("linked_by", sa.Text),
    sa.Column("linked_at", sa.Text, nullable=False),
)

brief_snapshots = sa.Table(
    "brief_snapshots", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", AccountName, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Index("brief_snapshots_account", "account", "id"),
)

processed_events = sa.Table(
    "processed_events", metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("seen_at", sa.Text, nullable=False),
    sa.Index("processed_events_seen", "seen_at"),
)

digest_subscriptions = sa.Table(
    "digest_subscriptions", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("day", sa.Integer, sa.CheckConstraint("day BETWEEN 0 AND 6"), nullable=False),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("tz", sa.Text, nullable=False),
    sa.Column("updated_by", sa.Text),
    sa.Column("updated_at", sa.Text, nullable=False),
)

digest_deliveries = sa.Table(
    "digest_deliveries", metadata,
    sa.Column("recipient", sa.Text, primary_key=True),
    sa.Column("week", sa.Text, primary_key=True),
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

digest_stages = sa.Table(
    "digest_stages", metadata,
    sa.Column("account", AccountName, primary_key=True),
    sa.Column("week", sa.Text, primary_key=True),
    sa.Column("stage", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.Text, nullable=False),
)

slack_messages = sa.Table(
    "slack_messages", metadata,
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("ts", sa.Text, primary_key=True),
    sa.Column("account", AccountName, nullable=False),
    sa.Column("saved_at", sa.Text, nullable=False),
    sa.Column("complete", sa.Integer, nullable=False, server_default="1"),
    sa.Column("saver", sa.Text),  # the process saving it while incomplete (host:pid:…)
)

slack_message_records = sa.Table(
    "slack_message_records", metadata,
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("ts", sa.Text, primary_key=True),
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Index("slack_message_records_id", "record_id"),
)

slack_backfills = sa.Table(
    "slack_backfills", metadata,
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("account", AccountName, nullable=False),
    sa.Column("oldest", sa.Text, nullable=False),
    sa.Column("cursor", sa.Text),
    sa.Column("saved", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text),
    # Which process is running it and until when: any replica may resume a backfill, one at a time.
    sa.Column("lease_owner", sa.Text),
    sa.Column("lease_until", sa.Text),
)

# Short-lived state every replica must see: a modal's carried message, the pages a user is about to
# share, an assistant thread's context, a request signature already used. One row per (kind, key).
shared_entries = sa.Table(
    "shared_entries", metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Text, nullable=False),
    sa.Index("shared_entries_expiry", "expires_at"),
)

# One row per (user, rated message): a thumbs up/down on a draft, with what the draft was and the reason given.
# ``target`` names the rated message ("C…/ts"), or the draft itself when Slack did not say which message it was.
feedback = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("rated_at", sa.Text, nullable=False),
    sa.Column("rating", sa.Text, sa.CheckConstraint("rating IN ('up', 'down')"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # brief, questions, checklist, answer, digest
    sa.Column("account", AccountName),
    sa.Column("as_of", sa.Text, nullable=False),
    sa.Column("llm", sa.Boolean, nullable=False),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),  # client text: never logged
    sa.Column("channel_id", sa.Text),
    sa.Column("ts", sa.Text),
    sa.UniqueConstraint("user_id", "target", name="feedback_one_per_message"),
    sa.Index("feedback_rated_at", "rated_at"),
)

# Each user's ICS calendar feeds. ``url`` is a secret (Google's secret address carries its key in the path):
# shown and logged only as ``label``. The poll columns carry the conditional-GET validators and the backoff;
# the lease lets any number of syncing processes poll each feed one at a time.
calendar_feeds = sa.Table(
    "calendar_feeds", metadata,
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
    sa.Index("calendar_feeds_due", "next_poll_at"),
)

# Per-user meeting settings: how many minutes before a client meeting its brief comes (null: the default),
# and the user's time zone, kept so the minute's tick need not ask Slack for it.
calendar_users = sa.Table(
    "calendar_users", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("lead_minutes", sa.Integer),
    sa.Column("tz", sa.Text),  # the user's Slack time zone as last seen: when "the next morning" is
    sa.Column("updated_at", sa.Text, nullable=False),
)

# The meeting occurrences each feed held when last read, over the coming days (rebuilt whenever the feed
# changes or the window moves on). ``key`` stays the same when an occurrence moves.
meetings = sa.Table(
    "meetings", metadata,
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
    sa.Index("meetings_start", "start_at"),
)

# What relbot sent about each meeting: the brief before it, the recap or the nudge after it. One row per
# (user, kind, occurrence, start): a moved meeting has a new start and so gets a new pre-call push.
meeting_deliveries = sa.Table(
    "meeting_deliveries", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, sa.CheckConstraint("kind IN ('precall', 'recap', 'nudge')"), primary_key=True),
    sa.Column("occurrence", sa.Text, primary_key=True),
    sa.Column("start_at", sa.Text, primary_key=True),
    sa.Column("account", AccountName),
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

# The live sources (`relbot sources add`): settings as JSON (never a secret: only where the secret is), the
# cursor the next sync resumes from, the last run's health, and the lease of the process syncing it now.
sources = sa.Table(
    "sources", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("added_by", sa.Text),
    sa.Column("added_at", sa.Text, nullable=False),
    sa.Column("cursor", sa.Text),
    sa.Column("synced_at", sa.Text),
    sa.Column("ok_at", sa.Text),
    sa.Column("last_report", sa.Text),  # JSON counts of the last run that finished
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("permanent", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("last_error", sa.Text),
    sa.Column("next_sync_at", sa.Text, nullable=False),
    sa.Column("lease_owner", sa.Text),
    sa.Column("lease_until", sa.Text),
    sa.Index("sources_due", "next_sync_at"),
)

# Which records each upstream object (a HubSpot note, a Salesforce task, a mailbox message) became, and a
# fingerprint of what it said: an edit replaces its records, a deletion removes them, an unchanged object
# is skipped without re-chunking.
source_objects = sa.Table(
    "source_objects", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("account", AccountName, nullable=False),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)

source_object_records = sa.Table(
    "source_object_records", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Index("source_object_records_record", "record_id"),
)

# Objects no account could be filed to (no mapped company, participants of no or several accounts): shown to
# admins, never stored as anyone's history.
source_unfiled = sa.Table(
    "source_unfiled", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("seen_at", sa.Text, nullable=False),
)
