"""The in-process scheduler: a tick that sends what is due, once, however many ticks run."""

from __future__ import annotations

import time

from relbot.digest import subscriptions
from relbot.digest.scheduler import JOB_ID, start_scheduler
from relbot.services import Services
from relbot.slack.digest_messenger import SlackDigestMessenger
from tests.digest.conftest import MAYA, NOW, SAM
from tests.digest.fake_dm import DigestSlack


def test_ticks_send_each_due_digest_once(svc: Services, slack: DigestSlack, messenger: SlackDigestMessenger) -> None:
    subscriptions.subscribe(svc.state, subscriptions.make(MAYA, day="mon", at="08:00", tz="UTC"))
    subscriptions.subscribe(svc.state, subscriptions.make(SAM, day="tue", at="08:00", tz="UTC"))  # not due yet
    scheduler = start_scheduler(svc, messenger, clock=lambda: NOW, interval_s=0.3)
    try:
        assert scheduler.get_job(JOB_ID) is not None
        slack.wait_for("chat.postMessage", timeout=120)
        time.sleep(1.5)  # several more ticks
    finally:
        scheduler.shutdown(wait=True)
    assert len(slack.delivered_to(MAYA)) == 1
    assert slack.delivered_to(SAM) == []
