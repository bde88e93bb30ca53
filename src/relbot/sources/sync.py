"""Sync one live source: claim it, read its pages from the stored cursor, store each page, then the cursor.

Each page is stored before its cursor (``apply.apply_page``), so a sync killed at any point and run again
ends where one clean run would. A source that fails (rejected token, 5xx, timeout, a bug) fails alone: its
error and the next try (backoff; longer for errors only the operator can fix; never sooner than the
service's Retry-After) are recorded on its row, and the other sources still sync.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from relbot.backoff import next_attempt_delay
from relbot.errors import RelbotError
from relbot.sources.apply import DeleteRecords, PageReport, StoreRecords, apply_page
from relbot.sources.models import AccountDirectory, Connector, SourceError
from relbot.store import sources
from relbot.store.database import Database
from relbot.store.sources import SourceRow

log = logging.getLogger(__name__)

Result = Literal["ok", "failed", "busy", "lost", "unknown"]


@dataclass(frozen=True)
class SyncDeps:
    """What a sync needs, and nothing else: the state database, the record store's two operations, how to
    file objects to accounts (built per sync: accounts change) and how to reach a source."""

    db: Database
    store_records: StoreRecords
    delete_records: DeleteRecords
    directory: Callable[[], AccountDirectory]
    connect: Callable[[dict[str, Any]], Connector]
    owner: str  # this process, as lease holder
    poll_every: dt.timedelta = dt.timedelta(minutes=5)
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


@dataclass
class SyncOutcome:
    name: str
    result: Result
    report: PageReport = field(default_factory=PageReport)
    pages: int = 0
    error: str | None = None
    next_sync_at: dt.datetime | None = None

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "result": self.result, "pages": self.pages, "error": self.error,
                "next_sync_at": self.next_sync_at.isoformat() if self.next_sync_at else None,
                **self.report.to_json()}


def sync_source(deps: SyncDeps, name: str, *, due_only: bool = False, full: bool = False) -> SyncOutcome:
    """``due_only``: skip it unless its next sync is due (the scheduler); ``full``: read from the start."""
    if sources.get(deps.db, name) is None:
        return SyncOutcome(name, "unknown", error=f"no source named '{name}' (`relbot sources list`)")
    row = sources.claim(deps.db, name, owner=deps.owner, now=deps.clock(), due_only=due_only)
    if row is None:
        return SyncOutcome(name, "busy")
    outcome = SyncOutcome(name, "ok")
    try:
        _run(deps, row, outcome, full=full)
    except SourceError as exc:
        return _failed(deps, row, outcome, str(exc), permanent=exc.permanent, retry_after_s=exc.retry_after_s)
    except RelbotError as exc:  # the store or the state database could not be reached: try again soon
        return _failed(deps, row, outcome, str(exc), permanent=False, retry_after_s=None)
    except Exception as exc:  # a connector bug must not stop the other sources
        log.exception("Source %s failed unexpectedly", name)
        return _failed(deps, row, outcome, f"internal error ({type(exc).__name__}); see the logs", permanent=False,
                       retry_after_s=None)
    if outcome.result == "lost":
        return outcome
    now = deps.clock()
    outcome.next_sync_at = now + deps.poll_every
    sources.finish(deps.db, name, owner=deps.owner, now=now, next_sync_at=outcome.next_sync_at,
                   report={**outcome.report.to_json(), "pages": outcome.pages})
    log.info("Source %s synced: %d objects in %d pages (%d new, %d updated, %d removed, %d unfiled)", name,
             outcome.report.objects, outcome.pages, outcome.report.new, outcome.report.updated,
             outcome.report.removed, outcome.report.unfiled)
    return outcome


def _run(deps: SyncDeps, row: SourceRow, outcome: SyncOutcome, *, full: bool) -> None:
    connector = deps.connect(row.config)
    try:
        directory = deps.directory()
        for page in connector.pages({} if full else row.cursor, directory):
            outcome.report.add(apply_page(deps.db, row.name, page, store_records=deps.store_records,
                                          delete_records=deps.delete_records, now=deps.clock()))
            outcome.pages += 1
            if not sources.renew(deps.db, row.name, owner=deps.owner, cursor=page.cursor, now=deps.clock()):
                # Our lease ran out and another process has the source: it resumes from the last stored cursor.
                log.warning("Source %s: lease lost after %d pages; another process continues", row.name,
                            outcome.pages)
                outcome.result = "lost"
                return
    finally:
        connector.close()


def _failed(deps: SyncDeps, row: SourceRow, outcome: SyncOutcome, error: str, *, permanent: bool,
            retry_after_s: float | None) -> SyncOutcome:
    failures = row.failures + 1
    now = deps.clock()
    delay = next_attempt_delay(failures, permanent=permanent, retry_after_s=retry_after_s, jitter_key=row.name)
    outcome.result, outcome.error, outcome.next_sync_at = "failed", error, now + delay
    log.warning("Source %s failed (%d in a row; next try in %s): %s", row.name, failures, delay, error)
    sources.finish(deps.db, row.name, owner=deps.owner, now=now, next_sync_at=now + delay, report=None,
                   error=error, failures=failures, permanent=permanent)
    return outcome


def sync_due(deps: SyncDeps, *, names: list[str] | None = None, full: bool = False) -> list[SyncOutcome]:
    """Every due source (or these, due or not), one after the other; each fails alone."""
    if names is not None:
        return [sync_source(deps, n, full=full) for n in names]
    return [sync_source(deps, n, due_only=True, full=full) for n in sources.due(deps.db, now=deps.clock())]
