"""The meeting occurrences read from each feed, replaced as a whole whenever the feed is read again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from relbot.domain import Attendee, Occurrence
from relbot.store.database import Database
from relbot.store.ledger import iso
from relbot.store.schema import meetings


@dataclass(frozen=True)
class StoredMeeting:
    user_id: str
    feed_id: str
    occurrence: Occurrence


def replace(db: Database, *, user_id: str, feed_id: str, occurrences: Iterable[Occurrence]) -> int:
    """The feed's meetings are now exactly ``occurrences`` (a cancelled or deleted one disappears)."""
    rows = [_row(user_id, feed_id, o) for o in occurrences]
    with db.write() as conn:
        conn.execute(sa.delete(meetings).where((meetings.c.user_id == user_id) & (meetings.c.feed_id == feed_id)))
        if rows:
            conn.execute(sa.insert(meetings), rows)
    return len(rows)


def between(db: Database, start: dt.datetime, end: dt.datetime, *, user_id: str | None = None,
            by_end: bool = False) -> list[StoredMeeting]:
    """Meetings starting (or, with ``by_end``, ending) in [start, end), soonest first."""
    column = meetings.c.end_at if by_end else meetings.c.start_at
    query = sa.select(meetings).where((column >= iso(start)) & (column < iso(end))).order_by(
        meetings.c.start_at, meetings.c.user_id, meetings.c.key)
    if user_id is not None:
        query = query.where(meetings.c.user_id == user_id)
    with db.read() as conn:
        return [StoredMeeting(r.user_id, r.feed_id, _occurrence(r._mapping)) for r in conn.execute(query).all()]


def _row(user_id: str, feed_id: str, o: Occurrence) -> dict[str, object]:
    return dict(user_id=user_id, feed_id=feed_id, key=o.key, uid=o.uid, start_at=iso(o.start), end_at=iso(o.end),
                all_day=o.all_day, title=o.title, description=o.description, location=o.location,
                organizer=o.organizer, sequence=o.sequence, status=o.status,
                attendees=json.dumps([[a.email, a.name, a.partstat] for a in o.attendees]))


def _occurrence(m: sa.RowMapping) -> Occurrence:
    attendees = tuple(Attendee(email=e, name=n, partstat=p) for e, n, p in json.loads(m["attendees"]))
    return Occurrence(uid=m["uid"], key=m["key"], start=dt.datetime.fromisoformat(m["start_at"]),
                      end=dt.datetime.fromisoformat(m["end_at"]), all_day=bool(m["all_day"]), title=m["title"],
                      description=m["description"], location=m["location"], organizer=m["organizer"],
                      attendees=attendees, sequence=int(m["sequence"]), status=m["status"])
