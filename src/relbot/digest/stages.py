"""The stage each account had when a digest for a week was built, so the next week can report a change.

The first observation of a week wins: a stage edited after Monday's digest went out is then reported the
following week instead of never.
"""

from __future__ import annotations

from relbot.digest.review import SeenStage
from relbot.models import Stage
from relbot.store import stage_history
from relbot.store.state import StateDB


def record(state: StateDB, account: str, week: str, stage: Stage) -> None:
    stage_history.record(state, account, week, stage.value)


def seen_before(state: StateDB, account: str, week: str) -> SeenStage | None:
    """The stage recorded by the latest digest of an earlier week."""
    found = stage_history.latest_before(state, account, week)
    if found is None:
        return None
    try:
        return SeenStage(week=found[0], stage=Stage(found[1]))
    except ValueError:  # a stage name from another relbot version: nothing to compare with
        return None
