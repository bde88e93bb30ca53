"""The state DB's Slack event de-duplication: retries are refused, and old event ids do not pile up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from relbot.store.state import EVENT_MEMORY, StateDB


def _event_ids(state: StateDB) -> list[str]:
    with state.connect() as db:
        return sorted(str(r[0]) for r in db.execute("SELECT event_id FROM processed_events"))


def test_a_retried_event_is_refused_and_ids_older_than_a_day_are_forgotten(tmp_path: Path) -> None:
    state = StateDB(tmp_path / "state.sqlite3")
    long_ago = (dt.datetime.now(dt.UTC) - EVENT_MEMORY - dt.timedelta(minutes=5)).isoformat(timespec="seconds")
    recent = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    with state.transaction() as db:
        db.executemany("INSERT INTO processed_events (event_id, seen_at) VALUES (?, ?)",
                       [("EvOLD", long_ago), ("EvRECENT", recent)])

    assert state.claim_event("EvNEW")
    assert not state.claim_event("EvNEW")  # Slack's retry of the same event
    assert not state.claim_event("EvRECENT")
    assert _event_ids(state) == ["EvNEW", "EvRECENT"]  # EvOLD pruned
