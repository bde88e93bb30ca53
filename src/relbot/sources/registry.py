"""Adding, listing and removing live sources, and how each one is doing (for `sources list`, `/relbot sources`
and App Home). Only where a secret lives is stored, never the secret; nothing here shows more than that."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from relbot.errors import RelbotError
from relbot.sources.config import HubSpotConfig, ImapConfig, SalesforceConfig
from relbot.sources.connectors import CONFIG, config_problems, parse_config, secret_of
from relbot.sources.models import SourceError
from relbot.store import source_objects, sources
from relbot.store.database import Database
from relbot.store.sources import SourceRow

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
KEEPS_FAILING = 3  # consecutive failures after which a source is shown as needing attention


class SourceSetupError(RelbotError):
    """A source's settings are wrong; the message says which and how to fix it."""


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise SourceSetupError(f"'{name}' is not a usable source name: use 1–40 lower-case letters, digits, '-' "
                               "or '_', starting with a letter or digit (e.g. hubspot, shared-inbox).")
    return name


def build_config(raw: dict[str, Any]) -> HubSpotConfig | SalesforceConfig | ImapConfig:
    try:
        return CONFIG.validate_python(raw)
    except ValidationError as exc:
        raise SourceSetupError(f"The {raw.get('type', 'source')} settings are not valid: {config_problems(exc)}.") \
            from None


def add_source(db: Database, *, name: str, config: HubSpotConfig | SalesforceConfig | ImapConfig,
               added_by: str | None, now: dt.datetime) -> None:
    check_name(name)
    if not sources.add(db, name=name, type_=config.type.value, config=config.model_dump(mode="json"),
                       added_by=added_by, now=now):
        raise SourceSetupError(f"There is already a source named '{name}'; pick another name or "
                               f"`relbot sources remove {name}` first.")


def remove_source(db: Database, name: str, *, delete_records: Callable[[list[str]], None] | None = None) -> int:
    """Forgets the source; with ``delete_records``, first deletes the records only it brought in (so a store
    that cannot be reached leaves the source in place, to try again). Returns how many records only it held."""
    if sources.get(db, name) is None:
        raise SourceSetupError(f"No source named '{name}' (`relbot sources list` shows them).")
    only_here = sources.held_only_by(db, name)
    if delete_records is not None and only_here:
        delete_records(only_here)
    sources.remove(db, name)
    return len(only_here)


@dataclass(frozen=True)
class SourceStatus:
    name: str
    type: str
    target: str  # where it reads from, without secrets: "api.hubapi.com", "imap.agency.com:993 INBOX"
    secret: str  # where its secret lives: "$HUBSPOT_TOKEN" or "file /run/secrets/x"
    added_at: dt.datetime
    synced_at: dt.datetime | None
    ok_at: dt.datetime | None
    objects: int
    unfiled: int
    failures: int
    error: str | None
    next_sync_at: dt.datetime
    syncing: bool
    last_report: dict[str, Any]

    @property
    def keeps_failing(self) -> bool:
        return self.failures >= KEEPS_FAILING

    def to_json(self) -> dict[str, object]:
        def iso(moment: dt.datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {"name": self.name, "type": self.type, "target": self.target, "secret": self.secret,
                "added_at": iso(self.added_at), "last_sync": iso(self.synced_at), "last_ok": iso(self.ok_at),
                "records": self.objects, "objects": self.objects, "unfiled": self.unfiled,
                "failures": self.failures, "error": self.error, "next_sync": iso(self.next_sync_at),
                "syncing": self.syncing, "last_run": self.last_report}


def _target(row: SourceRow) -> tuple[str, str]:
    try:
        config = parse_config(row.config)
    except SourceError:
        return "(invalid settings)", "?"
    if isinstance(config, HubSpotConfig):
        target = config.base_url.host or str(config.base_url)
    elif isinstance(config, SalesforceConfig):
        target = config.instance_url.host or str(config.instance_url)
    else:
        target = f"{config.username}@{config.host}:{config.port} {', '.join(config.folders)}"
    return target, secret_of(config).describe()


def statuses(db: Database, *, now: dt.datetime | None = None) -> list[SourceStatus]:
    now = now or dt.datetime.now(dt.UTC)
    counted = sources.counts(db)
    found = []
    for row in sources.listed(db):
        target, secret = _target(row)
        stored, unfiled = counted.get(row.name, (0, 0))
        found.append(SourceStatus(
            name=row.name, type=row.type, target=target, secret=secret, added_at=row.added_at,
            synced_at=row.synced_at, ok_at=row.ok_at, objects=stored, unfiled=unfiled, failures=row.failures,
            error=row.last_error, next_sync_at=row.next_sync_at,
            syncing=row.lease_until is not None and row.lease_until > now, last_report=row.last_report))
    return found


def unfiled(db: Database, name: str, *, limit: int = 200) -> list[tuple[str, str, str]]:
    if sources.get(db, name) is None:
        raise SourceSetupError(f"No source named '{name}' (`relbot sources list` shows them).")
    return source_objects.unfiled_list(db, name, limit=limit)
