"""The digest's delivery ledger: one row per (recipient, ISO week), claimed before anything is posted
(the claim protocol is store/ledger.py's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from relbot.store.ledger import MAX_ATTEMPTS, Ledger, LedgerClaim, Status
from relbot.store.schema import digest_deliveries
from relbot.store.state import StateDB

LEASE = dt.timedelta(minutes=10)  # far longer than one digest takes to build and post
__all__ = ["LEASE", "MAX_ATTEMPTS", "Claim", "Entry", "claim", "entries", "entry", "mark", "mark_sent"]


@dataclass(frozen=True)
class Claim:
    recipient: str
    week: str
    token: str
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


def _ledger(state: StateDB, lease: dt.timedelta = LEASE) -> Ledger:
    return Ledger(state.db, digest_deliveries, ("recipient", "week"), lease=lease)


def _inner(c: Claim) -> LedgerClaim:
    return LedgerClaim({"recipient": c.recipient, "week": c.week}, c.token, c.attempt)


def claim(state: StateDB, recipient: str, week: str, *, now: dt.datetime, lease: dt.timedelta = LEASE) -> Claim | None:
    """This sender's claim, or None when the digest is sent, skipped, given up on or being sent elsewhere."""
    got = _ledger(state, lease).claim({"recipient": recipient, "week": week}, now=now)
    return Claim(recipient, week, got.token, got.attempt) if got else None


def mark_sent(state: StateDB, c: Claim, *, channel: str, ts: str, now: dt.datetime) -> None:
    _ledger(state).mark_sent(_inner(c), channel=channel, ts=ts, now=now)


def mark(state: StateDB, c: Claim, status: Literal["failed", "skipped"], reason: str, *, now: dt.datetime) -> None:
    _ledger(state).mark(_inner(c), status, reason, now=now)


def entry(state: StateDB, recipient: str, week: str) -> Entry | None:
    return next(iter(entries(state, week=week, recipient=recipient)), None)


def entries(state: StateDB, *, week: str | None = None, recipient: str | None = None) -> list[Entry]:
    where = {name: value for name, value in (("week", week), ("recipient", recipient)) if value is not None}
    return [Entry(recipient=r.key["recipient"], week=r.key["week"], status=r.status, attempts=r.attempts,
                  claimed_at=r.claimed_at, channel=r.channel, ts=r.ts, error=r.error)
            for r in _ledger(state).rows(**where)]
