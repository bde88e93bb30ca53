"""Two real `relbot digest --send` processes (two cron hosts) against one state DB (a SQLite file, then
PostgreSQL) and a local Slack Web API: each subscriber's digest is posted exactly once. A claim left behind
by a killed sender is recovered by the next run, again exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import SecretStr

from relbot.digest import subscriptions
from relbot.services import Services, build_services
from relbot.store import deliveries as claims
from relbot.store.copy import copy_database
from relbot.store.database import Database
from tests.digest.conftest import GUEST, NOW
from tests.digest.fake_dm import DigestSlack

SUBSCRIBERS = ["U0DEMO01", "U0DEMO02", "U0DEMO03", "U0DEMO04", "U0DEMO05", "U0DEMO06", "U0DEMO07", "U0DEMO08"]


@pytest.fixture(params=["sqlite", "postgresql"])
def svc(request: pytest.FixtureRequest, demo_services: Services) -> Services:
    """The demo's services; for PostgreSQL, its state copied into a fresh database that the senders share."""
    if request.param == "sqlite":
        return demo_services
    url = request.getfixturevalue("postgres").create_database()
    copy_database(Database.open(demo_services.settings.state_db_path), Database.open(url))
    return build_services(demo_services.settings.model_copy(update={"database_url": SecretStr(url)}))


def _sender(svc: Services, slack: DigestSlack, now: str) -> subprocess.Popen[str]:
    env = {**os.environ, "RELBOT_DATA_DIR": str(svc.settings.data_dir), "SLACK_BOT_TOKEN": "xoxb-test",
           "SLACK_API_URL": slack.api_url}
    if svc.settings.database_url:
        env["RELBOT_DATABASE_URL"] = svc.settings.database_url.get_secret_value()
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    return subprocess.Popen([sys.executable, "-m", "relbot", "digest", "--send", "--now", now, "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    return list(json.loads(out))


def test_two_concurrent_senders_post_each_digest_once(svc: Services, slack: DigestSlack) -> None:
    for user in [*SUBSCRIBERS, GUEST]:
        subscriptions.subscribe(svc.state, subscriptions.make(user, day="mon", at="08:00", tz="Europe/London"))
    slack.delays["chat.postMessage"] = 0.3  # widen the window in which the two runs overlap
    procs = [_sender(svc, slack, NOW.isoformat()) for _ in range(2)]
    runs = [_finish(p) for p in procs]
    for user in SUBSCRIBERS:
        assert len(slack.delivered_to(user)) == 1, user
        posted = [o for run in runs for o in run if o["recipient"] == user and o["result"] == "sent"]
        assert len(posted) == 1, (user, runs)
        others = [o["result"] for run in runs for o in run if o["recipient"] == user and o["result"] != "sent"]
        assert others in (["in_progress"], ["already_sent"]), (user, runs)
    assert slack.delivered_to(GUEST) == []
    assert len(slack.delivered) == len(SUBSCRIBERS)
    # Both processes really ran the whole list (neither crashed early), and a third run posts nothing.
    assert all(len(run) == len(SUBSCRIBERS) + 1 for run in runs)
    third = _finish(_sender(svc, slack, NOW.replace(hour=12).isoformat()))
    assert {o["result"] for o in third} == {"already_sent", "skipped"}
    assert len(slack.delivered) == len(SUBSCRIBERS)


def test_the_next_cron_run_recovers_a_claim_a_killed_sender_left(svc: Services, slack: DigestSlack) -> None:
    subscriptions.subscribe(svc.state, subscriptions.make("U0DEMO02", day="mon", at="08:00", tz="UTC"))
    assert claims.claim(svc.state, "U0DEMO02", "2026-W48", now=NOW) is not None  # then the sender was killed
    blocked = _finish(_sender(svc, slack, (NOW + claims.LEASE / 2).isoformat()))
    assert [o["result"] for o in blocked] == ["in_progress"] and slack.delivered == []
    recovered = _finish(_sender(svc, slack, (NOW + claims.LEASE).isoformat()))
    assert [o["result"] for o in recovered] == ["sent"]
    assert len(slack.delivered_to("U0DEMO02")) == 1
