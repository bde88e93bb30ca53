"""Claims under concurrency, on SQLite and PostgreSQL: of many threads (each its own connection) claiming
one Slack message or one event at the same moment, exactly one wins; an unfinished message claim (its saver
died) is taken again by the next delivery, a finished one never. (Two deliveries retaking one unfinished
claim at once may both save it: harmless, records are content-addressed and upserted.)"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from relbot.store.slack_messages import MessageIndex
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


def test_one_message_claim_wins_and_only_an_unfinished_claim_is_retaken(state_target: str | Path) -> None:
    index = MessageIndex(StateDB(state_target))
    assert sorted(_race(lambda: index.claim("C1", "1.0001", "Acme"))) == [False] * (THREADS - 1) + [True]
    assert index.claim("C1", "1.0001", "Acme")  # the winner died before finishing: the next delivery retakes it
    index.set_records("C1", "1.0001", ["r1", "r2", "r1"])
    assert _race(lambda: index.claim("C1", "1.0001", "Acme")) == [False] * THREADS
    saved = index.get("C1", "1.0001")
    assert saved is not None and sorted(saved.record_ids) == ["r1", "r2"]


def test_one_event_claim_wins(state_target: str | Path) -> None:
    state = StateDB(state_target)
    assert sorted(_race(lambda: state.claim_event("Ev42"))) == [False] * (THREADS - 1) + [True]
