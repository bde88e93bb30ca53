"""The in-process scheduler for `relbot serve` with RELBOT_SCHEDULER on: a one-minute tick that sends what
is due (APScheduler 3, BackgroundScheduler).

A tick rather than one job per subscription: subscriptions change from Slack, the CLI and other replicas, and
a tick reads the table each minute instead of keeping jobs in sync with it. Missed times (the server was
down at 08:00) are caught up on the next tick of the same week; the delivery ledger keeps every replica's
scheduler from sending a digest twice.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from relbot.digest.delivery import DigestMessenger, SendsDigests, send_due
from relbot.digest.weeks import Clock, system_clock

log = logging.getLogger(__name__)
JOB_ID = "relbot-digest-tick"
TICK_S = 60


def tick(services: SendsDigests, messenger: DigestMessenger, clock: Clock = system_clock) -> None:
    """One run; never raises, so a bad minute (store down, Slack down) does not stop the next one."""
    try:
        outcomes = send_due(services, messenger, now=clock())
    except Exception:
        log.exception("Digest tick failed; the next tick retries.")
        return
    for o in outcomes:
        if o.result in ("sent", "recovered", "failed", "gave_up"):
            log.info("Digest %s for %s: %s%s", o.week, o.recipient, o.result, f" ({o.detail})" if o.detail else "")


def start_scheduler(
    services: SendsDigests, messenger: DigestMessenger, *, clock: Clock = system_clock, interval_s: float = TICK_S
) -> BackgroundScheduler:
    """Started and running (first tick at once); call ``.shutdown()`` when the server stops."""
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    scheduler.add_job(
        tick, IntervalTrigger(seconds=interval_s), args=(services, messenger, clock), id=JOB_ID,
        max_instances=1,  # a slow tick (LLM summaries) is never overlapped by the next
        coalesce=True, misfire_grace_time=None, next_run_time=clock(),
    )
    scheduler.start()
    log.info("Digest scheduler started: checking subscriptions every %g s.", interval_s)
    return scheduler
