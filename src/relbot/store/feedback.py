"""Ratings of drafts (Slack's thumbs up/down), one per user and rated message, with the optional reason.

A second click on the same message changes the rating, so a row is upserted, and a click older than the stored
one (a delayed worker) never overwrites a newer one. The reason, given in a modal after a thumbs down, may arrive
before or after the click is stored: it is kept while the rating stays down and cleared by a thumbs up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa

from relbot.store.schema import feedback as table
from relbot.store.state import StateDB

Rating = Literal["up", "down"]
REASON_CHARS = 2_000


@dataclass(frozen=True)
class Entry:
    user_id: str
    rating: Rating
    kind: str  # what was rated: brief, questions, checklist, answer, digest
    account: str | None
    as_of: str  # ISO date the draft was made as of
    llm: bool  # drafted by the LLM, or offline
    version: str  # relbot's version that drafted it
    rated_at: dt.datetime
    channel_id: str | None = None  # the rated message, where Slack said which it was
    ts: str | None = None
    reason: str | None = None

    @property
    def target(self) -> str:
        if self.channel_id and self.ts:
            return f"{self.channel_id}/{self.ts}"
        return f"draft:{self.kind}|{self.account or ''}|{self.as_of}|{int(self.llm)}|{self.version}"


@dataclass(frozen=True)
class Count:
    kind: str
    llm: bool
    up: int
    down: int


@dataclass(frozen=True)
class Summary:
    start: dt.date
    end: dt.date | None  # exclusive; None: up to now
    counts: list[Count] = field(default_factory=list)  # per kind, offline before LLM
    reasons: list[Entry] = field(default_factory=list)  # thumbs down with a reason, oldest first

    @property
    def up(self) -> int:
        return sum(c.up for c in self.counts)

    @property
    def down(self) -> int:
        return sum(c.down for c in self.counts)

    def down_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.counts:
            if c.down:
                out[c.kind] = out.get(c.kind, 0) + c.down
        return out


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def record(state: StateDB, entry: Entry) -> bool:
    """Store a rating (and its reason, when given); False when a newer rating of that message is stored."""
    reason = (entry.reason or "").strip()[:REASON_CHARS] or None
    insert = state.db.insert(table).values(
        user_id=entry.user_id, target=entry.target, rated_at=_iso(entry.rated_at), rating=entry.rating,
        kind=entry.kind, account=entry.account, as_of=entry.as_of, llm=entry.llm, version=entry.version,
        reason=reason, channel_id=entry.channel_id, ts=entry.ts)
    new, old = insert.excluded, table.c
    upsert = insert.on_conflict_do_update(
        index_elements=["user_id", "target"], where=old.rated_at <= new.rated_at,
        set_={"rating": new.rating, "rated_at": new.rated_at,
              "reason": sa.case((new.rating == "up", sa.null()), else_=sa.func.coalesce(new.reason, old.reason))})
    with state.db.write() as conn:
        return bool(conn.execute(upsert).rowcount == 1)


def _window(start: dt.date, end: dt.date | None) -> sa.ColumnElement[bool]:
    since = table.c.rated_at >= start.isoformat()
    return since if end is None else since & (table.c.rated_at < end.isoformat())


def since(state: StateDB, start: dt.date, end: dt.date | None = None) -> list[Entry]:
    """Ratings given on or after ``start`` (and before ``end``), oldest first."""
    c = table.c
    query = sa.select(c.user_id, c.rating, c.kind, c.account, c.as_of, c.llm, c.version, c.rated_at, c.channel_id,
                      c.ts, c.reason).where(_window(start, end)).order_by(c.rated_at, c.id)
    with state.db.read() as conn:
        rows = conn.execute(query).all()
    return [_entry(row) for row in rows]


def summary(state: StateDB, start: dt.date, end: dt.date | None = None) -> Summary:
    c = table.c
    counted = sa.select(c.kind, c.llm, c.rating, sa.func.count()).where(_window(start, end)) \
        .group_by(c.kind, c.llm, c.rating)
    with state.db.read() as conn:
        rows = conn.execute(counted).all()
    tally: dict[tuple[str, bool], dict[str, int]] = {}
    for kind, llm, rating, n in rows:
        tally.setdefault((str(kind), bool(llm)), {"up": 0, "down": 0})[str(rating)] += int(n)
    counts = [Count(kind, llm, t["up"], t["down"]) for (kind, llm), t in sorted(tally.items())]
    reasons = [e for e in since(state, start, end) if e.rating == "down" and e.reason]
    return Summary(start=start, end=end, counts=counts, reasons=reasons)


def _entry(row: Sequence[object]) -> Entry:
    user_id, rating, kind, account, as_of, llm, version, rated_at, channel_id, ts, reason = row
    return Entry(user_id=str(user_id), rating="up" if rating == "up" else "down", kind=str(kind),
                 account=str(account) if account is not None else None, as_of=str(as_of), llm=bool(llm),
                 version=str(version), rated_at=dt.datetime.fromisoformat(str(rated_at)),
                 channel_id=str(channel_id) if channel_id else None, ts=str(ts) if ts else None,
                 reason=str(reason) if reason else None)
