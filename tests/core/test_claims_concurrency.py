"""Claims under concurrency, on SQLite and PostgreSQL: of many threads (each its own connection) claiming
one Slack message or one event at the same moment, exactly one wins. An unfinished message claim is taken
over only once its saver is gone (exited on this host, or silent for the lease on another); a finished one
never."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from relbot.store.schema import slack_messages
from relbot.store.slack_messages import SAVE_LEASE, MessageIndex
from relbot.store.state import StateDB

THREADS = 8


def _race(claim: Callable[[], bool]) -> list[bool]:
    start = threading.Barrier(THREADS)
    results: list[bool] = []
    lock = threading.Lock()

    def contender() -> None:
        start.wait()
        won = claim()
        with lock:
            results.append(won)

    threads = [threading.Thread(target=contender) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _exited_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def _set_saver(state: StateDB, channel_id: str, ts: str, saver: str, *, age: dt.timedelta) -> None:
    c = slack_messages.c
    when = (dt.datetime.now(dt.UTC) - age).isoformat(timespec="seconds")
    with state.db.write() as conn:
        conn.execute(sa.update(slack_messages).where((c.channel_id == channel_id) & (c.ts == ts))
                     .values(saver=saver, saved_at=when))


def test_one_message_claim_wins_and_only_an_unfinished_claim_is_retaken(state_target: str | Path) -> None:
    state = StateDB(state_target)
    index = MessageIndex(state)
    assert sorted(_race(lambda: index.claim("C1", "1.0001", "Acme"))) == [False] * (THREADS - 1) + [True]
    assert not index.claim("C1", "1.0001", "Acme")  # its saver is alive and busy: not a second save
    _set_saver(state, "C1", "1.0001", f"{socket.gethostname()}:{_exited_pid()}:x", age=dt.timedelta(0))
    assert index.claim("C1", "1.0001", "Acme")  # the saver died on this host: taken over at once
    _set_saver(state, "C1", "1.0001", "another-host:1:x", age=dt.timedelta(seconds=30))
    assert not index.claim("C1", "1.0001", "Acme")  # another host's saver, within its lease
    _set_saver(state, "C1", "1.0001", "another-host:1:x", age=SAVE_LEASE + dt.timedelta(seconds=1))
    assert index.claim("C1", "1.0001", "Acme")  # silent past the lease: taken over
    index.set_records("C1", "1.0001", ["r1", "r2", "r1"])
    assert _race(lambda: index.claim("C1", "1.0001", "Acme")) == [False] * THREADS
    saved = index.get("C1", "1.0001")
    assert saved is not None and sorted(saved.record_ids) == ["r1", "r2"]


def test_one_event_claim_wins(state_target: str | Path) -> None:
    state = StateDB(state_target)
    assert sorted(_race(lambda: state.claim_event("Ev42"))) == [False] * (THREADS - 1) + [True]
