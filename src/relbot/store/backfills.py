"""Checkpoints of channel-history backfills, and the lease that lets one process at a time run each.

Any replica may resume an unfinished backfill (at start-up, or when the channel is linked again); the lease,
taken with one conditional UPDATE, makes sure only one of them reads the channel at a time. A process that
dies holding it lets it expire, and the next one resumes from the last checkpoint; a process restarted on the
same host takes it over at once, since it can see that the holder (``host:pid:…``) is gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from relbot.store.holders import holder_is_gone
from relbot.store.schema import slack_backfills as table
from relbot.store.state import StateDB

LEASE = dt.timedelta(minutes=2)  # renewed at every page; a page takes seconds


@dataclass(frozen=True)
class Checkpoint:
    channel_id: str
    account: str
    oldest: str
    cursor: str | None
    saved: int  # messages stored so far (a resumed run counts on from its checkpoint)
    pages: int
    finished: bool


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


class BackfillLedger:
    def __init__(self, state: StateDB) -> None:
        self._db = state.db

    def plan(self, channel_id: str, account: str, *, oldest: str, now: dt.datetime) -> None:
        """An unfinished backfill for the same account is kept, so it resumes where it stopped."""
        insert = self._db.insert(table).values(channel_id=channel_id, account=account, oldest=oldest,
                                               started_at=_iso(now))
        new = insert.excluded
        upsert = insert.on_conflict_do_update(
            index_elements=["channel_id"],
            where=table.c.finished_at.is_not(None) | (table.c.account != new.account),
            set_={"account": new.account, "oldest": new.oldest, "cursor": None, "saved": 0, "pages": 0,
                  "started_at": new.started_at, "finished_at": None, "lease_owner": None, "lease_until": None},
        )
        with self._db.write() as conn:
            conn.execute(upsert)

    def take(self, channel_id: str, owner: str, *, now: dt.datetime) -> Checkpoint | None:
        """The checkpoint to continue from, leased to ``owner``; None if finished, unplanned or leased elsewhere."""
        c = table.c
        free = c.lease_until.is_(None) | (c.lease_until <= _iso(now)) | (c.lease_owner == owner)
        with self._db.read() as conn:
            holder = conn.scalar(sa.select(c.lease_owner).where(c.channel_id == channel_id))
        if holder and holder != owner and holder_is_gone(holder):
            free = free | (c.lease_owner == holder)  # only that dead holder's lease, should a live one have it now
        with self._db.write() as conn:
            taken = conn.execute(
                sa.update(table).where((c.channel_id == channel_id) & c.finished_at.is_(None) & free)
                .values(lease_owner=owner, lease_until=_iso(now + LEASE))
            ).rowcount
        return self.checkpoint(channel_id) if taken == 1 else None

    def advance(self, channel_id: str, owner: str, *, cursor: str, saved: int, now: dt.datetime) -> bool:
        """Record a page read (the last one when ``cursor`` is empty); False if the lease was lost meanwhile."""
        c = table.c
        with self._db.write() as conn:
            return conn.execute(
                sa.update(table).where((c.channel_id == channel_id) & (c.lease_owner == owner))
                .values(cursor=cursor or None, saved=c.saved + saved, pages=c.pages + 1,
                        finished_at=None if cursor else _iso(now),
                        lease_owner=owner if cursor else None, lease_until=_iso(now + LEASE) if cursor else None)
            ).rowcount == 1

    def release(self, channel_id: str, owner: str) -> None:
        c = table.c
        with self._db.write() as conn:
            conn.execute(sa.update(table).where((c.channel_id == channel_id) & (c.lease_owner == owner))
                         .values(lease_owner=None, lease_until=None))

    def checkpoint(self, channel_id: str) -> Checkpoint | None:
        c = table.c
        query = sa.select(c.account, c.oldest, c.cursor, c.saved, c.pages, c.finished_at).where(
            c.channel_id == channel_id)
        with self._db.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Checkpoint(channel_id, str(row[0]), str(row[1]), row[2], int(row[3]), int(row[4]), row[5] is not None)

    def pending(self) -> list[str]:
        c = table.c
        with self._db.read() as conn:
            return [str(r) for r in conn.scalars(
                sa.select(c.channel_id).where(c.finished_at.is_(None)).order_by(c.started_at))]
