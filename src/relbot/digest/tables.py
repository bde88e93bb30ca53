"""The digest's tables in the state DB, created on first use (the core schema in store/state.py stays
untouched): subscriptions, the delivery ledger that makes each (recipient, week) go out once, and the stage
each account had when a digest last looked."""

from __future__ import annotations

import threading

from relbot.store.state import StateDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS digest_subscriptions (
    user_id TEXT PRIMARY KEY,
    day INTEGER NOT NULL CHECK (day BETWEEN 0 AND 6),
    at TEXT NOT NULL,
    tz TEXT NOT NULL,
    updated_by TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS digest_deliveries (
    recipient TEXT NOT NULL,
    week TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
    token TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    claimed_at TEXT NOT NULL,
    channel TEXT,
    ts TEXT,
    error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (recipient, week)
);
CREATE TABLE IF NOT EXISTS digest_stages (
    account TEXT NOT NULL COLLATE NOCASE,
    week TEXT NOT NULL,
    stage TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (account, week)
);
"""

_ready: set[str] = set()
_lock = threading.Lock()


def ensure(state: StateDB) -> StateDB:
    """Create the tables once per database file and process; returns ``state`` for chaining."""
    key = str(state.path.resolve())
    with _lock:
        if key not in _ready:
            with state.connect() as db:
                db.executescript(SCHEMA)
            _ready.add(key)
    return state
