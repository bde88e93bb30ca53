"""`relbot db migrate` / `relbot db status [--json]`: the state database's schema version, for operators.

relbot migrates on its own when a process first opens the database; these let an operator do it ahead of a
rolling deploy, and see where a database stands.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from relbot.cli_support import print_json
from relbot.config import load_settings
from relbot.store import migrator
from relbot.store.database import Database


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="the state database: migrate it, or show its schema version")
    actions = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    actions.add_parser("migrate", help="apply pending migrations (RELBOT_DATABASE_URL, else the SQLite file)") \
        .set_defaults(handler=migrate)
    status_parser = actions.add_parser("status", help="current and newest schema version, migrations pending")
    status_parser.add_argument("--json", action="store_true")
    status_parser.set_defaults(handler=status)


def _database() -> Database:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Database.open(settings.state_db_target)


def migrate(args: argparse.Namespace) -> int:
    db = _database()
    applied = migrator.upgrade(db)
    after = migrator.status(db)
    if applied:
        print(f"{db.label}: applied {', '.join(applied)}; now at {after.current}.")
    else:
        print(f"{db.label}: up to date at {after.current}.")
    return 0


def status(args: argparse.Namespace) -> int:
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
