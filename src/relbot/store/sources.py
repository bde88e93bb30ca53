"""The live sources' rows: settings, cursor, health and the sync lease.

Syncing is leased per source, like the calendar feeds: a process claims a due source with one conditional
UPDATE, so any number of `relbot sources sync` runs and schedulers on any hosts sync each source once at a
time. A first sync of a big CRM takes minutes, so the holder renews its lease after every page; one that dies
frees the source when its lease runs out (at once, if it ran on this host and has exited).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from relbot.store.database import Database
from relbot.store.holders import holder_is_gone
from relbot.store.ledger import iso
from relbot.store.schema import slack_message_records, source_object_records, source_objects, source_unfiled
from relbot.store.schema import sources as table

LEASE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class SourceRow:
    name: str
    type: str
    config: dict[str, Any]
    added_by: str | None
    added_at: dt.datetime
    cursor: dict[str, Any]
    synced_at: dt.datetime | None
    ok_at: dt.datetime | None
    last_report: dict[str, Any]
    failures: int
    permanent: bool
    last_error: str | None
    next_sync_at: dt.datetime
    lease_owner: str | None
    lease_until: dt.datetime | None


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _row(row: sa.Row[tuple[object, ...]]) -> SourceRow:
    m = row._mapping
    return SourceRow(
        name=m["name"], type=m["type"], config=json.loads(m["config"]), added_by=m["added_by"],
        added_at=dt.datetime.fromisoformat(m["added_at"]), cursor=json.loads(m["cursor"] or "{}"),
        synced_at=_when(m["synced_at"]), ok_at=_when(m["ok_at"]), last_report=json.loads(m["last_report"] or "{}"),
        failures=int(m["failures"]), permanent=bool(m["permanent"]), last_error=m["last_error"],
        next_sync_at=dt.datetime.fromisoformat(m["next_sync_at"]), lease_owner=m["lease_owner"],
        lease_until=_when(m["lease_until"]))


def add(db: Database, *, name: str, type_: str, config: dict[str, Any], added_by: str | None,
        now: dt.datetime) -> bool:
    """Registers a new source, due at once; False (and nothing changed) if the name is taken."""
    insert = db.insert(table).values(name=name, type=type_, config=json.dumps(config, sort_keys=True),
                                     added_by=added_by, added_at=iso(now), next_sync_at=iso(now))
    with db.write() as conn:
        return bool(conn.execute(insert.on_conflict_do_nothing(index_elements=["name"])).rowcount == 1)


def get(db: Database, name: str) -> SourceRow | None:
    with db.read() as conn:
        row = conn.execute(sa.select(table).where(table.c.name == name)).first()
    return _row(row) if row else None


def listed(db: Database) -> list[SourceRow]:
    with db.read() as conn:
        return [_row(r) for r in conn.execute(sa.select(table).order_by(table.c.name)).all()]


def held_only_by(db: Database, name: str) -> list[str]:
    """The ids of the records this source's objects hold that no other source's object or Slack message holds."""
    r, m = source_object_records.c, slack_message_records.c
    with db.read() as conn:
        ids = list(dict.fromkeys(str(i) for i in conn.scalars(sa.select(r.record_id).where(r.source == name))))
        held: set[str] = set()
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            held.update(conn.scalars(sa.select(r.record_id).where(r.record_id.in_(part) & (r.source != name))))
            held.update(conn.scalars(sa.select(m.record_id).where(m.record_id.in_(part))))
    return [rid for rid in ids if rid not in held]


def remove(db: Database, name: str) -> bool:
    """Forgets the source, its object map and its unfiled list; False if there was no such source."""
    with db.write() as conn:
        if not conn.execute(sa.delete(table).where(table.c.name == name)).rowcount:
            return False
        conn.execute(sa.delete(source_object_records).where(source_object_records.c.source == name))
        conn.execute(sa.delete(source_objects).where(source_objects.c.source == name))
        conn.execute(sa.delete(source_unfiled).where(source_unfiled.c.source == name))
    return True


def counts(db: Database) -> dict[str, tuple[int, int]]:
    """Per source: (objects stored, objects unfiled)."""
    with db.read() as conn:
        stored = {str(name): int(n) for name, n in conn.execute(
            sa.select(source_objects.c.source, sa.func.count()).group_by(source_objects.c.source))}
        unfiled = {str(name): int(n) for name, n in conn.execute(
            sa.select(source_unfiled.c.source, sa.func.count()).group_by(source_unfiled.c.source))}
    return {name: (int(stored.get(name, 0)), int(unfiled.get(name, 0))) for name in {*stored, *unfiled}}


def _free(now: dt.datetime) -> sa.ColumnElement[bool]:
    return table.c.lease_until.is_(None) | (table.c.lease_until <= iso(now))


def claim(db: Database, name: str, *, owner: str, now: dt.datetime, due_only: bool,
          lease: dt.timedelta = LEASE) -> SourceRow | None:
    """Takes the source's lease if no live process holds it (and, with ``due_only``, if it is due)."""
    this = table.c.name == name
    free = _free(now)
    with db.read() as conn:
        holder = conn.scalar(sa.select(table.c.lease_owner).where(this))
    if holder and holder_is_gone(holder):
        free = free | (table.c.lease_owner == holder)
    if due_only:
        free = free & (table.c.next_sync_at <= iso(now))
    with db.write() as conn:
        got = conn.execute(sa.update(table).where(this & free)
                           .values(lease_owner=owner, lease_until=iso(now + lease))).rowcount
    return get(db, name) if got == 1 else None


def due(db: Database, *, now: dt.datetime) -> list[str]:
    with db.read() as conn:
        return [str(n) for n in conn.scalars(sa.select(table.c.name).where(
            (table.c.next_sync_at <= iso(now)) & _free(now)).order_by(table.c.next_sync_at))]


def renew(db: Database, name: str, *, owner: str, cursor: dict[str, Any], now: dt.datetime,
          lease: dt.timedelta = LEASE) -> bool:
    """Stores the cursor reached and extends the lease; False if another process took the source over
    (this one's lease ran out): the caller must stop, and its cursor is not stored."""
    with db.write() as conn:
        return bool(conn.execute(sa.update(table).where((table.c.name == name) & (table.c.lease_owner == owner))
                                 .values(cursor=json.dumps(cursor, sort_keys=True),
                                         lease_until=iso(now + lease))).rowcount == 1)


def finish(db: Database, name: str, *, owner: str, now: dt.datetime, next_sync_at: dt.datetime,
           report: dict[str, Any] | None, error: str | None = None, failures: int = 0,
           permanent: bool = False) -> None:
    """Ends this process's sync: success (``report``) or failure (``error``); frees the lease either way."""
    values: dict[str, object] = dict(synced_at=iso(now), next_sync_at=iso(next_sync_at), lease_owner=None,
                                     lease_until=None, failures=failures, permanent=permanent, last_error=error)
    if error is None:
        values.update(ok_at=iso(now), last_report=json.dumps(report or {}, sort_keys=True))
    with db.write() as conn:
        conn.execute(sa.update(table).where((table.c.name == name) & (table.c.lease_owner == owner)).values(**values))


def reset_cursor(db: Database, name: str) -> bool:
    """The next sync reads the source from the start (everything already stored stays; nothing duplicates)."""
    with db.write() as conn:
        return bool(conn.execute(sa.update(table).where(table.c.name == name).values(cursor=None)).rowcount)


def make_due(db: Database, name: str, *, now: dt.datetime) -> None:
    with db.write() as conn:
        conn.execute(sa.update(table).where(table.c.name == name).values(next_sync_at=iso(now)))
