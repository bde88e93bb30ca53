"""Which account records a Slack message became, so an edit can replace them and a deletion remove them.

Kept in the state database because it must survive restarts and be shared by every replica. A row is
claimed *before* ingesting, so two deliveries of one message (an event retry, a shortcut clicked twice)
store it once. A claim is complete once its records are
set. An incomplete one belongs to the process saving it (``saver``); the next delivery takes it over once that
process is known to be gone: at once if it ran on this host and has exited, otherwise after ``SAVE_LEASE``
(a save takes seconds). A save that fails releases its claim itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from relbot.store.holders import holder_is_gone, lease_owner
from relbot.store.schema import slack_message_records as records
from relbot.store.schema import slack_messages as messages
from relbot.store.state import StateDB

SAVE_LEASE = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class SavedMessage:
    account: str
    record_ids: list[str]


class MessageIndex:
    def __init__(self, state: StateDB) -> None:
        self._db = state.db
        self._saver = lease_owner()

    def claim(self, channel_id: str, ts: str, account: str) -> bool:
        """True if this message was not saved before (and is now reserved for ``account``), or if an earlier
        save of it never completed and its saver is gone."""
        now = dt.datetime.now(dt.UTC)
        c = messages.c
        with self._db.read() as conn:
            saver = conn.scalar(sa.select(c.saver).where(_message(messages, channel_id, ts) & (c.complete == 0)))
        abandoned = (c.saved_at <= (now - SAVE_LEASE).isoformat(timespec="seconds")) | c.saver.is_(None)
        if saver and holder_is_gone(saver):
            abandoned = abandoned | (c.saver == saver)
        insert = self._db.insert(messages).values(
            channel_id=channel_id, ts=ts, account=account, complete=0, saver=self._saver,
            saved_at=now.isoformat(timespec="seconds"))
        upsert = insert.on_conflict_do_update(
            index_elements=["channel_id", "ts"], where=(c.complete == 0) & abandoned,
            set_={"account": insert.excluded.account, "saved_at": insert.excluded.saved_at,
                  "saver": insert.excluded.saver})
        with self._db.write() as conn:
            return conn.execute(upsert).rowcount == 1

    def set_records(self, channel_id: str, ts: str, record_ids: Sequence[str]) -> None:
        """Completes the claim: the message is saved, as these records."""
        with self._db.write() as conn:
            conn.execute(sa.update(messages).where(_message(messages, channel_id, ts)).values(complete=1, saver=None))
            conn.execute(sa.delete(records).where(_message(records, channel_id, ts)))
            for rid in dict.fromkeys(record_ids):
                conn.execute(sa.insert(records).values(channel_id=channel_id, ts=ts, record_id=rid))

    def get(self, channel_id: str, ts: str) -> SavedMessage | None:
        with self._db.read() as conn:
            account = conn.scalar(sa.select(messages.c.account).where(_message(messages, channel_id, ts)))
            if account is None:
                return None
            ids = conn.scalars(sa.select(records.c.record_id).where(_message(records, channel_id, ts))).all()
        return SavedMessage(account=str(account), record_ids=[str(r) for r in ids])

    def release(self, channel_id: str, ts: str) -> list[str]:
        """Forget the message; returns its record ids that no other saved message still uses.

        Records are content-addressed: two identical messages on one day share a record, and deleting one
        message must not delete the other's history.
        """
        with self._db.write() as conn:
            ids = [str(r) for r in conn.scalars(
                sa.select(records.c.record_id).where(_message(records, channel_id, ts)))]
            conn.execute(sa.delete(records).where(_message(records, channel_id, ts)))
            conn.execute(sa.delete(messages).where(_message(messages, channel_id, ts)))
            still_used = set(conn.scalars(
                sa.select(records.c.record_id).where(records.c.record_id.in_(ids)))) if ids else set()
        return [rid for rid in ids if rid not in still_used]


def _message(table: sa.Table, channel_id: str, ts: str) -> sa.ColumnElement[bool]:
    return (table.c.channel_id == channel_id) & (table.c.ts == ts)
