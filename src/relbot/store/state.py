"""The state database's core tables: account registry, channel links, brief snapshots, processed Slack events.

``StateDB`` is the handle every part of relbot gets; the other tables have their own modules in this package,
each taking the ``Database`` (``state.db``) they need. SQLite by default, PostgreSQL when
``RELBOT_DATABASE_URL`` names one; migrated to the newest schema when first opened in a process.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from relbot.errors import UnknownAccountError
from relbot.models import Account
from relbot.store import schema_version
from relbot.store.database import Database
from relbot.store.schema import accounts, brief_snapshots, channel_links, processed_events

EVENT_MEMORY = dt.timedelta(days=1)  # how long a Slack event id is remembered for de-duplication
PRUNE_EVERY = dt.timedelta(minutes=1)  # forgetting old ids need not cost every event a second statement


class StateDB:
    def __init__(self, target: Database | str | Path) -> None:
        """``target``: an open Database, a SQLAlchemy URL, or a SQLite file path."""
        self.db = target if isinstance(target, Database) else Database.open(target)
        schema_version.ensure_current(self.db)
        self._pruned_at: dt.datetime | None = None

    # -- accounts ------------------------------------------------------------------------------
    def upsert_account(self, account: Account) -> None:
        insert = self.db.insert(accounts).values(name=account.name, data=account.model_dump_json())
        with self.db.write() as conn:
            conn.execute(insert.on_conflict_do_update(index_elements=["name"], set_={"data": insert.excluded.data}))

    def list_accounts(self) -> list[Account]:
        with self.db.read() as conn:
            rows = conn.execute(sa.select(accounts.c.data).order_by(accounts.c.name)).all()
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
        insert = self.db.insert(channel_links).values(
            channel_id=channel_id, account=account, linked_by=linked_by, linked_at=_now())
        with self.db.write() as conn:
            conn.execute(insert.on_conflict_do_update(index_elements=["channel_id"], set_={
                "account": insert.excluded.account, "linked_by": insert.excluded.linked_by,
                "linked_at": insert.excluded.linked_at}))

    def account_for_channel(self, channel_id: str) -> str | None:
        with self.db.read() as conn:
            found = conn.scalar(sa.select(channel_links.c.account).where(channel_links.c.channel_id == channel_id))
        return str(found) if found is not None else None

    def channels_for_account(self, account: str) -> list[str]:
        with self.db.read() as conn:
            rows = conn.scalars(sa.select(channel_links.c.channel_id).where(channel_links.c.account == account))
            return [str(r) for r in rows]

    # -- brief snapshots -----------------------------------------------------------------------
    def save_snapshot(self, account: str, data: dict[str, Any]) -> None:
        with self.db.write() as conn:
            conn.execute(sa.insert(brief_snapshots).values(
                account=account, created_at=_now(), data=json.dumps(data, default=str)))

    def latest_snapshot(self, account: str) -> tuple[str, dict[str, Any]] | None:
        query = (sa.select(brief_snapshots.c.created_at, brief_snapshots.c.data)
                 .where(brief_snapshots.c.account == account).order_by(brief_snapshots.c.id.desc()).limit(1))
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return (str(row[0]), json.loads(row[1])) if row else None

    # -- Slack event de-duplication ------------------------------------------------------------
    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen; Slack retries of the same event return False."""
        now = dt.datetime.now(dt.UTC)
        insert = self.db.insert(processed_events).values(event_id=event_id, seen_at=now.isoformat(timespec="seconds"))
        prune = self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY
        if prune:
            self._pruned_at = now
        with self.db.write() as conn:
            claimed = conn.execute(insert.on_conflict_do_nothing(index_elements=["event_id"])).rowcount == 1
            if prune:  # Slack stops retrying an event within minutes; a day's ids is ample, the table stays small
                conn.execute(sa.delete(processed_events).where(
                    processed_events.c.seen_at < (now - EVENT_MEMORY).isoformat(timespec="seconds")))
        return claimed


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
