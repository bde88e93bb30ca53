"""Users' calendar feeds and their polling state: what was fetched, when to poll next, who is polling now.

Polling is leased per feed, like the Slack backfills: a syncing process claims the feeds that are due in one
conditional UPDATE each, so any number of `relbot calendar sync` runs and schedulers on any hosts poll each
feed once, and a poller that dies releases its feeds when the lease runs out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from relbot.store.database import Database
from relbot.store.ledger import iso
from relbot.store.schema import calendar_feeds as feeds
from relbot.store.schema import calendar_users, meetings

LEASE = dt.timedelta(minutes=2)  # one feed's fetch and parse take seconds at most


@dataclass(frozen=True)
class Feed:
    user_id: str
    feed_id: str
    url: str  # a secret: never log or show it; show ``label``
    label: str
    owner_email: str | None
    added_at: dt.datetime
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    calendar_name: str | None  # X-WR-CALNAME: Google puts the owner's address there
    timezone: str | None
    polled_at: dt.datetime | None
    ok_at: dt.datetime | None
    expanded_until: dt.datetime | None
    events: int
    failures: int
    permanent: bool
    last_error: str | None
    next_poll_at: dt.datetime

    @property
    def failing(self) -> bool:
        return self.failures > 0


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _feed(row: sa.Row[tuple[object, ...]]) -> Feed:
    m = row._mapping
    return Feed(user_id=m["user_id"], feed_id=m["feed_id"], url=m["url"], label=m["label"],
                owner_email=m["owner_email"], added_at=dt.datetime.fromisoformat(m["added_at"]), etag=m["etag"],
                last_modified=m["last_modified"], body_hash=m["body_hash"], calendar_name=m["calendar_name"],
                timezone=m["timezone"],
                polled_at=_when(m["polled_at"]), ok_at=_when(m["ok_at"]), expanded_until=_when(m["expanded_until"]),
                events=int(m["events"]), failures=int(m["failures"]), permanent=bool(m["permanent"]),
                last_error=m["last_error"], next_poll_at=dt.datetime.fromisoformat(m["next_poll_at"]))


def add(db: Database, *, user_id: str, feed_id: str, url: str, label: str, owner_email: str | None,
        added_by: str | None, now: dt.datetime) -> bool:
    """Registers the feed (polled on the next sync); True if new, False if it was there (its state is reset so
    a reconnected feed is polled at once)."""
    values = dict(url=url, label=label, owner_email=owner_email, added_by=added_by, next_poll_at=iso(now),
                  failures=0, permanent=False, last_error=None, etag=None, last_modified=None, body_hash=None)
    with db.write() as conn:
        existed = conn.scalar(sa.select(sa.func.count()).select_from(feeds).where(
            (feeds.c.user_id == user_id) & (feeds.c.feed_id == feed_id))) or 0
        insert = db.insert(feeds).values(user_id=user_id, feed_id=feed_id, added_at=iso(now), **values)
        conn.execute(insert.on_conflict_do_update(index_elements=["user_id", "feed_id"], set_=values))
    return not existed


def remove(db: Database, *, user_id: str, feed_id: str | None = None) -> int:
    """Removes one of the user's feeds (or all of them) and the meetings read from them; how many feeds."""
    this = feeds.c.user_id == user_id
    held = meetings.c.user_id == user_id
    if feed_id is not None:
        this = this & (feeds.c.feed_id == feed_id)
        held = held & (meetings.c.feed_id == feed_id)
    with db.write() as conn:
        conn.execute(sa.delete(meetings).where(held))
        return int(conn.execute(sa.delete(feeds).where(this)).rowcount or 0)


def listed(db: Database, *, user_id: str | None = None) -> list[Feed]:
    query = sa.select(feeds).order_by(feeds.c.user_id, feeds.c.added_at)
    if user_id is not None:
        query = query.where(feeds.c.user_id == user_id)
    with db.read() as conn:
        return [_feed(row) for row in conn.execute(query).all()]


def claim_due(db: Database, *, owner: str, now: dt.datetime, force: bool = False,
              lease: dt.timedelta = LEASE) -> list[Feed]:
    """The feeds this process polls now: due ones (all with ``force``) that no live poller holds."""
    free = feeds.c.lease_until.is_(None) | (feeds.c.lease_until <= iso(now))
    due = free if force else free & (feeds.c.next_poll_at <= iso(now))
    with db.read() as conn:
        candidates = conn.execute(sa.select(feeds.c.user_id, feeds.c.feed_id).where(due)
                                  .order_by(feeds.c.next_poll_at)).all()
    taken: list[tuple[str, str]] = []
    for user_id, feed_id in candidates:
        this = (feeds.c.user_id == user_id) & (feeds.c.feed_id == feed_id)
        with db.write() as conn:
            got = conn.execute(sa.update(feeds).where(this & due)
                               .values(lease_owner=owner, lease_until=iso(now + lease))).rowcount
        if got == 1:
            taken.append((user_id, feed_id))
    if not taken:
        return []
    mine = sa.select(feeds).where(feeds.c.lease_owner == owner)
    with db.read() as conn:
        rows = {(r.user_id, r.feed_id): _feed(r) for r in conn.execute(mine).all()}
    return [rows[key] for key in taken if key in rows]


def claim_one(db: Database, *, owner: str, user_id: str, feed_id: str, now: dt.datetime,
              lease: dt.timedelta = LEASE) -> Feed | None:
    """This one feed, due or not, unless another poller holds it (or it is gone)."""
    this = (feeds.c.user_id == user_id) & (feeds.c.feed_id == feed_id)
    free = feeds.c.lease_until.is_(None) | (feeds.c.lease_until <= iso(now))
    with db.write() as conn:
        got = conn.execute(sa.update(feeds).where(this & free)
                           .values(lease_owner=owner, lease_until=iso(now + lease))).rowcount
    if got != 1:
        return None
    with db.read() as conn:
        row = conn.execute(sa.select(feeds).where(this)).first()
    return _feed(row) if row else None


def record_success(db: Database, feed: Feed, *, owner: str, now: dt.datetime, next_poll_at: dt.datetime,
                   changed: bool, etag: str | None, last_modified: str | None, body_hash: str | None,
                   calendar_name: str | None, timezone: str | None, events: int | None, skipped: int | None,
                   expanded_until: dt.datetime | None) -> None:
    values: dict[str, object] = dict(
        polled_at=iso(now), ok_at=iso(now), failures=0, permanent=False, last_error=None,
        next_poll_at=iso(next_poll_at), lease_owner=None, lease_until=None)
    if etag is not None or last_modified is not None:
        values.update(etag=etag, last_modified=last_modified)
    if changed:
        values.update(changed_at=iso(now), body_hash=body_hash, calendar_name=calendar_name, timezone=timezone)
    if events is not None:
        values.update(events=events, skipped=skipped or 0)
    if expanded_until is not None:
        values.update(expanded_until=iso(expanded_until))
    _release(db, feed, owner, values)


def record_failure(db: Database, feed: Feed, *, owner: str, now: dt.datetime, next_poll_at: dt.datetime,
                   error: str, permanent: bool) -> None:
    _release(db, feed, owner, dict(
        polled_at=iso(now), failures=feeds.c.failures + 1, permanent=permanent, last_error=error[:300],
        next_poll_at=iso(next_poll_at), lease_owner=None, lease_until=None))


def _release(db: Database, feed: Feed, owner: str, values: dict[str, object]) -> None:
    # Only while this poller still holds the lease: one whose lease ran out must not undo a newer poll.
    this = (feeds.c.user_id == feed.user_id) & (feeds.c.feed_id == feed.feed_id) & (feeds.c.lease_owner == owner)
    with db.write() as conn:
        conn.execute(sa.update(feeds).where(this).values(**values))


def set_lead(db: Database, user_id: str, minutes: int | None, *, now: dt.datetime) -> None:
    insert = db.insert(calendar_users).values(user_id=user_id, lead_minutes=minutes, updated_at=iso(now))
    with db.write() as conn:
        conn.execute(insert.on_conflict_do_update(
            index_elements=["user_id"], set_={"lead_minutes": minutes, "updated_at": iso(now)}))


def set_zone(db: Database, user_id: str, tz: str, *, now: dt.datetime) -> None:
    insert = db.insert(calendar_users).values(user_id=user_id, tz=tz, updated_at=iso(now))
    with db.write() as conn:
        conn.execute(insert.on_conflict_do_update(index_elements=["user_id"],
                                                  set_={"tz": tz, "updated_at": iso(now)}))


def zones(db: Database) -> dict[str, str]:
    """Each user's time zone as last seen in Slack."""
    query = sa.select(calendar_users.c.user_id, calendar_users.c.tz).where(calendar_users.c.tz.is_not(None))
    with db.read() as conn:
        return {str(u): str(z) for u, z in conn.execute(query).all()}


def leads(db: Database) -> dict[str, int]:
    """Each user's own lead time in minutes, where they set one."""
    query = sa.select(calendar_users.c.user_id, calendar_users.c.lead_minutes).where(
        calendar_users.c.lead_minutes.is_not(None))
    with db.read() as conn:
        return {str(u): int(m) for u, m in conn.execute(query).all()}

