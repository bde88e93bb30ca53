"""Which records each upstream object of a live source became (and a fingerprint of what it said), and the
objects no account could be filed to.

Records are content-addressed and may be shared (two identical notes on one day are one record), so a record
leaves the store only when no object of any source, and no saved Slack message, still holds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from relbot.store.database import Database
from relbot.store.ledger import iso
from relbot.store.schema import slack_message_records, source_object_records, source_objects, source_unfiled


@dataclass(frozen=True)
class StoredObject:
    account: str
    fingerprint: str
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class Saved:
    key: str
    account: str
    fingerprint: str
    record_ids: tuple[str, ...]


def current(db: Database, source: str, keys: Sequence[str]) -> dict[str, StoredObject]:
    if not keys:
        return {}
    o, r = source_objects.c, source_object_records.c
    found: dict[str, tuple[str, str]] = {}
    ids: dict[str, list[str]] = {}
    with db.read() as conn:
        for start in range(0, len(keys), 500):  # bounded IN lists
            part = list(keys[start:start + 500])
            for key, account, fingerprint in conn.execute(sa.select(o.key, o.account, o.fingerprint).where(
                    (o.source == source) & o.key.in_(part))):
                found[key] = (account, fingerprint)
            for key, rid in conn.execute(sa.select(r.key, r.record_id).where((r.source == source) & r.key.in_(part))):
                ids.setdefault(key, []).append(rid)
    return {k: StoredObject(a, f, tuple(ids.get(k, ()))) for k, (a, f) in found.items()}


def save(db: Database, source: str, saved: Sequence[Saved], *, now: dt.datetime) -> None:
    """These objects are stored as these records (replacing what they were), and are no longer unfiled."""
    if not saved:
        return
    r, u = source_object_records.c, source_unfiled.c
    keys = [s.key for s in saved]
    with db.write() as conn:
        conn.execute(sa.delete(source_object_records).where((r.source == source) & r.key.in_(keys)))
        conn.execute(sa.delete(source_unfiled).where((u.source == source) & u.key.in_(keys)))
        for s in saved:
            insert = db.insert(source_objects).values(source=source, key=s.key, account=s.account,
                                                      fingerprint=s.fingerprint, updated_at=iso(now))
            conn.execute(insert.on_conflict_do_update(
                index_elements=["source", "key"],
                set_={"account": s.account, "fingerprint": s.fingerprint, "updated_at": iso(now)}))
        rows = [{"source": source, "key": s.key, "record_id": rid}
                for s in saved for rid in dict.fromkeys(s.record_ids)]
        if rows:
            conn.execute(sa.insert(source_object_records), rows)



def drop(db: Database, source: str, keys: Sequence[str]) -> None:
    if not keys:
        return
    with db.write() as conn:
        conn.execute(sa.delete(source_object_records).where(
            (source_object_records.c.source == source) & source_object_records.c.key.in_(keys)))
        conn.execute(sa.delete(source_objects).where(
            (source_objects.c.source == source) & source_objects.c.key.in_(keys)))


def unfiled(db: Database, source: str, entries: Sequence[tuple[str, str]], *, now: dt.datetime) -> None:
    """These objects could not be filed: listed for admins (their summaries), never stored as history."""
    if not entries:
        return
    with db.write() as conn:
        for key, summary in entries:
            insert = db.insert(source_unfiled).values(source=source, key=key, summary=summary, seen_at=iso(now))
            conn.execute(insert.on_conflict_do_update(index_elements=["source", "key"],
                                                      set_={"summary": summary, "seen_at": iso(now)}))


def forget_unfiled(db: Database, source: str, keys: Sequence[str]) -> None:
    if keys:
        with db.write() as conn:
            conn.execute(sa.delete(source_unfiled).where(
                (source_unfiled.c.source == source) & source_unfiled.c.key.in_(keys)))


def unfiled_list(db: Database, source: str, *, limit: int = 200) -> list[tuple[str, str, str]]:
    u = source_unfiled.c
    with db.read() as conn:
        return [(str(k), str(s), str(t)) for k, s, t in conn.execute(
            sa.select(u.key, u.summary, u.seen_at).where(u.source == source).order_by(u.seen_at.desc(), u.key)
            .limit(limit))]


def unreferenced(db: Database, record_ids: Iterable[str], *, source: str, leaving: Sequence[str]) -> list[str]:
    """Of these records, those nothing else holds once the objects ``leaving`` (of ``source``) let go of them:
    no other object of any source, no saved Slack message."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return []
    r, m = source_object_records.c, slack_message_records.c
    held: set[str] = set()
    with db.read() as conn:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            others = r.record_id.in_(part) & ~((r.source == source) & r.key.in_(list(leaving)))
            held.update(conn.scalars(sa.select(r.record_id).where(others)))
            held.update(conn.scalars(sa.select(m.record_id).where(m.record_id.in_(part))))
    return [rid for rid in ids if rid not in held]
