"""The state database's connections: SQLite (the embedded default) or PostgreSQL, one engine per process.

SQLite: WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for writing transactions, so a writer takes the lock
when it starts instead of failing when a read turns into a write; reads run in deferred transactions
(one consistent snapshot). PostgreSQL: psycopg 3, connections checked before use, so a database that went
away and came back is reconnected to instead of failing every request. Either way a database that cannot be
reached is a ``StateUnavailableError`` whose message tells the user to try again, never a driver error.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url

from relbot.errors import ConfigError, StateUnavailableError

log = logging.getLogger(__name__)
SQLITE_BUSY_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5


class Database:
    """One state database. Build it once per process (``Database.open``) and pass it to what needs it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self.dialect = engine.dialect.name
        # SQLite has one writer at a time. Threads of one process queue here instead of in SQLite's busy
        # handler, whose sleeps (up to 100 ms a try) gave 8 contending threads a 105 ms p99 per claim.
        self._writer = _writer_lock(engine) if self.dialect == "sqlite" else contextlib.nullcontext()

    @classmethod
    def open(cls, target: str | Path) -> Database:
        """``target``: a SQLAlchemy URL, or the path of a SQLite file."""
        return cls(_engine_for(str(target) if isinstance(target, str) and "://" in target else Path(target)))

    @property
    def label(self) -> str:
        """The URL with any password hidden, for messages and `relbot db status`."""
        return self.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self._translated(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction, committed on exit, rolled back on error."""
        with self._translated(), self._writer, self.engine.connect() as conn:
            conn = conn.execution_options(relbot_write=True)
            with conn.begin():
                yield conn

    def insert(self, table: sa.Table) -> Any:
        """An INSERT that supports ``on_conflict_do_nothing`` / ``on_conflict_do_update`` on this backend."""
        return postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (exc.OperationalError, exc.InterfaceError) as error:
            # The driver's text can include host names and SQL; the log gets the kind, the user a plain message.
            log.warning("state database unavailable: %s", type(error.orig or error).__name__)
            raise StateUnavailableError(_reason(error)) from None


def _reason(error: exc.DBAPIError) -> str:
    text = str(error.orig or "").lower()
    if "locked" in text or "busy" in text:
        return "it stayed busy"
    if "timeout" in text or "timed out" in text:
        return "it did not answer in time"
    return "the connection failed"


# Claims are decided by how many rows an INSERT … ON CONFLICT or a conditional UPDATE touched; SQLAlchemy
# keeps an INSERT's row count only when asked to.
_ROWCOUNTS = {"preserve_rowcount": True}
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_writer_locks: dict[int, threading.Lock] = {}


def _writer_lock(engine: Engine) -> threading.Lock:
    with _engines_lock:
        return _writer_locks.setdefault(id(engine), threading.Lock())


def _engine_for(target: str | Path) -> Engine:
    key = str(target.resolve()) if isinstance(target, Path) else target
    with _engines_lock:
        if key not in _engines:
            _engines[key] = _sqlite_engine(target) if isinstance(target, Path) else _server_engine(target)
        return _engines[key]


def _server_engine(raw: str) -> Engine:
    try:
        url = make_url(raw)
    except exc.ArgumentError:
        raise ConfigError("RELBOT_DATABASE_URL is not a database URL; use e.g. "
                          "postgresql+psycopg://relbot@127.0.0.1:5432/relbot") from None
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(Path(url.database or "state.sqlite3"))
    if url.get_backend_name() != "postgresql":
        raise ConfigError(f"RELBOT_DATABASE_URL: '{url.get_backend_name()}' is not supported; "
                          "use PostgreSQL (postgresql+psycopg://…) or leave it unset for SQLite.")
    if url.get_driver_name() != "psycopg":  # "postgresql://" would mean psycopg2, which is not installed
        url = url.set(drivername="postgresql+psycopg")
    return sa.create_engine(
        url, execution_options=_ROWCOUNTS, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=10,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "relbot"},
    )


def _sqlite_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}", execution_options=_ROWCOUNTS,
                              connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # relbot emits BEGIN itself (below), pysqlite must not
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL's recommended durability: a commit survives a crash of relbot, the last ones may not survive a
        # power cut (the ledger's sender then finds its own earlier post in the DM and does not repeat it).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("relbot_write") else "BEGIN")

    return engine
