"""Short-lived entries every replica must see, with an expiry: what one process used to keep in memory.

A modal's carried message (opened on one replica, submitted on another), the pages a user is about to share,
an assistant thread's context, a request signature already used once. Values are text (JSON where
structured); an expired entry reads as absent, and expired rows are swept now and then by a write of their kind
(at most every ``SWEEP_EVERY`` per process: the sweep doubled the cost of the replay guard's write on the ack
path when it ran every time).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import sqlalchemy as sa

from relbot.store.schema import shared_entries as table
from relbot.store.state import StateDB

Clock = Callable[[], dt.datetime]
SWEEP_EVERY = dt.timedelta(seconds=30)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


class SharedEntries:
    """Entries of one kind (``"modal"``, ``"share"``, ``"assistant"``, ``"signature"`` …)."""

    def __init__(self, state: StateDB, kind: str, *, ttl: dt.timedelta, clock: Clock = _utc_now) -> None:
        self._db = state.db
        self._kind = kind
        self._ttl = ttl
        self._clock = clock
        self._swept_at: dt.datetime | None = None
        self._sweep_lock = threading.Lock()

    def put(self, key: str, value: str) -> None:
        now = self._clock()
        insert = self._db.insert(table).values(kind=self._kind, key=key, value=value, expires_at=_iso(now + self._ttl))
        upsert = insert.on_conflict_do_update(index_elements=["kind", "key"], set_={
            "value": insert.excluded.value, "expires_at": insert.excluded.expires_at})
        with self._db.write() as conn:
            conn.execute(upsert)
            self._sweep(conn, now)

    def get(self, key: str) -> str | None:
        c = table.c
        query = sa.select(c.value).where((c.kind == self._kind) & (c.key == key) & (c.expires_at > _iso(self._clock())))
        with self._db.read() as conn:
            found = conn.scalar(query)
        return str(found) if found is not None else None

    def first_use(self, key: str) -> bool:
        """True exactly once per key while it is remembered (by whichever process asks first)."""
        now = self._clock()
        insert = self._db.insert(table).values(kind=self._kind, key=key, value="", expires_at=_iso(now + self._ttl))
        # An expired entry of the same key counts as unused: it is taken over, atomically.
        upsert = insert.on_conflict_do_update(
            index_elements=["kind", "key"], where=table.c.expires_at <= _iso(now),
            set_={"expires_at": insert.excluded.expires_at})
        with self._db.write() as conn:
            fresh = conn.execute(upsert).rowcount == 1
            self._sweep(conn, now)
        return fresh

    def _sweep(self, conn: sa.Connection, now: dt.datetime) -> None:
        with self._sweep_lock:
            if self._swept_at is not None and now - self._swept_at < SWEEP_EVERY:
                return
            self._swept_at = now
        conn.execute(sa.delete(table).where((table.c.kind == self._kind) & (table.c.expires_at <= _iso(now))))
