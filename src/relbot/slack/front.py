"""The serving process's parts, assembled once for `relbot serve` and the WSGI factory alike: the bolt app
that acks, the draft worker process it forwards lazy listeners to, and (opt-in) the digest scheduler.

``stop(timeout_s=…)`` is the second half of a graceful stop, after the HTTP server has finished its
in-flight requests (so every ack's job is already queued): the worker finishes what it can in the time
left and drops the rest (their users saw the receipt and can ask again), then the scheduler stops.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from relbot.services import Services
from relbot.slack.worker import DraftWorker

log = logging.getLogger("relbot")


@dataclass
class Front:
    app: App
    worker: DraftWorker | None
    scheduler: Any | None  # apscheduler's BackgroundScheduler, imported lazily

    def stop(self, *, timeout_s: float) -> None:
        """Safe to call again (a second signal during the first stop): the worker is then killed sooner."""
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if self.worker is not None:
            self.worker.stop(drain=True, timeout_s=timeout_s)


def start_front(services: Services, *, workers: int, inline: bool = False, socket_mode: bool = False) -> Front:
    from relbot.slack.app import build_app

    worker = None if inline else DraftWorker(services.settings, threads=max(1, workers))
    app = build_app(services, workers=max(1, workers), socket_mode=socket_mode,
                    lazy_runner=worker.runner() if worker else None)
    if worker:
        worker.start()  # it loads the store and the model now, so the first user's draft does not pay for it
    else:  # the worker resumes unfinished channel backfills itself; inline, this process does
        from relbot.slack.backfill import build_backfill, resume_in_background

        resume_in_background(build_backfill(services, app.client))
    scheduler = None
    if services.settings.scheduler_enabled:  # one replica, or all: the delivery ledger keeps digests exactly-once
        from relbot.calendar.scheduler import add_calendar_job
        from relbot.digest.scheduler import start_scheduler
        from relbot.slack.digest_messenger import SlackDigestMessenger
        from relbot.slack.meeting_messenger import SlackMessenger
        from relbot.sources.run import sync_deps
        from relbot.sources.scheduler import add_sources_job

        print("relbot: scheduler on (RELBOT_SCHEDULER): weekly digests, calendar feeds, meeting briefs and live "
              "sources.", file=sys.stderr)
        scheduler = start_scheduler(services, SlackDigestMessenger(app.client))
        add_calendar_job(scheduler, services, SlackMessenger(app.client))
        add_sources_job(scheduler, sync_deps(services))
    return Front(app=app, worker=worker, scheduler=scheduler)
