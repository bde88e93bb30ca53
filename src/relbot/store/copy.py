"""Copy a whole state database into another (SQLite file → PostgreSQL when a team moves to replicas).

Both are first brought to the newest schema; the target must be empty, so a copy never merges two
histories. Rows keep their keys (snapshot and feedback ids included), and PostgreSQL's id sequences are moved
past them.
"""

from __future__ import annotations

import sqlalchemy as sa

from relbot.errors import RelbotError
from relbot.store import migrator
from relbot.store.database import Database
from relbot.store.schema import brief_snapshots, feedback, metadata

BATCH = 1_000


def copy_database(source: Database, target: Database) -> dict[str, int]:
    """Rows copied per table."""
    if source.label == target.label:
        raise RelbotError("The source and the target are the same database; nothing to copy.")
    migrator.upgrade(source)
    migrator.upgrade(target)
    with target.read() as conn:
        occupied = [t.name for t in metadata.sorted_tables if conn.scalar(sa.select(sa.func.count()).select_from(t))]
    if occupied:
        raise RelbotError(f"The target database already holds relbot data ({', '.join(occupied)}); copy into an "
                          "empty database, so two histories are never merged.")
    copied: dict[str, int] = {}
    with source.read() as reading, target.write() as writing:
        for table in metadata.sorted_tables:
            copied[table.name] = 0
            rows = reading.execute(sa.select(table)).mappings()
            while batch := [dict(row) for row in rows.fetchmany(BATCH)]:
                writing.execute(sa.insert(table), batch)
                copied[table.name] += len(batch)
        for numbered in (brief_snapshots.name, feedback.name):  # tables whose ids come from a sequence
            if target.dialect == "postgresql" and copied.get(numbered):
                writing.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{numbered}', 'id'), "
                                        f"(SELECT max(id) FROM {numbered}))"))
    return copied
