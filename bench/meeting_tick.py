"""What one scheduler tick of the meeting pusher costs (`relbot serve` with RELBOT_SCHEDULER runs it every
minute): the demo workspace, N users whose calendars hold M events each (stored by a real sync over local
HTTP), the real Web API client against the local Slack server.

    RELBOT_MODELS_DIR=.relbot/models .venv/bin/python -m bench.meeting_tick            # 500 users, 10 due
    RELBOT_MODELS_DIR=.relbot/models .venv/bin/python -m bench.meeting_tick --users 50 --due 5

Two ticks are timed: idle (nothing due: every meeting is read, matched and skipped) and busy (D users have a
client meeting starting in 30 minutes: D briefs drafted and posted, offline). Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from tests.calendar.feeds import Event, calendar
from tests.conftest import REPO
from tests.digest.fake_dm import DigestSlack
from tests.support.ics_server import IcsServer

from bench.calendar import CLIENTS, NOW, feed_body
from relbot.calendar import registry
from relbot.calendar.run import run_once
from relbot.config import load_settings
from relbot.demo import build_demo
from relbot.services import build_services
from relbot.slack.meeting_messenger import SlackMessenger

DOMAINS = dict(zip(["Lumen Health", "Harbor Foods", "Crestline Outdoor", "Vela Fintech"], CLIENTS, strict=True))
MAYA = "U0DEMO02"  # on Lumen Health's team: her briefs are drafted, not skipped


def _timed(run: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--due", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, IcsServer() as feeds:
        os.environ.update(RELBOT_CALENDAR_ALLOW_PRIVATE="1", RELBOT_AGENCY_DOMAINS="brightline.example.com")
        svc = build_services(load_settings(data_dir=Path(tmp) / "data"))
        build_demo(svc)
        for name, domain in DOMAINS.items():
            account = svc.state.resolve_account(name)
            svc.state.upsert_account(account.model_copy(update={"domains": [domain]}))
        slack = DigestSlack()
        slack.start()
        slack.load_demo(REPO / "demo")
        # An idle minute: the generated meetings start on the hour, every 7 hours from NOW - 3 days.
        idle_at = NOW + dt.timedelta(hours=3)
        busy_at = idle_at + dt.timedelta(minutes=1)
        for u in range(args.users):
            path = f"/u{u}/basic.ics"
            if u < args.due:  # Maya's calendar, copied: each gets a Lumen Health call whose brief is due at busy_at
                feeds.publish(path, calendar(Event(uid=f"due-{u}", start=busy_at + dt.timedelta(minutes=30),
                                                   title="Lumen Health weekly",
                                                   attendees=("rachel.adeyemi@lumenhealth.example.org",))))
            else:
                feeds.publish(path, feed_body(u, args.events, 1))
            user = MAYA if u == 0 else f"U{u:05d}"
            if u and u < args.due:
                slack.add_user(user, f"User {u}")
                svc.state.upsert_account(svc.state.resolve_account("Lumen Health").model_copy(
                    update={"team": [*svc.state.resolve_account("Lumen Health").team, user]}))
            registry.connect(svc.state.db, user_id=user, url=feeds.url(path), owner_email=None, added_by="bench",
                             now=idle_at)
        messenger = SlackMessenger(WebClient(token="xoxb-bench", base_url=slack.api_url, timeout=10))
        first, sync_wall, _ = _timed(lambda: run_once(svc, None, now=idle_at, force=True))
        idle, idle_wall, idle_cpu = _timed(lambda: run_once(svc, messenger, now=idle_at, use_llm=False))
        busy, busy_wall, busy_cpu = _timed(lambda: run_once(svc, messenger, now=busy_at, use_llm=False))
        again, again_wall, again_cpu = _timed(lambda: run_once(svc, messenger, now=busy_at, use_llm=False))
        slack.stop()
        sent = [p for p in busy.pushes if p.result == "sent"]
        print(json.dumps({
            "users": args.users, "events_per_feed": args.events, "first_sync_wall_s": round(sync_wall, 1),
            "idle_tick": {"wall_s": round(idle_wall, 2), "cpu_s": round(idle_cpu, 2), "pushes": len(idle.pushes)},
            "busy_tick": {"wall_s": round(busy_wall, 2), "cpu_s": round(busy_cpu, 2), "sent": len(sent),
                          "wall_s_per_brief": round(busy_wall / max(1, len(sent)), 2)},
            "repeat_tick": {"wall_s": round(again_wall, 2), "cpu_s": round(again_cpu, 2),
                            "results": sorted({p.result for p in again.pushes})},
            "meetings_stored": sum(f.meetings or 0 for f in first.feeds),
        }, indent=2))


if __name__ == "__main__":
    main()
