"""Which account records a Slack message became, so an edit can replace them and a deletion remove them.

Kept in the state database because it must survive restarts and be shared by every replica. A row is
claimed *before* ingesting, so two deliveries of one message (an event retry, a shortcut clicked twice)
store it once. A claim is complete once its records are
set; an incomplete one (its process died mid-save) is taken again by the next delivery. Within a process
saves are serialised (``SlackCapture``); across replicas two saves of one message may both run, which is
harmless: records are content-addressed and upserted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from relbot.store.schema import slack_message_records as records
from relbot.store.schema import slack_messages as messages
from relbot.store.state import StateDB


@dataclass(frozen=True)
class SavedMessage:
    account: str
    record_ids: list[str]


class MessageIndex:
    def __init__(self, state: StateDB) -> None:
        self._db = state.db

    def claim(self, channel_id: str, ts: str, account: str) -> bool:
        """True if this message was not saved before (and is now reserved for ``account``), or if an earlier
        save of it never completed."""
        insert = self._db.insert(messages).values(
            channel_id=channel_id, ts=ts, account=account, complete=0,
            saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        upsert = insert.on_conflict_do_update(
            index_elements=["channel_id", "ts"], where=messages.c.complete == 0,
            set_={"account": insert.excluded.account, "saved_at": insert.excluded.saved_at})
        with self._db.write() as conn:
            return conn.execute(upsert).rowcount == 1

    def set_records(self, channel_id: str, ts: str, record_ids: Sequence[str]) -> None:
        """Completes the claim: the message is saved, as these records."""
        with self._db.write() as conn:
            conn.execute(sa.update(messages).where(_message(messages, channel_id, ts)).values(complete=1))
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
