"""One sync per source at a time, on SQLite and PostgreSQL: a live holder elsewhere makes a sync stand aside, a
dead one on this host or an expired lease is taken over, racing claimers get it exactly once, and a sync that
loses its lease stops without moving the cursor."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from relbot.models import Account
from relbot.sources.config import HubSpotConfig, SecretRef
from relbot.sources.connectors import open_connector
from relbot.sources.directory import Directory
from relbot.sources.registry import add_source
from relbot.sources.sync import SyncDeps, sync_source
from relbot.store import sources
from relbot.store.schema import sources as table
from relbot.store.state import StateDB
from tests.support.hubspot_server import HubSpotServer

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
ELSEWHERE = "other-host.example:4242:abcd1234"


@pytest.fixture()
def hubspot(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubSpotServer]:
    with HubSpotServer() as server:
        server.add_company("101", domain="acme.com")
        for n in range(3):
            server.add_engagement("notes", {"hs_note_body": f"<p>Note {n} about the launch plan.</p>",
                                            "hs_timestamp": "2026-11-20T10:00:00Z"}, companies=["101"])
        monkeypatch.setenv("LEASE_TEST_TOKEN", server.token)
        yield server


@pytest.fixture()
def state(state_target: str | Path, hubspot: HubSpotServer) -> StateDB:
    db = StateDB(state_target)
    db.upsert_account(Account(name="Acme", hubspot_companies=["101"]))
    add_source(db.db, name="crm", config=HubSpotConfig(token=SecretRef(env="LEASE_TEST_TOKEN"),
                                                       base_url=hubspot.base_url), added_by="test", now=NOW)
    return db


def _deps(state: StateDB, services: Any, *, owner: str = "this-test:1:x", clock: dt.datetime = NOW,
          connect: Any = open_connector) -> SyncDeps:
    return SyncDeps(db=state.db, store_records=services.ingestor.store_records,
                    delete_records=services.store.delete_records,
                    directory=lambda: Directory.build(state.list_accounts(), lambda _: [], []),
                    connect=connect, owner=owner, clock=lambda: clock)


def _hold(state: StateDB, owner: str, until: dt.datetime) -> None:
    with state.db.write() as conn:
        conn.execute(table.update().where(table.c.name == "crm").values(
            lease_owner=owner, lease_until=until.isoformat(timespec="seconds")))


def test_a_live_holder_elsewhere_makes_the_sync_stand_aside_until_its_lease_ends(state: StateDB, services: Any) -> None:
    _hold(state, ELSEWHERE, NOW + dt.timedelta(minutes=5))
    assert sync_source(_deps(state, services), "crm").result == "busy"
    later = _deps(state, services, clock=NOW + dt.timedelta(minutes=6))
    outcome = sync_source(later, "crm")
    assert outcome.result == "ok" and outcome.report.new == 3
    row = sources.get(state.db, "crm")
    assert row is not None and row.lease_owner is None and row.cursor  # released, cursor stored


def test_a_dead_holder_on_this_host_is_taken_over_at_once(state: StateDB, services: Any) -> None:
    dead = f"{socket.gethostname()}:999999999:deadbeef"  # no such pid
    _hold(state, dead, NOW + dt.timedelta(minutes=5))
    assert sync_source(_deps(state, services), "crm").result == "ok"


def test_racing_claimers_get_the_source_exactly_once(state: StateDB) -> None:
    won: list[str] = []
    start = threading.Barrier(6)

    def claim(n: int) -> None:
        start.wait()
        if sources.claim(state.db, "crm", owner=f"racer:{n}:x", now=NOW, due_only=True) is not None:
            won.append(str(n))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1


def test_a_sync_that_loses_its_lease_stops_and_leaves_the_cursor_to_the_new_holder(
        state: StateDB, services: Any) -> None:
    def stealing_connector(raw: dict[str, Any]) -> Any:
        real = open_connector(raw)

        class Stolen:
            def pages(self, cursor: Any, directory: Any) -> Iterator[Any]:
                for page in real.pages(cursor, directory):
                    _hold(state, ELSEWHERE, NOW + dt.timedelta(minutes=5))  # another host took over meanwhile
                    yield page

            def close(self) -> None:
                real.close()

        return Stolen()

    outcome = sync_source(_deps(state, services, connect=stealing_connector), "crm")
    assert outcome.result == "lost" and outcome.pages == 1
    row = sources.get(state.db, "crm")
    assert row is not None and row.lease_owner == ELSEWHERE and row.cursor == {}  # not ours to move


def test_a_failure_is_recorded_with_backoff_and_the_next_success_clears_it(
        state: StateDB, services: Any, hubspot: HubSpotServer) -> None:
    hubspot.fail("/crm/v3/objects/notes/search", 500)
    failed = sync_source(_deps(state, services), "crm")
    assert failed.result == "failed" and "500" in (failed.error or "")
    row = sources.get(state.db, "crm")
    assert row is not None and row.failures == 1 and not row.permanent and row.next_sync_at > NOW
    assert sync_source(_deps(state, services), "crm", due_only=True).result == "busy"  # not due yet
    hubspot.clear()
    assert sync_source(_deps(state, services), "crm").result == "ok"
    row = sources.get(state.db, "crm")
    assert row is not None and row.failures == 0 and row.last_error is None
