"""What the state database costs on the ack path: SQLite file vs a local PostgreSQL server.

Every signed command or interaction records its signature (the replay guard) before it is acked, and every
event its id; a digest send claims its row. This times those single-row claims, one thread and 8 threads
at once (8 connections contending for the same tables), on both backends.

    .venv/bin/python -m bench.state                       # starts a throwaway PostgreSQL (needs its binaries)
    .venv/bin/python -m bench.state --postgres-url URL    # or use yours

Prints JSON: p50/p99 in ms per operation, backend and concurrency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from relbot.store import deliveries
from relbot.store.shared_entries import SharedEntries
from relbot.store.state import StateDB

ROUNDS = 400


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2)}


def _time(operation: Callable[[], object], *, threads: int) -> dict[str, float]:
    samples: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = []
        for _ in range(ROUNDS // threads):
            started = time.perf_counter()
            operation()
            mine.append(time.perf_counter() - started)
        with lock:
            samples.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return _percentiles(samples)


def measure(state: StateDB) -> dict[str, dict[str, float]]:
    signatures = SharedEntries(state, "signature", ttl=dt.timedelta(minutes=5, seconds=30))
    now = dt.datetime.now(dt.UTC)
    out = {}
    for threads in (1, 8):
        out[f"replay_guard_x{threads}"] = _time(lambda: signatures.first_use(uuid.uuid4().hex), threads=threads)
        out[f"event_claim_x{threads}"] = _time(lambda: state.claim_event(uuid.uuid4().hex), threads=threads)
        out[f"digest_claim_x{threads}"] = _time(
            lambda: deliveries.claim(state, uuid.uuid4().hex[:10], "2026-W49", now=now), threads=threads)
    out["account_for_channel_x1"] = _time(lambda: state.account_for_channel("C0NONE"), threads=1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database (default: start a throwaway server)")
    args = parser.parse_args(argv)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        results["sqlite"] = measure(StateDB(Path(scratch) / "state.sqlite3"))
    server = None
    url = args.postgres_url
    if url is None:
        from tests.support.postgres import PostgresServer

        server = PostgresServer().start()
        url = server.create_database()
    try:
        results["postgresql"] = measure(StateDB(url))
    finally:
        if server:
            server.cleanup()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
