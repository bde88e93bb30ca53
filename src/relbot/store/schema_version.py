"""Is this database at the newest schema? Answered with one query and no Alembic import.

Every relbot process opens the state database, most of them (CLI commands) briefly; importing Alembic to
learn the head revision cost ~170 ms each time. The head is therefore named here (a test keeps it equal to
the migrations' head), and Alembic is loaded only when a migration is actually due.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from relbot.store.database import Database

HEAD = "0005"  # the newest revision in store/migrations/versions

_current: set[str] = set()
_lock = threading.Lock()


def revision(db: Database) -> str | None:
    """The database's revision; None for a new database or one from before migrations."""
    with db.read() as conn:  # inside read(): an unreachable database is a StateUnavailableError
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        found = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    return str(found) if found is not None else None


def ensure_current(db: Database) -> None:
    """Migrate once per process and database, if behind."""
    with _lock:
        if db.label in _current:
            return
        if revision(db) != HEAD:
            from relbot.store import migrator  # Alembic: only when there is something to apply

            migrator.upgrade(db)
        _current.add(db.label)
