"""What syncing a CRM costs: a first sync of N HubSpot engagements, a sync when nothing changed, and one after
a few edits and archivals — through the official client against the local HubSpot double (tests/support),
served by another process so its CPU is not counted. Real Chroma store, real embedder, real state database.

    .venv/bin/python -m bench.sources                          # 10,000 engagements, SQLite state
    .venv/bin/python -m bench.sources --engagements 2000
    .venv/bin/python -m bench.sources --postgres-url URL       # state in PostgreSQL

Set RELBOT_MODELS_DIR to an exported model folder to skip the ~10 s export. Prints JSON: per sync, wall and
CPU seconds, objects and records per second, HTTP requests made, peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

COMPANIES = 20  # 16 mapped to accounts, 4 not (their engagements are unfiled)
TYPES = ("notes", "notes", "calls", "emails", "meetings", "tasks")
WORDS = ["budget", "timeline", "reporting", "cadence", "dashboard", "renewal", "pilot", "scope", "launch", "creative",
         "review", "approval", "invoice", "kickoff", "metrics", "audience", "campaign", "deliverables", "retainer",
         "workshop", "roadmap"]


def _text(n: int) -> str:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(40 + n % 40)]
    return f"Item {n}: " + " ".join(words) + "."


def _properties(kind: str, n: int) -> dict[str, str]:
    day = (dt.date(2026, 1, 1) + dt.timedelta(days=n % 330)).isoformat()
    stamp = f"{day}T10:00:00Z"
    if kind == "notes":
        return {"hs_note_body": f"<p>{_text(n)}</p>", "hs_timestamp": stamp, "hubspot_owner_id": "7"}
    if kind == "calls":
        return {"hs_call_title": f"Call {n}", "hs_call_body": _text(n), "hs_timestamp": stamp,
                "hs_call_direction": "OUTBOUND", "hs_call_duration": "1800000", "hubspot_owner_id": "7"}
    if kind == "emails":
        headers = {"from": {"email": f"client{n % 50}@company{n % COMPANIES}.example.com"},
                   "to": [{"email": "dana@agency.example.com"}]}
        return {"hs_email_subject": f"Re: plan {n % 300}", "hs_email_text": _text(n), "hs_timestamp": stamp,
                "hs_email_headers": json.dumps(headers), "hs_email_direction": "INCOMING_EMAIL"}
    if kind == "meetings":
        return {"hs_meeting_title": f"Review {n}", "hs_meeting_body": _text(n), "hs_timestamp": stamp,
                "hs_meeting_start_time": stamp, "hubspot_owner_id": "7"}
    return {"hs_task_subject": f"Follow up {n}", "hs_task_body": _text(n), "hs_timestamp": stamp,
            "hs_task_status": "NOT_STARTED", "hubspot_owner_id": "7"}


def _serve(conn: Connection, engagements: int) -> None:
    from tests.support.hubspot_server import HubSpotServer

    with HubSpotServer() as server:
        for c in range(COMPANIES):
            server.add_company(str(100 + c), domain=f"company{c}.example.com")
        server.add_owner("7", "Dana", "Reyes", "dana@agency.example.com")
        # Written over the hours before the sync (a second apart), as a CRM's history is: the next sync's
        # re-read of the minute before the last search (HubSpot's index lag) then finds only what is recent.
        start_ms = int(time.time() * 1000) - (engagements + 120) * 1000
        ids = [(kind, server.add_engagement(kind, _properties(kind, n), companies=[str(100 + n % COMPANIES)],
                                            modified_ms=start_ms + n * 1000))
               for n in range(engagements) for kind in [TYPES[n % len(TYPES)]]]
        conn.send((server.base_url, server.token))
        while True:
            command, arg = conn.recv()
            if command == "stop":
                return
            if command == "requests":
                conn.send(len(server.requests))
                server.reset_requests()
            elif command == "change":
                for kind, object_id in ids[:arg]:
                    server.edit(kind, object_id, {"hs_note_body": "<p>Edited: the pilot budget moved.</p>"}
                                if kind == "notes" else {"hs_timestamp": "2026-11-30T10:00:00Z"})
                for kind, object_id in ids[arg:arg + arg // 5]:
                    server.archive(kind, object_id)
                conn.send("ok")


def _timed(deps: Any, name: str) -> dict[str, Any]:
    from relbot.sources.sync import sync_source

    wall, cpu = time.perf_counter(), time.process_time()
    outcome = sync_source(deps, name)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    r = outcome.report
    return {"result": outcome.result, "error": outcome.error, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "pages": outcome.pages, "objects": r.objects, "new": r.new, "updated": r.updated,
            "unchanged": r.unchanged, "removed": r.removed, "unfiled": r.unfiled,
            "records_added": r.records_added, "records_deleted": r.records_deleted,
            "objects_per_s": round(r.objects / wall, 1) if wall else None,
            "records_per_s": round(r.records_added / wall, 1) if wall else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=50, help="engagements edited before the third sync "
                                                                "(and a fifth as many archived)")
    parser.add_argument("--postgres-url", help="keep the state in this PostgreSQL database")
    args = parser.parse_args()

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(child, args.engagements), daemon=True)
    server.start()
    base_url, token = parent.recv()
    os.environ["BENCH_HUBSPOT_TOKEN"] = token

    from relbot.config import load_settings
    from relbot.models import Account
    from relbot.services import build_services
    from relbot.sources.config import HubSpotConfig, SecretRef
    from relbot.sources.registry import add_source
    from relbot.sources.run import sync_deps

    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, Any] = {"data_dir": Path(tmp) / "data"}
        if os.environ.get("RELBOT_MODELS_DIR"):
            overrides["models_dir_override"] = Path(os.environ["RELBOT_MODELS_DIR"])
        if args.postgres_url:
            overrides["database_url"] = args.postgres_url
        services = build_services(load_settings(**overrides))
        for c in range(COMPANIES - 4):
            services.state.upsert_account(Account(name=f"Client {c}", hubspot_companies=[str(100 + c)]))
        add_source(services.state.db, name="hubspot", added_by="bench", now=dt.datetime.now(dt.UTC),
                   config=HubSpotConfig(token=SecretRef(env="BENCH_HUBSPOT_TOKEN"), base_url=base_url))
        services.embedder.embed(["warm up"])  # model load is not the sync's cost
        deps = sync_deps(services)
        runs: dict[str, Any] = {}
        parent.send(("requests", None))
        parent.recv()
        for label in ("first", "no_change"):
            runs[label] = _timed(deps, "hubspot")
            parent.send(("requests", None))
            runs[label]["http_requests"] = parent.recv()
        parent.send(("change", args.changed))
        parent.recv()
        runs["after_changes"] = _timed(deps, "hubspot")
        parent.send(("requests", None))
        runs["after_changes"]["http_requests"] = parent.recv()
        parent.send(("stop", None))
        report = {"engagements": args.engagements, "state": "postgresql" if args.postgres_url else "sqlite",
                  "runs": runs, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
