"""Digest fixtures: a fixed clock on the demo's Monday (2026-11-23, ISO week 2026-W48), the demo workspace,
and the fake Slack Web API with DMs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from relbot.digest.weeks import IsoWeek
from relbot.services import Services
from relbot.slack.digest_messenger import SlackDigestMessenger
from relbot.slack.webclient import retry_handlers
from tests.digest.fake_dm import DigestSlack

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday 09:00 UTC of the demo's "today"
TODAY = NOW.date()
W48 = IsoWeek(2026, 48)
MAYA = "U0DEMO02"  # Lumen Health's account manager
SAM = "U0DEMO01"  # Harbor Foods and Vela Fintech only
LEO = "U0DEMO03"  # Crestline Outdoor and Oakridge Dental Group
GRACE = "U0DEMO08"  # client services director: on every team
GUEST = "U0GUEST1"
ADMIN = "U0ADMIN1"  # on no team; in RELBOT_SLACK_ADMINS where a test sets it


@pytest.fixture()
def slack() -> Iterator[DigestSlack]:
    fake = DigestSlack()
    fake.start()
    try:
        fake.load_demo(REPO / "demo")
        fake.add_user(GUEST, "Gus Guest", guest=True)
        fake.add_user(ADMIN, "Ada Admin")
        yield fake
    finally:
        fake.stop()


@pytest.fixture()
def client(slack: DigestSlack) -> WebClient:
    # The Slack helper's retry handlers, as `relbot serve` and `--send` use them.
    return WebClient(token="xoxb-test", base_url=slack.api_url, timeout=5, retry_handlers=retry_handlers())


@pytest.fixture()
def messenger(client: WebClient) -> SlackDigestMessenger:
    """What `relbot serve`'s scheduler and `relbot digest --send` hand the sender."""
    return SlackDigestMessenger(client)


@pytest.fixture()
def svc(demo_services: Services) -> Services:
    return demo_services
