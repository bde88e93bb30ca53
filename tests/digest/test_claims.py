"""The delivery ledger on its own: one claim per (recipient, week), leases, retries, a bounded number of them."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from relbot.store import deliveries as claims
from relbot.store.state import StateDB
from tests.digest.conftest import NOW

WEEK = "2026-W48"


@pytest.fixture()
def state(state_target: str | Path) -> StateDB:
    return StateDB(state_target)


def test_the_first_claim_wins_until_sent(state: StateDB) -> None:
    first = claims.claim(state, "U1", WEEK, now=NOW)
    assert first is not None and first.attempt == 1
    assert claims.claim(state, "U1", WEEK, now=NOW + dt.timedelta(minutes=1)) is None  # in progress elsewhere
    assert claims.claim(state, "U2", WEEK, now=NOW) is not None  # another recipient
    assert claims.claim(state, "U1", "2026-W49", now=NOW) is not None  # another week
    claims.mark_sent(state, first, channel="DU1", ts="1.0001", now=NOW)
    assert claims.claim(state, "U1", WEEK, now=NOW + dt.timedelta(days=2)) is None  # never again
    entry = claims.entry(state, "U1", WEEK)
    assert entry is not None and (entry.status, entry.ts, entry.channel) == ("sent", "1.0001", "DU1")


def test_a_claim_left_by_a_dead_sender_is_taken_over_after_the_lease(state: StateDB) -> None:
    claims.claim(state, "U1", WEEK, now=NOW)
    assert claims.claim(state, "U1", WEEK, now=NOW + claims.LEASE - dt.timedelta(seconds=1)) is None
    again = claims.claim(state, "U1", WEEK, now=NOW + claims.LEASE)
    assert again is not None and again.attempt == 2


def test_failed_claims_are_retried_a_bounded_number_of_times(state: StateDB) -> None:
    now = NOW
    for attempt in range(1, claims.MAX_ATTEMPTS + 1):
        c = claims.claim(state, "U1", WEEK, now=now)
        assert c is not None and c.attempt == attempt
        claims.mark(state, c, "failed", "Slack said internal_error", now=now)
        now += dt.timedelta(minutes=1)
    assert claims.claim(state, "U1", WEEK, now=now) is None
    entry = claims.entry(state, "U1", WEEK)
    assert entry is not None and (entry.status, entry.attempts) == ("failed", claims.MAX_ATTEMPTS)


def test_a_stale_sender_cannot_undo_a_newer_attempt(state: StateDB) -> None:
    old = claims.claim(state, "U1", WEEK, now=NOW)
    assert old is not None
    new = claims.claim(state, "U1", WEEK, now=NOW + claims.LEASE)
    assert new is not None
    claims.mark(state, old, "failed", "late failure", now=NOW + claims.LEASE)
    entry = claims.entry(state, "U1", WEEK)
    assert entry is not None and entry.status == "claimed" and entry.attempts == 2


def test_racing_threads_get_exactly_one_claim(state: StateDB) -> None:
    barrier = threading.Barrier(16)
    won: list[claims.Claim] = []

    def race() -> None:
        barrier.wait()
        c = claims.claim(state, "U1", WEEK, now=NOW)
        if c:
            won.append(c)

    threads = [threading.Thread(target=race) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
