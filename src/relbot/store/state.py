"""SQLite state: account registry, channel links, brief snapshots, processed Slack events.

One short-lived connection per operation (WAL mode, busy timeout) so several threads and processes
on one host can share the file safely.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relbot.errors import UnknownAccountError
from relbot.models import Account

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_links (
    channel_id TEXT PRIMARY KEY,
    account TEXT NOT NULL COLLATE NOCASE,
    linked_by TEXT,
    linked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS brief_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL COLLATE NOCASE,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS brief_snapshots_account ON brief_snapshots (account, id);
CREATE TABLE IF NOT EXISTS processed_events (
    event_id TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS processed_events_seen ON processed_events (seen_at);
"""


EVENT_MEMORY = dt.timedelta(days=1)  # how long a Slack event id is remembered for de-duplication


class StateDB:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout=30000")
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- accounts ------------------------------------------------------------------------------
    def upsert_account(self, account: Account) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO accounts (name, data) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET data = excluded.data",
                (account.name, account.model_dump_json()),
            )

    def list_accounts(self) -> list[Account]:
        with self.connect() as db:
            rows = db.execute("SELECT data FROM accounts ORDER BY name COLLATE NOCASE").fetchall()
        return [Account.model_validate_json(row[0]) for row in rows]

    def find_account(self, name: str) -> Account | None:
        wanted = name.strip().casefold()
        for account in self.list_accounts():
            if account.name.casefold() == wanted or wanted in (a.casefold() for a in account.aliases):
                return account
        return None

    def resolve_account(self, name: str) -> Account:
        """The account called ``name`` (or an alias of it); otherwise an error naming the closest ones."""
        found = self.find_account(name)
        if found:
            return found
        raise UnknownAccountError(name, self.closest_accounts(name))

    def closest_accounts(self, name: str, limit: int = 3) -> list[str]:
        accounts = self.list_accounts()
        by_key: dict[str, str] = {}
        for account in accounts:
            for key in (account.name, *account.aliases):
                by_key.setdefault(key.casefold(), account.name)
        wanted = name.strip().casefold()
        matches = difflib.get_close_matches(wanted, by_key.keys(), n=limit * 2, cutoff=0.5)
        # Prefix and substring matches catch "lumen" for "Lumen Health", which difflib ranks low.
        matches += [k for k in by_key if wanted and (wanted in k or k.startswith(wanted))]
        names: list[str] = []
        for key in matches:
            if by_key[key] not in names:
                names.append(by_key[key])
        return names[:limit]

    def ensure_account(self, name: str) -> tuple[Account, bool]:
        """The account named ``name``, created with defaults if new; returns (account, created)."""
        found = self.find_account(name)
        if found:
            return found, False
        account = Account(name=name.strip())
        self.upsert_account(account)
        return account, True

    # -- channel links -------------------------------------------------------------------------
    def link_channel(self, account: str, channel_id: str, linked_by: str | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO channel_links (channel_id, account, linked_by, linked_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(channel_id) DO UPDATE SET account = excluded.account, "
                "linked_by = excluded.linked_by, linked_at = excluded.linked_at",
                (channel_id, account, linked_by, _now()),
            )

    def account_for_channel(self, channel_id: str) -> str | None:
        with self.connect() as db:
            row = db.execute("SELECT account FROM channel_links WHERE channel_id = ?", (channel_id,)).fetchone()
        return str(row[0]) if row else None

    def channels_for_account(self, account: str) -> list[str]:
        with self.connect() as db:
            rows = db.execute("SELECT channel_id FROM channel_links WHERE account = ?", (account,)).fetchall()
        return [str(r[0]) for r in rows]

    # -- brief snapshots -----------------------------------------------------------------------
    def save_snapshot(self, account: str, data: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO brief_snapshots (account, created_at, data) VALUES (?, ?, ?)",
                (account, _now(), json.dumps(data, default=str)),
            )

    def latest_snapshot(self, account: str) -> tuple[str, dict[str, Any]] | None:
        with self.connect() as db:
            row = db.execute(
                "SELECT created_at, data FROM brief_snapshots WHERE account = ? ORDER BY id DESC LIMIT 1",
                (account,),
            ).fetchone()
        return (str(row[0]), json.loads(row[1])) if row else None

    # -- Slack event de-duplication ------------------------------------------------------------
    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen; Slack retries of the same event return False."""
        now = dt.datetime.now(dt.UTC)
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO processed_events (event_id, seen_at) VALUES (?, ?)",
                (event_id, now.isoformat(timespec="seconds")),
            )
            # Slack stops retrying an event within minutes; a day's ids is ample, and the table stays small.
            db.execute("DELETE FROM processed_events WHERE seen_at < ?",
                       ((now - EVENT_MEMORY).isoformat(timespec="seconds"),))
            return cursor.rowcount == 1


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
