"""Which account records a Slack message became, so an edit can replace them and a deletion remove them.

Kept in the state DB (its own tables, created here through ``StateDB.connect``) because it must survive
restarts and be shared by every replica. A row is claimed *before* ingesting, so two deliveries of one
message (an event retry, a shortcut clicked twice) store it once. A claim is complete once its records are
set; an incomplete one (its process died mid-save) is taken again by the next delivery. Within a process
saves are serialised (``SlackCapture``); across replicas two saves of one message may both run, which is
harmless: records are content-addressed and upserted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from relbot.store.state import StateDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_messages (
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    account TEXT NOT NULL COLLATE NOCASE,
    saved_at TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (channel_id, ts)
);
CREATE TABLE IF NOT EXISTS slack_message_records (
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (channel_id, ts, record_id)
);
CREATE INDEX IF NOT EXISTS slack_message_records_id ON slack_message_records (record_id);
"""


@dataclass(frozen=True)
class SavedMessage:
    account: str
    record_ids: list[str]


class MessageIndex:
    def __init__(self, state: StateDB) -> None:
        self._state = state
        with state.connect() as db:
            db.executescript(SCHEMA)
            columns = {str(row[1]) for row in db.execute("PRAGMA table_info(slack_messages)")}
            if "complete" not in columns:  # a state DB from before claims could be incomplete
                db.execute("ALTER TABLE slack_messages ADD COLUMN complete INTEGER NOT NULL DEFAULT 1")

    def claim(self, channel_id: str, ts: str, account: str) -> bool:
        """True if this message was not saved before (and is now reserved for ``account``), or if an earlier
        save of it never completed."""
        with self._state.transaction() as db:
            cursor = db.execute(
                "INSERT INTO slack_messages (channel_id, ts, account, saved_at, complete) VALUES (?, ?, ?, ?, 0) "
                "ON CONFLICT (channel_id, ts) DO UPDATE SET account = excluded.account, saved_at = excluded.saved_at "
                "WHERE complete = 0",
                (channel_id, ts, account, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
            return cursor.rowcount == 1

    def set_records(self, channel_id: str, ts: str, record_ids: Sequence[str]) -> None:
        """Completes the claim: the message is saved, as these records."""
        with self._state.transaction() as db:
            db.execute("UPDATE slack_messages SET complete = 1 WHERE channel_id = ? AND ts = ?", (channel_id, ts))
            db.execute("DELETE FROM slack_message_records WHERE channel_id = ? AND ts = ?", (channel_id, ts))
            db.executemany(
                "INSERT OR IGNORE INTO slack_message_records (channel_id, ts, record_id) VALUES (?, ?, ?)",
                [(channel_id, ts, rid) for rid in record_ids],
            )

    def get(self, channel_id: str, ts: str) -> SavedMessage | None:
        with self._state.connect() as db:
            row = db.execute(
                "SELECT account FROM slack_messages WHERE channel_id = ? AND ts = ?", (channel_id, ts)
            ).fetchone()
            if row is None:
                return None
            ids = db.execute(
                "SELECT record_id FROM slack_message_records WHERE channel_id = ? AND ts = ?", (channel_id, ts)
            ).fetchall()
        return SavedMessage(account=str(row[0]), record_ids=[str(r[0]) for r in ids])

    def release(self, channel_id: str, ts: str) -> list[str]:
        """Forget the message; returns its record ids that no other saved message still uses.

        Records are content-addressed: two identical messages on one day share a record, and deleting one
        message must not delete the other's history.
        """
        with self._state.transaction() as db:
            ids = [str(r[0]) for r in db.execute(
                "SELECT record_id FROM slack_message_records WHERE channel_id = ? AND ts = ?", (channel_id, ts)
            )]
            db.execute("DELETE FROM slack_message_records WHERE channel_id = ? AND ts = ?", (channel_id, ts))
            db.execute("DELETE FROM slack_messages WHERE channel_id = ? AND ts = ?", (channel_id, ts))
            still_used = {
                str(r[0]) for rid in ids
                for r in db.execute("SELECT record_id FROM slack_message_records WHERE record_id = ?", (rid,))
            }
        return [rid for rid in ids if rid not in still_used]
