"""The meeting ledger: each pre-call brief, recap and nudge goes to each user once per meeting occurrence
(the claim protocol is store/ledger.py's). A moved meeting has a new start, hence a new pre-call row."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

import sqlalchemy as sa

from relbot.store.database import Database
from relbot.store.ledger import Ledger, LedgerClaim, LedgerRow, iso

__all__ = ["KEY", "LEASE", "Kind", "LedgerRow", "claim", "entry", "kinds_done", "ledger", "payload_of", "save_payload",
           "sent_starts", "settled"]
from relbot.store.schema import meeting_deliveries as table

Kind = Literal["precall", "recap", "nudge"]
LEASE = dt.timedelta(minutes=5)  # a brief takes seconds to draft and post; a sender silent this long has died
KEY = ("user_id", "kind", "occurrence", "start_at")


def ledger(db: Database, lease: dt.timedelta = LEASE) -> Ledger:
    return Ledger(db, table, KEY, lease=lease)


def key(user_id: str, kind: Kind, occurrence: str, start: dt.datetime) -> dict[str, str]:
    return {"user_id": user_id, "kind": kind, "occurrence": occurrence, "start_at": iso(start)}


def claim(db: Database, user_id: str, kind: Kind, occurrence: str, start: dt.datetime, *, now: dt.datetime,
          account: str | None, lease: dt.timedelta = LEASE) -> LedgerClaim | None:
    return ledger(db, lease).claim(key(user_id, kind, occurrence, start), now=now, extra={"account": account})


def entry(db: Database, user_id: str, kind: Kind, occurrence: str, start: dt.datetime) -> LedgerRow | None:
    return next(iter(ledger(db).rows(**key(user_id, kind, occurrence, start))), None)


def save_payload(db: Database, c: LedgerClaim, payload: dict[str, Any]) -> None:
    this = sa.and_(*(table.c[name] == c.key[name] for name in KEY))
    with db.write() as conn:
        conn.execute(sa.update(table).where(this).values(payload=json.dumps(payload)))


def payload_of(db: Database, user_id: str, kind: Kind, occurrence: str) -> dict[str, Any] | None:
    """The payload of the newest row of this kind for the occurrence (the last start it was sent for)."""
    query = sa.select(table.c.payload).where(
        (table.c.user_id == user_id) & (table.c.kind == kind) & (table.c.occurrence == occurrence)
        & table.c.payload.is_not(None)).order_by(table.c.start_at.desc()).limit(1)
    with db.read() as conn:
        found = conn.scalar(query)
    return json.loads(found) if found else None


def settled(db: Database, *, since: dt.datetime) -> dict[tuple[str, str], set[str]]:
    """(user, occurrence) -> the kinds sent or skipped for it, over the occurrences starting since ``since``:
    one query for a whole run instead of one per meeting."""
    query = sa.select(table.c.user_id, table.c.occurrence, table.c.kind).where(
        (table.c.start_at >= iso(since)) & table.c.status.in_(("sent", "skipped")))
    found: dict[tuple[str, str], set[str]] = {}
    with db.read() as conn:
        for user_id, occurrence, kind in conn.execute(query).all():
            found.setdefault((str(user_id), str(occurrence)), set()).add(str(kind))
    return found


def kinds_done(db: Database, user_id: str, occurrence: str) -> set[str]:
    """Which kinds went out (or were settled) for this user and occurrence, at any start."""
    query = sa.select(table.c.kind).where((table.c.user_id == user_id) & (table.c.occurrence == occurrence)
                                          & table.c.status.in_(("sent", "skipped")))
    with db.read() as conn:
        return {str(k) for k in conn.scalars(query).all()}


def sent_starts(db: Database, user_id: str, kind: Kind, account: str | None) -> list[tuple[str, dt.datetime]]:
    """(occurrence, start) of what went to this user about this account, oldest start first."""
    query = sa.select(table.c.occurrence, table.c.start_at).where(
        (table.c.user_id == user_id) & (table.c.kind == kind) & (table.c.account == account)
        & (table.c.status == "sent")).order_by(table.c.start_at)
    with db.read() as conn:
        return [(str(o), dt.datetime.fromisoformat(str(s))) for o, s in conn.execute(query).all()]
