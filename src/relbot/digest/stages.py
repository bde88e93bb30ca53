"""The stage each account had when a digest for a week was built, so the next week can report a change.

The first observation of a week wins: a stage edited after Monday's digest went out is then reported the
following week instead of never.
"""

from __future__ import annotations

import datetime as dt

from relbot.digest.review import SeenStage
from relbot.digest.tables import ensure
from relbot.models import Stage
from relbot.store.state import StateDB


def record(state: StateDB, account: str, week: str, stage: Stage) -> None:
    with ensure(state).transaction() as db:
        db.execute(
            "INSERT OR IGNORE INTO digest_stages (account, week, stage, recorded_at) VALUES (?, ?, ?, ?)",
            (account, week, stage.value, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )


def seen_before(state: StateDB, account: str, week: str) -> SeenStage | None:
    """The stage recorded by the latest digest of an earlier week ("2026-W47" < "2026-W48" as text)."""
    with ensure(state).connect() as db:
        row = db.execute(
            "SELECT week, stage FROM digest_stages WHERE account = ? AND week < ? ORDER BY week DESC LIMIT 1",
            (account, week),
        ).fetchone()
    if row is None:
        return None
    try:
        return SeenStage(week=str(row[0]), stage=Stage(row[1]))
    except ValueError:  # a stage name from another relbot version: nothing to compare with
        return None
