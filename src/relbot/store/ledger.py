"""An exactly-once delivery ledger: one row per thing to deliver, claimed BEFORE anything is posted.

    claimed ──post ok──► sent            (the Slack message ts is recorded)
       │  └─post failed─► failed ──next run──► claimed (attempt + 1) … up to MAX_ATTEMPTS
       └─ the sender died: still 'claimed' after the lease ──next run──► claimed (attempt + 1)
    skipped: nothing may be sent (a guest, nobody to send to); never retried

A claim is one atomic statement, on SQLite and PostgreSQL alike: an ``INSERT … ON CONFLICT DO NOTHING`` for
a new row, else an ``UPDATE … WHERE`` the row is still claimable (its lock makes a second sender re-check the
condition and find it false), so of several senders (threads, replicas, cron runs) exactly one gets each
claim. An attempt after the first may follow a post whose success was never recorded (a crash between
posting and marking), so the sender checks the DM for it before posting again.

The digest (one row per recipient and ISO week) and the meeting pushes (one per recipient, kind and meeting
occurrence) are two ledgers of this shape over their own tables.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from relbot.store.database import Database

MAX_ATTEMPTS = 5  # then the row stays 'failed' and is reported, not retried forever
Status = Literal["claimed", "sent", "failed", "skipped"]
Key = Mapping[str, str]


@dataclass(frozen=True)
class LedgerClaim:
    key: Key
    token: str  # identifies this attempt: a sender whose lease ran out cannot overwrite a newer one
    attempt: int


@dataclass(frozen=True)
class LedgerRow:
    key: Key
    status: Status
    attempts: int
    claimed_at: dt.datetime
    channel: str | None
    ts: str | None
    error: str | None


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    """Claims over ``table``, whose primary key is ``key_columns`` and which has the columns status, token,
    attempts, claimed_at, channel, ts, error and updated_at."""

    def __init__(self, db: Database, table: sa.Table, key_columns: tuple[str, ...], *, lease: dt.timedelta) -> None:
        self._db = db
        self._table = table
        self._keys = key_columns
        self._lease = lease

    def _this(self, key: Key) -> sa.ColumnElement[bool]:
        return sa.and_(*(self._table.c[name] == key[name] for name in self._keys))

    def claim(self, key: Key, *, now: dt.datetime, extra: Mapping[str, object] | None = None) -> LedgerClaim | None:
        """This sender's claim, or None when it is sent, skipped, given up on or being sent elsewhere.
        ``extra``: other columns to set on a new row."""
        token = uuid.uuid4().hex
        row = self._table.c
        with self._db.write() as conn:
            insert = self._db.insert(self._table).values(
                **{name: key[name] for name in self._keys}, **(extra or {}), status="claimed", token=token,
                attempts=1, claimed_at=iso(now), updated_at=iso(now))
            if conn.execute(insert.on_conflict_do_nothing(index_elements=list(self._keys))).rowcount == 1:
                return LedgerClaim(dict(key), token, 1)
            claimable = (row.status == "failed") | (
                (row.status == "claimed") & (row.claimed_at <= iso(now - self._lease)))
            taken = conn.execute(
                sa.update(self._table).where(self._this(key) & claimable & (row.attempts < MAX_ATTEMPTS))
                .values(status="claimed", token=token, attempts=row.attempts + 1, claimed_at=iso(now),
                        updated_at=iso(now))
            ).rowcount
            if taken != 1:
                return None
            attempts = conn.scalar(sa.select(row.attempts).where(self._this(key)))
        return LedgerClaim(dict(key), token, int(attempts or 0))

    def mark_sent(self, claim: LedgerClaim, *, channel: str, ts: str, now: dt.datetime) -> None:
        # Recorded even if a newer attempt holds the claim: the message exists, and the newer attempt will find
        # it (or has already recorded it) rather than post again.
        with self._db.write() as conn:
            conn.execute(
                sa.update(self._table).where(self._this(claim.key) & (self._table.c.status != "sent"))
                .values(status="sent", channel=channel, ts=ts, error=None, updated_at=iso(now))
            )

    def mark(self, claim: LedgerClaim, status: Literal["failed", "skipped"], reason: str, *, now: dt.datetime) -> None:
        """Only this attempt's own claim: a stale sender must not undo a newer attempt's progress."""
        row = self._table.c
        with self._db.write() as conn:
            conn.execute(
                sa.update(self._table)
                .where(self._this(claim.key) & (row.token == claim.token) & (row.status == "claimed"))
                .values(status=status, error=reason[:200], updated_at=iso(now))
            )

    def rows(self, **where: str) -> list[LedgerRow]:
        row = self._table.c
        query = sa.select(*(row[name] for name in self._keys), row.status, row.attempts, row.claimed_at,
                          row.channel, row.ts, row.error).order_by(*(row[name] for name in self._keys))
        for name, value in where.items():
            query = query.where(row[name] == value)
        with self._db.read() as conn:
            found = conn.execute(query).all()
        n = len(self._keys)
        return [LedgerRow(key=dict(zip(self._keys, r[:n], strict=True)), status=r[n], attempts=r[n + 1],
                          claimed_at=dt.datetime.fromisoformat(r[n + 2]), channel=r[n + 3], ts=r[n + 4],
                          error=r[n + 5]) for r in found]
