"""What polling calendars costs: N feeds of M events each, served over local HTTP by another process.

Four syncs of every feed (`sync_feeds(..., force=True)`, as `relbot calendar sync --force` runs them):
first read (all new); nothing changed (every feed answers 304); only restamped (200 with the same events
but every DTSTAMP new, as Google's export does: hashed, not parsed); everything changed (200 with new
events, parsed for the next 14 days, replacing that feed's meetings). CPU is this
process's (fetching, parsing, storing); the feed server's is not counted.

    .venv/bin/python -m bench.calendar                        # 500 feeds x 200 events, SQLite state
    .venv/bin/python -m bench.calendar --feeds 50 --events 200
    .venv/bin/python -m bench.calendar --postgres-url URL     # state in PostgreSQL

Prints JSON: per sync, wall seconds, CPU seconds, CPU ms per feed, results by kind, meetings stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from relbot.calendar import registry
from relbot.calendar.sync import SyncOptions, sync_feeds
from relbot.store.state import StateDB

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
CLIENTS = ["lumenhealth.example.org", "harborfoods.example.com", "crestline.example.com", "velafintech.example.com"]


def feed_body(feed: int, events: int, version: int, stamp: int = 0) -> bytes:
    """A Google-shaped feed: a quarter weekly series (with an EXDATE), the rest one-offs over three weeks."""
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:user{feed}@brightline.example.com",
             "X-WR-TIMEZONE:Europe/London"]
    for n in range(events):
        start = NOW - dt.timedelta(days=60 if n % 4 == 0 else 3) + dt.timedelta(hours=(n * 7) % (21 * 24))
        client = CLIENTS[(feed + n) % len(CLIENTS)]
        lines += ["BEGIN:VEVENT", f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                  f"DTEND:{start + dt.timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
                  f"DTSTAMP:20261201T0{(version + stamp) % 10}0{stamp % 10}00Z", f"UID:f{feed}-e{n}@google.com",
                  f"ORGANIZER;CN=User {feed}:mailto:user{feed}@brightline.example.com",
                  f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Client {n}:"
                  f"mailto:person{n % 17}@{client}",
                  f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=User {feed}:"
                  f"mailto:user{feed}@brightline.example.com",
                  f"DESCRIPTION:Agenda v{version}: status\\, timeline\\, budget. Join with Google Meet: "
                  f"https://meet.google.com/abc-defg-{n:03d}",
                  f"SEQUENCE:{version}", "STATUS:CONFIRMED", f"SUMMARY:Client call {n}"]
        if n % 4 == 0:
            lines += ["RRULE:FREQ=WEEKLY;COUNT=20", f"EXDATE:{start + dt.timedelta(weeks=3):%Y%m%dT%H%M%SZ}"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _serve(conn: Connection, feeds: int, events: int) -> None:
    from tests.support.ics_server import IcsServer

    with IcsServer() as server:
        for f in range(feeds):
            server.publish(f"/calendar/ical/user{f}/private-{f:04x}/basic.ics", feed_body(f, events, 1))
        conn.send(server.base_url)
        while (message := conn.recv()) != "stop":
            version, stamp = (int(part) for part in message.split(":"))
            for f in range(feeds):
                server.publish(f"/calendar/ical/user{f}/private-{f:04x}/basic.ics",
                               feed_body(f, events, version, stamp))
            conn.send("published")


def _sync(state: StateDB, options: SyncOptions, feeds: int, now: dt.datetime) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = sync_feeds(state.db, options, now=now, force=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "cpu_ms_per_feed": round(cpu * 1000 / feeds, 2),
            "wall_ms_per_feed": round(wall * 1000 / feeds, 2), "feeds": len(outcomes),
            "results": dict(Counter(o.result for o in outcomes)),
            "meetings": sum(o.meetings or 0 for o in outcomes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--postgres-url", help="state database URL (default: a SQLite file in a temp dir)")
    args = parser.parse_args()
    here, there = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(there, args.feeds, args.events))
    server.start()
    try:
        base = here.recv()
        with tempfile.TemporaryDirectory() as tmp:
            state = StateDB(args.postgres_url or Path(tmp) / "state.sqlite3")
            for f in range(args.feeds):
                url = f"{base}/calendar/ical/user{f}/private-{f:04x}/basic.ics"
                registry.connect(state.db, user_id=f"U{f:05d}", url=url, owner_email=f"user{f}@brightline.example.com",
                                 added_by="bench", now=NOW)
            options = SyncOptions(owner="bench:1:x", allow_private=True, workers=args.workers)
            report: dict[str, Any] = {"feeds": args.feeds, "events_per_feed": args.events, "workers": args.workers,
                                      "state": "postgresql" if args.postgres_url else "sqlite"}
            report["first_read"] = _sync(state, options, args.feeds, NOW)
            report["nothing_changed"] = _sync(state, options, args.feeds, NOW + dt.timedelta(minutes=5))
            here.send("1:1")  # Google's way: the same events, every DTSTAMP set to the time of the request
            here.recv()
            report["only_restamped"] = _sync(state, options, args.feeds, NOW + dt.timedelta(minutes=10))
            here.send("2:0")
            here.recv()
            report["all_changed"] = _sync(state, options, args.feeds, NOW + dt.timedelta(minutes=15))
            print(json.dumps(report, indent=2))
    finally:
        here.send("stop")
        server.join(timeout=30)


if __name__ == "__main__":
    main()
