"""`relbot calendar sync` killed with SIGKILL mid-push, then run again once its claim's lease ran out: the
brief reaches the user exactly once, whether the kill came before Slack got the post or after."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from relbot.calendar import registry
from relbot.config import load_settings
from relbot.services import build_services
from relbot.store import meeting_deliveries
from tests.calendar.feeds import Event, calendar
from tests.conftest import copy_demo
from tests.digest.fake_dm import DigestSlack
from tests.support.fake_slack import Call
from tests.support.ics_server import IcsServer

MAYA = "U0DEMO02"
MAYA_MAIL = "maya.chen@brightline.example.com"
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
CALL = Event(uid="lumen-weekly", start=NOW + dt.timedelta(minutes=20), title="Lumen Health weekly",
             attendees=("rachel.adeyemi@lumenhealth.example.org",))


@pytest.fixture()
def slack(demo_dm_slack: DigestSlack) -> DigestSlack:
    return demo_dm_slack


def _sync(data_dir: Path, models_dir: Path, slack: DigestSlack, now: dt.datetime) -> subprocess.Popen[str]:
    env = {**os.environ, "RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir),
           "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.api_url, "RELBOT_CALENDAR_ALLOW_PRIVATE": "1",
           "RELBOT_AGENCY_DOMAINS": "brightline.example.com"}
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RELBOT_DATABASE_URL", "RELBOT_CHROMA_URL"):
        env.pop(name, None)
    return subprocess.Popen([sys.executable, "-m", "relbot", "calendar", "sync", "--force", "--no-llm", "--json",
                             "--now", now.isoformat()], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _hold(slack: DigestSlack, method: str, *, deliver: bool) -> threading.Event:
    """The next call of ``method`` is held (never answered); with ``deliver`` Slack keeps the message first."""
    arrived = threading.Event()

    def held(call: Call) -> dict[str, Any]:
        if deliver:
            slack._answer(call.method, call.args)  # the post happens at Slack; the answer never reaches relbot
        arrived.set()
        threading.Event().wait(30)
        return {"ok": False, "error": "held"}

    slack.answer(method, held)
    return arrived


@pytest.mark.parametrize("when", ["before_the_post", "after_the_post"])
def test_sigkill_mid_push_then_rerun_delivers_exactly_once(when: str, demo_build: Path, tmp_path: Path,
                                                           models_dir: Path, slack: DigestSlack) -> None:
    data_dir = copy_demo(demo_build, tmp_path / "data")
    with IcsServer() as feeds:
        path = "/calendar/ical/maya/private-77/basic.ics"
        feeds.publish(path, calendar(CALL, owner=MAYA_MAIL))
        db = build_services(load_settings(data_dir=data_dir, models_dir_override=models_dir)).state.db
        registry.connect(db, user_id=MAYA, url=feeds.url(path), owner_email=MAYA_MAIL, added_by="test", now=NOW)
        arrived = _hold(slack, "conversations.open" if when == "before_the_post" else "chat.postMessage",
                        deliver=when == "after_the_post")
        victim = _sync(data_dir, models_dir, slack, NOW)
        assert arrived.wait(timeout=180), victim.stderr.read() if victim.stderr else ""
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        slack.answer("conversations.open", lambda call: slack._answer(call.method, call.args))
        slack.answer("chat.postMessage", lambda call: slack._answer(call.method, call.args))
        assert len(slack.delivered_to(MAYA)) == (1 if when == "after_the_post" else 0)
        [row] = meeting_deliveries.ledger(db).rows(user_id=MAYA)
        assert row.status == "claimed"  # the dead sender's claim

        soon = _sync(data_dir, models_dir, slack, NOW + dt.timedelta(minutes=1))  # its lease has not run out
        out, err = soon.communicate(timeout=300)
        assert [d["result"] for d in json.loads(out)["deliveries"]] == ["in_progress"], err

        later = _sync(data_dir, models_dir, slack, NOW + meeting_deliveries.LEASE + dt.timedelta(seconds=1))
        out, err = later.communicate(timeout=300)
        assert later.returncode == 0, err
        expected = "recovered" if when == "after_the_post" else "sent"
        assert [d["result"] for d in json.loads(out)["deliveries"]] == [expected]
    assert len(slack.delivered_to(MAYA)) == 1
    [row] = meeting_deliveries.ledger(db).rows(user_id=MAYA)
    assert (row.status, row.attempts) == ("sent", 2)
