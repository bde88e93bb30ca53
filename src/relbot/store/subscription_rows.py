"""Stored digest subscriptions, one per Slack user (validation lives in digest/subscriptions.py)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import sqlalchemy as sa

from relbot.store.schema import digest_subscriptions as table
from relbot.store.state import StateDB


class Row(NamedTuple):
    user_id: str
    day: int  # 0 = Monday
    at: str  # "HH:MM"
    tz: str


def save(state: StateDB, row: Row, *, by: str | None) -> None:
    insert = state.db.insert(table).values(
        user_id=row.user_id, day=row.day, at=row.at, tz=row.tz, updated_by=by,
        updated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    new = insert.excluded
    with state.db.write() as conn:
        conn.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_={
            "day": new.day, "at": new.at, "tz": new.tz, "updated_by": new.updated_by, "updated_at": new.updated_at}))


def delete(state: StateDB, user_id: str) -> bool:
    with state.db.write() as conn:
        return conn.execute(sa.delete(table).where(table.c.user_id == user_id)).rowcount == 1


def all_rows(state: StateDB) -> list[Row]:
    c = table.c
    with state.db.read() as conn:
        return [Row(*r) for r in conn.execute(sa.select(c.user_id, c.day, c.at, c.tz).order_by(c.user_id))]
