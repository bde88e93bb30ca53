"""The live sources' job in `relbot serve`'s scheduler (RELBOT_SCHEDULER): every minute, sync the sources that
are due (each every RELBOT_SOURCES_POLL_MINUTES, a failing one on its backoff). Every replica may run it: a
source's lease keeps its sync single."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from relbot.sources.sync import SyncDeps, sync_due

log = logging.getLogger(__name__)
JOB_ID = "relbot-sources-tick"
TICK_S = 60


def tick(deps: SyncDeps) -> None:
    """One run; never raises, so a bad minute (a database outage) does not stop the next one."""
    try:
        sync_due(deps)
    except Exception:
        log.exception("Sources tick failed; the next tick retries.")


def add_sources_job(scheduler: Any, deps: SyncDeps, *, interval_s: float = TICK_S) -> None:
    scheduler.add_job(
        tick, IntervalTrigger(seconds=interval_s), args=(deps,), id=JOB_ID,
        max_instances=1,  # a first sync of a big CRM takes minutes: never overlapped by the next tick
        coalesce=True, misfire_grace_time=None,
    )
