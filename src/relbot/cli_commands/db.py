"""`relbot db migrate` / `relbot db status [--json]` / `relbot db copy SQLITE_FILE`: the state database, for
operators.

relbot migrates on its own when a process first opens the database; these let an operator do it ahead of a
rolling deploy, and see where a database stands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from relbot.cli_support import print_json
from relbot.config import load_settings
from relbot.errors import RelbotError
from relbot.store.database import Database


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="the state database: migrate it, or show its schema version")
    actions = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    actions.add_parser("migrate", help="apply pending migrations (RELBOT_DATABASE_URL, else the SQLite file)") \
        .set_defaults(handler=migrate)
    status_parser = actions.add_parser("status", help="current and newest schema version, migrations pending")
    status_parser.add_argument("--json", action="store_true")
    status_parser.set_defaults(handler=status)
    copy_parser = actions.add_parser(
        "copy", help="copy a SQLite state file into the database RELBOT_DATABASE_URL names (which must be empty)")
    copy_parser.add_argument("source", type=Path, help="e.g. /srv/relbot-data/state.sqlite3")
    copy_parser.set_defaults(handler=copy)


def _database() -> Database:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Database.open(settings.state_db_target)


def migrate(args: argparse.Namespace) -> int:
    from relbot.store import migrator  # Alembic loads only for the db commands, not every CLI call

    db = _database()
    applied = migrator.upgrade(db)
    after = migrator.status(db)
    if applied:
        print(f"{db.label}: applied {', '.join(applied)}; now at {after.current}.")
    else:
        print(f"{db.label}: up to date at {after.current}.")
    return 0


def status(args: argparse.Namespace) -> int:
    from relbot.store import migrator

    db = _database()
    state = migrator.status(db)
    if args.json:
        print_json({"database": state.database, "backend": db.dialect, "current": state.current,
                    "head": state.head, "pending": list(state.pending), "up_to_date": state.up_to_date})
        return 0
    print(f"database: {state.database} ({db.dialect})")
    print(f"schema:   {state.current or 'none (new, or from before migrations)'}; newest {state.head}")
    if state.pending:
        print(f"pending:  {', '.join(state.pending)} — run `relbot db migrate`, or start relbot, which migrates first",
              file=sys.stdout)
    else:
        print("pending:  none")
    return 0


def copy(args: argparse.Namespace) -> int:
    from relbot.store.copy import copy_database

    if not args.source.is_file():
        raise RelbotError(f"{args.source} is not a file; give the path of a relbot state.sqlite3.")
    target = _database()
    if target.dialect == "sqlite":
        raise RelbotError("Set RELBOT_DATABASE_URL to the database to copy into (e.g. PostgreSQL); it is unset.")
    copied = copy_database(Database.open(args.source), target)
    total = sum(copied.values())
    print(f"Copied {total} row(s) into {target.label}: " + ", ".join(f"{n} {t}" for t, n in copied.items() if n))
    return 0
