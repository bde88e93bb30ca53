"""Versioned migrations of the state database (Alembic), applied in place on first start and by
`relbot db migrate`.

Every process that opens the database brings it to the newest schema before using it. Several replicas
starting together migrate one at a time: the migration runs inside one write transaction that first takes
the database's lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-level advisory lock), and each
checks the version again once it holds the lock.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from relbot.store.database import Database

SCRIPT_LOCATION = "relbot.store:migrations"
ADVISORY_LOCK_ID = 7_402_913_551  # any constant: relbot's migration lock on a shared PostgreSQL


@dataclass(frozen=True)
class MigrationStatus:
    database: str
    current: str | None  # None: a database never migrated (new, or written before migrations existed)
    head: str
    pending: tuple[str, ...]  # revisions still to apply, oldest first

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def _current(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def status(db: Database) -> MigrationStatus:
    scripts = _scripts()
    with db.read() as conn:
        current = _current(conn)
    head = scripts.get_current_head()
    assert head is not None
    pending = [s.revision for s in scripts.iterate_revisions(head, current)]
    return MigrationStatus(database=db.label, current=current, head=head, pending=tuple(reversed(pending)))


def upgrade(db: Database) -> tuple[str, ...]:
    """Apply what is pending; returns the revisions applied (none when up to date)."""
    if status(db).up_to_date:
        return ()
    with db.write() as conn:
        if db.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        before = _current(conn)
        command.upgrade(_config(conn), "head")
        after = _current(conn)
    scripts = _scripts()
    return tuple(reversed([s.revision for s in scripts.iterate_revisions(after or "base", before)])) if after else ()
