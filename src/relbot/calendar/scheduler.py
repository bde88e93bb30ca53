"""The calendar's job in `relbot serve`'s scheduler (RELBOT_SCHEDULER): every minute, poll the feeds that are
due and deliver the briefs, recaps and nudges that are due. Every replica may run it: the feeds' leases and
the meeting ledger keep each poll and each message single."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.interval import IntervalTrigger

from relbot.calendar.pusher import Messenger
from relbot.calendar.run import run_once
from relbot.digest.weeks import Clock, system_clock

if TYPE_CHECKING:
    from relbot.services import Services

log = logging.getLogger(__name__)
JOB_ID = "relbot-calendar-tick"
TICK_S = 60


def tick(services: Services, messenger: Messenger, clock: Clock = system_clock) -> None:
    """One run; never raises, so a bad minute (database or Slack down) does not stop the next one."""
    try:
        run = run_once(services, messenger, now=clock())
    except Exception:
        log.exception("Calendar tick failed; the next tick retries.")
        return
    for p in run.pushes:
        if p.result in ("sent", "recovered", "failed", "gave_up"):
            log.info("Meeting %s for %s: %s%s", p.kind, p.user_id, p.result, f" ({p.detail})" if p.detail else "")


def add_calendar_job(scheduler: Any, services: Services, messenger: Messenger, *, clock: Clock = system_clock,
                     interval_s: float = TICK_S) -> None:
    scheduler.add_job(
        tick, IntervalTrigger(seconds=interval_s), args=(services, messenger, clock), id=JOB_ID,
        max_instances=1,  # a slow tick (many briefs due at 09:30) is never overlapped by the next
        coalesce=True, misfire_grace_time=None, next_run_time=clock(),
    )
