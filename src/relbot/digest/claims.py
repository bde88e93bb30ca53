"""The delivery ledger: one row per (recipient, ISO week), claimed in SQLite BEFORE anything is posted.

    claimed ──post ok──► sent            (the Slack message ts is recorded)
       │  └─post failed─► failed ──next run──► claimed (attempt + 1) … up to MAX_ATTEMPTS
       └─ the sender died: still 'claimed' after LEASE ──next run──► claimed (attempt + 1)
    skipped: a guest, or nobody to send to; never retried

``BEGIN IMMEDIATE`` takes the write lock before the row is read, so of several senders (threads, replicas,
cron runs) exactly one gets each claim. An attempt after the first may follow a post whose success was never
recorded (a crash between posting and marking), so the sender checks the DM for it before posting again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from relbot.digest.tables import ensure
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
    with ensure(state).transaction() as db:
        row = db.execute("SELECT status, attempts, claimed_at FROM digest_deliveries WHERE recipient = ? AND week = ?",
                         (recipient, week)).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO digest_deliveries (recipient, week, status, token, attempts, claimed_at, updated_at) "
                "VALUES (?, ?, 'claimed', ?, 1, ?, ?)", (recipient, week, token, _iso(now), _iso(now)),
            )
            return Claim(recipient, week, token, 1)
        status, attempts, claimed_at = str(row[0]), int(row[1]), dt.datetime.fromisoformat(row[2])
        stale = status == "claimed" and now - claimed_at >= lease
        if not (stale or status == "failed") or attempts >= MAX_ATTEMPTS:
            return None
        db.execute(
            "UPDATE digest_deliveries SET status = 'claimed', token = ?, attempts = ?, claimed_at = ?, updated_at = ? "
            "WHERE recipient = ? AND week = ?", (token, attempts + 1, _iso(now), _iso(now), recipient, week),
        )
        return Claim(recipient, week, token, attempts + 1)


def mark_sent(state: StateDB, c: Claim, *, channel: str, ts: str, now: dt.datetime) -> None:
    # Recorded even if a newer attempt holds the claim: the message exists, and the newer attempt will find it
    # (or has already recorded it) rather than post again.
    with ensure(state).transaction() as db:
        db.execute(
            "UPDATE digest_deliveries SET status = 'sent', channel = ?, ts = ?, error = NULL, updated_at = ? "
            "WHERE recipient = ? AND week = ? AND status != 'sent'", (channel, ts, _iso(now), c.recipient, c.week),
        )


def mark(state: StateDB, c: Claim, status: Literal["failed", "skipped"], reason: str, *, now: dt.datetime) -> None:
    """Only this attempt's own claim: a stale sender must not undo a newer attempt's progress."""
    with ensure(state).transaction() as db:
        db.execute(
            "UPDATE digest_deliveries SET status = ?, error = ?, updated_at = ? "
            "WHERE recipient = ? AND week = ? AND token = ? AND status = 'claimed'",
            (status, reason[:200], _iso(now), c.recipient, c.week, c.token),
        )


def entry(state: StateDB, recipient: str, week: str) -> Entry | None:
    return next(iter(entries(state, week=week, recipient=recipient)), None)


def entries(state: StateDB, *, week: str | None = None, recipient: str | None = None) -> list[Entry]:
    query = "SELECT recipient, week, status, attempts, claimed_at, channel, ts, error FROM digest_deliveries WHERE 1=1"
    params: list[str] = []
    for column, value in (("week", week), ("recipient", recipient)):
        if value is not None:
            query += f" AND {column} = ?"
            params.append(value)
    with ensure(state).connect() as db:
        rows = db.execute(query + " ORDER BY week, recipient", params).fetchall()
    return [Entry(recipient=r[0], week=r[1], status=r[2], attempts=r[3], claimed_at=dt.datetime.fromisoformat(r[4]),
                  channel=r[5], ts=r[6], error=r[7]) for r in rows]
