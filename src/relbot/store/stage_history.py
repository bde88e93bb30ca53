"""The stage each account had when a digest of a given ISO week looked at it (the first look of a week wins)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from relbot.store.schema import digest_stages
from relbot.store.state import StateDB


def record(state: StateDB, account: str, week: str, stage: str) -> None:
    insert = state.db.insert(digest_stages).values(
        account=account, week=week, stage=stage, recorded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    with state.db.write() as conn:
        conn.execute(insert.on_conflict_do_nothing(index_elements=["account", "week"]))


def latest_before(state: StateDB, account: str, week: str) -> tuple[str, str] | None:
    """(week, stage) of the latest week before ``week`` ("2026-W47" < "2026-W48" as text)."""
    row = digest_stages.c
    query = (sa.select(row.week, row.stage).where((row.account == account) & (row.week < week))
             .order_by(row.week.desc()).limit(1))
    with state.db.read() as conn:
        found = conn.execute(query).first()
    return (str(found[0]), str(found[1])) if found else None
