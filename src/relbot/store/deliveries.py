"""The digest's delivery ledger: one row per (recipient, ISO week), claimed BEFORE anything is posted.

    claimed ──post ok──► sent            (the Slack message ts is recorded)
       │  └─post failed─► failed ──next run──► claimed (attempt + 1) … up to MAX_ATTEMPTS
       └─ the sender died: still 'claimed' after LEASE ──next run──► claimed (attempt + 1)
    skipped: a guest, or nobody to send to; never retried

A claim is one atomic statement, on SQLite and PostgreSQL alike: an ``INSERT … ON CONFLICT DO NOTHING`` for
a new row, else an ``UPDATE … WHERE`` the row is still claimable (its lock makes a second sender re-check the
condition and find it false), so of several senders (threads, replicas, cron runs) exactly one gets each
claim. An attempt after the first may follow a post whose success was never recorded (a crash between
posting and marking), so the sender checks the DM for it before posting again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from relbot.store.schema import digest_deliveries as deliveries
from relbot.store.state import StateDB

LEASE = dt.timedelta(minutes=10)  # far longer than one digest takes to build and post
MAX_ATTEMPTS = 5  # then the row stays 'failed' and is reported, not retried forever
Status = Literal["claimed", "sent", "failed", "skipped"]


@dataclass(frozen=True)
class Claim:
    recipient: str
    week: str
    token: str  # identifies this attempt: a sender whose lease ran out cannot overwrite a newer one
    attempt: int


@dataclass(frozen=True)
class Entry:
    recipient: str
    week: str
    status: Status
    attempts: int
    claimed_at: dt.datetime
    channel: str | None
    ts: str | None
    error: str | None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def claim(state: StateDB, recipient: str, week: str, *, now: dt.datetime, lease: dt.timedelta = LEASE) -> Claim | None:
    """This sender's claim, or None when the digest is sent, skipped, given up on or being sent elsewhere."""
    token = uuid.uuid4().hex
    db = state.db
    row = deliveries.c
    this = (row.recipient == recipient) & (row.week == week)
    with db.write() as conn:
        insert = db.insert(deliveries).values(recipient=recipient, week=week, status="claimed", token=token,
                                              attempts=1, claimed_at=_iso(now), updated_at=_iso(now))
        if conn.execute(insert.on_conflict_do_nothing(index_elements=["recipient", "week"])).rowcount == 1:
            return Claim(recipient, week, token, 1)
        claimable = (row.status == "failed") | ((row.status == "claimed") & (row.claimed_at <= _iso(now - lease)))
        taken = conn.execute(
            sa.update(deliveries).where(this & claimable & (row.attempts < MAX_ATTEMPTS))
            .values(status="claimed", token=token, attempts=row.attempts + 1, claimed_at=_iso(now),
                    updated_at=_iso(now))
        ).rowcount
        if taken != 1:
            return None
        attempts = conn.scalar(sa.select(row.attempts).where(this))
    return Claim(recipient, week, token, int(attempts or 0))


def mark_sent(state: StateDB, c: Claim, *, channel: str, ts: str, now: dt.datetime) -> None:
    # Recorded even if a newer attempt holds the claim: the message exists, and the newer attempt will find it
    # (or has already recorded it) rather than post again.
    row = deliveries.c
    with state.db.write() as conn:
        conn.execute(
            sa.update(deliveries)
            .where((row.recipient == c.recipient) & (row.week == c.week) & (row.status != "sent"))
            .values(status="sent", channel=channel, ts=ts, error=None, updated_at=_iso(now))
        )


def mark(state: StateDB, c: Claim, status: Literal["failed", "skipped"], reason: str, *, now: dt.datetime) -> None:
    """Only this attempt's own claim: a stale sender must not undo a newer attempt's progress."""
    row = deliveries.c
    with state.db.write() as conn:
        conn.execute(
            sa.update(deliveries)
            .where((row.recipient == c.recipient) & (row.week == c.week) & (row.token == c.token)
                   & (row.status == "claimed"))
            .values(status=status, error=reason[:200], updated_at=_iso(now))
        )


def entry(state: StateDB, recipient: str, week: str) -> Entry | None:
    return next(iter(entries(state, week=week, recipient=recipient)), None)


def entries(state: StateDB, *, week: str | None = None, recipient: str | None = None) -> list[Entry]:
    row = deliveries.c
    query = sa.select(row.recipient, row.week, row.status, row.attempts, row.claimed_at, row.channel, row.ts,
                      row.error).order_by(row.week, row.recipient)
    if week is not None:
        query = query.where(row.week == week)
    if recipient is not None:
        query = query.where(row.recipient == recipient)
    with state.db.read() as conn:
        rows = conn.execute(query).all()
    return [Entry(recipient=r[0], week=r[1], status=r[2], attempts=r[3], claimed_at=dt.datetime.fromisoformat(r[4]),
                  channel=r[5], ts=r[6], error=r[7]) for r in rows]
