"""Alembic's entry point, run by relbot.store.migrator on a connection it already holds (and has locked)."""

from __future__ import annotations

from alembic import context

from relbot.store.schema import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
