"""The state DB's Slack event de-duplication: retries are refused, and old event ids do not pile up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from relbot.store.schema import processed_events
from relbot.store.state import EVENT_MEMORY, StateDB


def _event_ids(state: StateDB) -> list[str]:
    with state.db.read() as db:
        return sorted(str(r) for r in db.scalars(sa.select(processed_events.c.event_id)))


def test_a_retried_event_is_refused_and_ids_older_than_a_day_are_forgotten(state_target: str | Path) -> None:
    state = StateDB(state_target)
    long_ago = (dt.datetime.now(dt.UTC) - EVENT_MEMORY - dt.timedelta(minutes=5)).isoformat(timespec="seconds")
    recent = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    with state.db.write() as db:
        db.execute(sa.insert(processed_events), [{"event_id": "EvOLD", "seen_at": long_ago},
                                                 {"event_id": "EvRECENT", "seen_at": recent}])

    assert state.claim_event("EvNEW")
    assert not state.claim_event("EvNEW")  # Slack's retry of the same event
    assert not state.claim_event("EvRECENT")
    assert _event_ids(state) == ["EvNEW", "EvRECENT"]  # EvOLD pruned
