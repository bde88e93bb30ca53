"""Shared short-lived entries (modal payloads, share pages, assistant context, used signatures), on SQLite and
PostgreSQL: what one process stores another reads, entries expire, a key is first used exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import sqlalchemy as sa

from relbot.store.schema import shared_entries
from relbot.store.shared_entries import SharedEntries
from relbot.store.state import StateDB

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_entries_are_shared_expire_and_are_swept(state_target: str | Path) -> None:
    clock = Clock()
    one = SharedEntries(StateDB(state_target), "modal", ttl=dt.timedelta(minutes=15), clock=clock)
    other_process = SharedEntries(StateDB(state_target), "modal", ttl=dt.timedelta(minutes=15), clock=clock)
    other_kind = SharedEntries(StateDB(state_target), "share", ttl=dt.timedelta(minutes=15), clock=clock)
    one.put("tok", '{"x": "a long message"}')
    assert other_process.get("tok") == '{"x": "a long message"}'
    assert other_kind.get("tok") is None  # kinds never see each other's keys
    one.put("tok", "replaced")
    assert other_process.get("tok") == "replaced"
    clock.now = T0 + dt.timedelta(minutes=16)
    assert other_process.get("tok") is None  # expired reads as absent
    one.put("new", "v")  # a write sweeps this kind's expired rows
    with StateDB(state_target).db.read() as conn:
        keys = conn.scalars(sa.select(shared_entries.c.key).where(shared_entries.c.kind == "modal")).all()
    assert keys == ["new"]


def test_a_key_is_first_used_exactly_once_across_threads_until_it_expires(state_target: str | Path) -> None:
    clock = Clock()
    guard = SharedEntries(StateDB(state_target), "signature", ttl=dt.timedelta(minutes=5, seconds=30), clock=clock)
    results: list[bool] = []
    lock = threading.Lock()

    def use() -> None:
        fresh = guard.first_use("v0=abc")
        with lock:
            results.append(fresh)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    clock.now = T0 + dt.timedelta(minutes=6)
    assert guard.first_use("v0=abc")  # forgotten after its window
    assert not guard.first_use("v0=abc")
