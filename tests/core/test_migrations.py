"""Versioned migrations: a state file written by relbot 0.1 (before migrations) is adopted in place with
everything in it; new databases on SQLite and PostgreSQL reach the newest schema; several processes
migrating one database at once do not collide; `relbot db status|migrate` report it."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from relbot.digest import stages, subscriptions
from relbot.models import Stage
from relbot.store import deliveries, migrator
from relbot.store.backfills import BackfillLedger
from relbot.store.database import Database
from relbot.store.schema import metadata, processed_events
from relbot.store.slack_messages import MessageIndex
from relbot.store.state import StateDB

ROUND_ONE = Path(__file__).resolve().parents[1] / "fixtures" / "state" / "round1.sql"


def _round_one_file(tmp_path: Path) -> Path:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(ROUND_ONE.read_text())
    return path


def test_a_state_file_from_before_migrations_is_migrated_in_place_and_keeps_everything(tmp_path: Path) -> None:
    path = _round_one_file(tmp_path)
    assert migrator.status(Database.open(path)).current is None

    state = StateDB(path)  # first open in this process: migrates

    status = migrator.status(state.db)
    assert status.up_to_date and status.current == status.head
    lumen = state.resolve_account("lumen")  # by alias, case-insensitively, as before
    assert lumen.name == "Lumen Health" and lumen.domains == ["lumenhealth.com"]
    assert [a.name for a in state.list_accounts()] == ["Harbor Foods", "Lumen Health"]
    assert state.account_for_channel("C0LUMEN01") == "Lumen Health"
    assert state.channels_for_account("lumen health") == ["C0LUMEN01"]
    snapshot = state.latest_snapshot("Lumen Health")
    assert snapshot is not None and snapshot[1]["as_of"] == "2026-11-27"
    with state.db.read() as conn:
        assert conn.scalars(sa.select(processed_events.c.event_id)).all() == ["Ev0123"]

    sub = subscriptions.subscription(state, "U0SAM01")
    assert sub is not None and sub.describe() == "Mondays at 08:00 (Europe/London)"
    sent, failed = deliveries.entry(state, "U0SAM01", "2026-W49"), deliveries.entry(state, "U0ALEX1", "2026-W49")
    assert sent is not None and sent.status == "sent" and sent.ts == "1764489600.000100"
    assert failed is not None and failed.status == "failed" and failed.error == "channel_not_found"
    now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    assert deliveries.claim(state, "U0SAM01", "2026-W49", now=now) is None  # sent stays sent
    retry = deliveries.claim(state, "U0ALEX1", "2026-W49", now=now)
    assert retry is not None and retry.attempt == 2  # failed is retried, counting on
    seen = stages.seen_before(state, "LUMEN HEALTH", "2026-W49")
    assert seen is not None and seen.week == "2026-W48" and seen.stage == Stage("inception")

    index = MessageIndex(state)
    saved = index.get("C0LUMEN01", "1764000000.000200")
    assert saved is not None and saved.record_ids == ["rec-a", "rec-b"]
    assert not index.claim("C0LUMEN01", "1764000000.000200", "Lumen Health")  # complete: not again
    assert index.claim("C0LUMEN01", "1764000001.000300", "Lumen Health")  # incomplete: taken again

    ledger = BackfillLedger(state)
    assert ledger.pending() == ["C0LUMEN01"]
    resumed = ledger.take("C0LUMEN01", "me", now=now)
    assert resumed is not None and (resumed.cursor, resumed.saved, resumed.pages) == ("dXNlcjpVMEc5V0ZYTlo=", 200, 1)


def test_a_migrated_database_has_exactly_the_declared_schema(state_target: str | Path) -> None:
    state = StateDB(state_target)
    inspector = sa.inspect(state.db.engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys()), table.name


def test_account_names_compare_without_case_on_every_backend(state_target: str | Path) -> None:
    from relbot.models import Account

    state = StateDB(state_target)
    state.upsert_account(Account(name="Lumen Health"))
    state.upsert_account(Account(name="LUMEN HEALTH", tier="platinum"))  # the same account, not a second one
    assert [(a.name, a.tier) for a in state.list_accounts()] == [("LUMEN HEALTH", "platinum")]
    state.link_channel("Lumen Health", "C1")
    assert state.channels_for_account("lumen health") == ["C1"]


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "relbot", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_db_status_and_migrate_and_concurrent_migrations(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres.create_database()
    env = {**os.environ, "RELBOT_DATA_DIR": str(tmp_path / "data"), "RELBOT_DATABASE_URL": url}
    out, _ = _cli(env, "db", "status", "--json").communicate(timeout=60)
    before = json.loads(out)
    assert before["backend"] == "postgresql" and before["current"] is None and before["pending"]
    assert "postgres@127.0.0.1" in before["database"]

    racers = [_cli(env, "db", "migrate") for _ in range(3)]  # three hosts deploying at once
    results = [p.communicate(timeout=120) for p in racers]
    assert [p.returncode for p in racers] == [0, 0, 0], [err for _, err in results]
    assert sum("applied" in out for out, _ in results) == 1  # one migrated, the others found it done
    out, _ = _cli(env, "db", "status", "--json").communicate(timeout=60)
    after = json.loads(out)
    assert after["up_to_date"] and after["current"] == after["head"]


def test_an_unreachable_or_unsupported_database_is_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "RELBOT_DATA_DIR": str(tmp_path / "data")}
    down = _cli({**env, "RELBOT_DATABASE_URL": "postgresql+psycopg://relbot:s3cret@127.0.0.1:9/relbot"},
                "accounts", "list")
    _, err = down.communicate(timeout=60)
    assert down.returncode == 2
    assert "not reachable right now" in err and "Try again" in err
    assert "s3cret" not in err and "Traceback" not in err
    other = _cli({**env, "RELBOT_DATABASE_URL": "mysql://relbot@127.0.0.1/relbot"}, "accounts", "list")
    _, err = other.communicate(timeout=60)
    assert other.returncode == 2 and "'mysql' is not supported" in err



def test_db_copy_moves_a_state_file_into_postgresql_once(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = _round_one_file(tmp_path)
    url = postgres.create_database()
    env = {**os.environ, "RELBOT_DATA_DIR": str(tmp_path / "data"), "RELBOT_DATABASE_URL": url}
    done = _cli(env, "db", "copy", str(source))
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert "2 accounts" in out and "2 brief_snapshots" in out
    state = StateDB(url)
    assert state.resolve_account("lumen").name == "Lumen Health"
    assert deliveries.entry(state, "U0SAM01", "2026-W49") is not None
    state.save_snapshot("Lumen Health", {"as_of": "2026-12-01"})  # the id sequence continues after the copied ids
    snapshot = state.latest_snapshot("Lumen Health")
    assert snapshot is not None and snapshot[1]["as_of"] == "2026-12-01"
    again = _cli(env, "db", "copy", str(source))
    _, err = again.communicate(timeout=120)
    assert again.returncode == 2 and "already holds relbot data" in err  # never merged twice


def test_the_named_head_is_the_migrations_head(tmp_path: Path) -> None:
    from relbot.store import schema_version

    db = Database.open(tmp_path / "state.sqlite3")
    assert migrator.status(db).head == schema_version.HEAD  # a new migration must move HEAD too
    assert schema_version.revision(db) is None
    schema_version.ensure_current(db)
    assert schema_version.revision(db) == schema_version.HEAD
