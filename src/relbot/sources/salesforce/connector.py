"""``SalesforceConnector``: the passes of a sync (Get Deleted, changed activity, backfills) over the Accounts
the registry files, a page per answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError

from relbot.sources.config import SalesforceConfig
from relbot.sources.models import AccountDirectory, Change, Cursor, Page, SourceError
from relbot.sources.salesforce.cursor import COMMIT_LAG, OBJECTS, Backfill, Progress, Stream
from relbot.sources.salesforce.errors import refusal, unreachable
from relbot.sources.salesforce.items import build_item
from relbot.sources.salesforce.soql import account_queries, activity_soql
from relbot.sources.salesforce.times import format_time, parse_time

_TIMEOUT = (10.0, 60.0)  # connect, read: a query of 2,000 rows answers in seconds; a hung proxy must not hang a sync
# A query travels in the URL (GET); Salesforce refuses URIs over 16,384 bytes. 300 quoted ids stay under 9 KB.
_MAX_ACCOUNTS = 300
_DELETED_DAYS = 15  # Get Deleted answers for no more than 15 days back
_DELETED_PAGE = 2000


@dataclass
class _Run:
    """One ``pages`` call: the names accounts are filed to and the facts for the sync report."""

    names: dict[str, str]  # 15-character Account id -> registry name
    ids: dict[str, str]  # 15-character id -> the id as the registry or Salesforce gave it
    notes: list[str] = field(default_factory=list)
    empty: int = 0


class SalesforceConnector:
    def __init__(self, config: SalesforceConfig, token: str, *, session: requests.Session | None = None,
                 commit_lag: dt.timedelta = COMMIT_LAG) -> None:
        self._config = config
        self._commit_lag = commit_lag
        self._token = token
        self._instance = str(config.instance_url).rstrip("/")
        self._owns_session = session is None
        self._session = session or requests.Session()
        # Every call names its timeout (and the CA, when the source has one: a session's own verify loses to a
        # REQUESTS_CA_BUNDLE in the environment, a known requests quirk, but a per-request one wins).
        self._call: dict[str, Any] = {"timeout": _TIMEOUT}
        if config.ca_bundle is not None:
            self._call["verify"] = str(config.ca_bundle)
        # Salesforce's clock, from each answer's Date header: Get Deleted windows must be in its time, not ours.
        self._server_time: dt.datetime | None = None
        self._first_server_time: dt.datetime | None = None
        self._session.hooks.setdefault("response", []).append(self._note_server_time)
        self._sf = Salesforce(instance_url=self._instance, session_id=token, version=config.api_version,
                              session=self._session)

    def close(self) -> None:
        if self._owns_session:  # a session handed in is its owner's to close
            self._session.close()

    def pages(self, cursor: Cursor, directory: AccountDirectory) -> Iterator[Page]:
        try:
            yield from self._pages(Progress.load(cursor), directory)
        except SalesforceError as exc:
            raise refusal(exc, instance=self._instance, config=self._config, token=self._token) from None
        except requests.exceptions.JSONDecodeError:  # a 200 that isn't JSON: a proxy's or a maintenance page
            raise SourceError(f"Salesforce at {self._instance} answered with something that isn't its JSON (a "
                              "proxy or maintenance page?); check instance_url. The sync tries again later.") from None
        except requests.RequestException as exc:
            raise unreachable(exc, instance=self._instance, token=self._token, read_timeout=_TIMEOUT[1]) from None

    # -- the passes ---------------------------------------------------------------------------------------

    def _pages(self, progress: Progress, directory: AccountDirectory) -> Iterator[Page]:
        self._first_server_time = None
        run = self._accounts(directory)
        progress.reread_recent(self._first_server_time, self._commit_lag)
        synced = [i for i in progress.accounts if i in run.names]
        # Deletions first: a record deleted and restored since the last sync is listed by Get Deleted, and
        # the queries after re-add it (its restore moved its stamp on), so it ends up kept.
        for sobject in OBJECTS:
            if synced:
                yield from self._deleted_pages(sobject, progress, run)
        for sobject in OBJECTS:
            if synced:
                yield from self._query_pages(sobject, synced, progress.streams[sobject], progress, run)
        yield from self._backfill(progress, synced, run)
        for sobject in OBJECTS:
            if progress.deleted_through[sobject] is None and progress.accounts and self._first_server_time:
                # What this first sync read is current as of its first answer: deletions from then on count.
                progress.deleted_through[sobject] = format_time(self._first_server_time)
        if run.empty:
            run.notes.append(f"{run.empty} Salesforce activities with neither subject nor description")
        yield Page([], progress.dump(), run.notes)

    def _accounts(self, directory: AccountDirectory) -> _Run:
        run = _Run({}, {})
        for sid in directory.salesforce_accounts():
            if name := directory.for_salesforce_account(sid, None):
                run.names[sid[:15]], run.ids[sid[:15]] = name, sid
        by_website = 0
        for soql in account_queries(directory):
            for row in self._sf.query_all_iter(soql, **self._call):
                key = row["Id"][:15]
                if key not in run.names and (name := directory.for_salesforce_account(row["Id"], row["Website"])):
                    run.names[key], run.ids[key] = name, row["Id"]
                    by_website += 1
        if by_website:
            run.notes.append(f"{by_website} Salesforce Accounts filed by their website's domain")
        if len(run.names) > _MAX_ACCOUNTS:
            raise SourceError(f"{len(run.names)} Salesforce Accounts are filed to the registry; this connector "
                              f"queries at most {_MAX_ACCOUNTS} — map fewer or split the source.", permanent=True)
        return run

    def _backfill(self, progress: Progress, synced: list[str], run: _Run) -> Iterator[Page]:
        """Whole history for Accounts not synced before (the first sync, or an Account mapped since)."""
        if progress.backfill is None:
            fresh = sorted(set(run.names) - set(synced))
            if not fresh:
                return
            progress.backfill = Backfill(fresh, {name: Stream() for name in OBJECTS})
        backfill = progress.backfill
        pending = [i for i in backfill.accounts if i in run.names]
        for sobject in OBJECTS:
            if pending:
                yield from self._query_pages(sobject, pending, backfill.streams[sobject], progress, run)
        for sobject in OBJECTS:
            # With Accounts already synced, their stream's position stands (it is no later than anything the
            # backfill, read after it, could have missed); on a first sync the backfill's is the only one.
            if not synced:
                progress.streams[sobject] = backfill.streams[sobject]
        progress.accounts = sorted(set(synced) | set(pending))
        progress.backfill = None

    def _query_pages(self, sobject: str, accounts: list[str], stream: Stream, progress: Progress,
                     run: _Run) -> Iterator[Page]:
        soql = activity_soql(sobject, [run.ids[i] for i in accounts], stream.since)
        for batch in self._batches(soql):
            changes = []
            for row in batch:
                if stream.skip(row):
                    continue
                changes.append(self._change(sobject, row, run))
                stream.advance(row)
            if batch:
                yield Page(changes, progress.dump())

    def _batches(self, soql: str) -> Iterator[list[dict[str, Any]]]:
        """One list per answer (up to 2,000 rows), following nextRecordsUrl. query_all_iter would hide where
        the batches end, and a page per batch is what keeps the sync's memory and its repeats bounded."""
        result = self._sf.query(soql, include_deleted=True, **self._call)
        yield list(result["records"])
        while not result["done"]:
            result = self._sf.query_more(result["nextRecordsUrl"], identifier_is_url=True, **self._call)
            yield list(result["records"])

    def _change(self, sobject: str, row: Mapping[str, Any], run: _Run) -> Change:
        key = f"{sobject}/{row['Id']}"
        account = run.names.get(str(row.get("AccountId") or "")[:15])
        if row.get("IsDeleted"):
            return Change(key, account, removed=True)
        item = build_item(sobject, row, f"{self._instance}/{row['Id']}", account)
        if item is None:
            # Nothing to keep; removed rather than skipped, so a record emptied by an edit leaves the store.
            run.empty += 1
            return Change(key, account, removed=True)
        return Change(key, account, (item,))

    def _deleted_pages(self, sobject: str, progress: Progress, run: _Run) -> Iterator[Page]:
        """Records deleted and then emptied from the Recycle Bin (or hard-deleted) since the last sync: queryAll
        no longer returns them, Get Deleted still lists their ids. It can't say which Account they were on."""
        start_raw, end = progress.deleted_through[sobject], self._server_time
        if start_raw is None or end is None:
            return  # set at the end of the first sync
        start = parse_time(start_raw)
        earliest = end - dt.timedelta(days=_DELETED_DAYS) + dt.timedelta(hours=1)
        if start < earliest:
            run.notes.append(f"Salesforce lists deleted {sobject} records for {_DELETED_DAYS} days only; records "
                             f"purged between {start:%Y-%m-%d} and {earliest:%Y-%m-%d} may still be in the store")
            start = earliest
        if end - start < dt.timedelta(minutes=1):
            return  # the resource ignores seconds: a window under a minute is empty
        result = self._sf.restful(f"sobjects/{sobject}/deleted/", params={"start": start.isoformat(),
                                                                         "end": end.isoformat()}, **self._call)
        removed = [Change(f"{sobject}/{entry['id']}", None, removed=True,
                          summary=f"{sobject} {entry['id']} deleted in Salesforce")
                   for entry in (result or {}).get("deletedRecords", [])]
        covered = (result or {}).get("latestDateCovered") or format_time(end)
        for offset in range(0, len(removed), _DELETED_PAGE):
            if offset + _DELETED_PAGE >= len(removed):
                progress.deleted_through[sobject] = covered
            yield Page(removed[offset:offset + _DELETED_PAGE], progress.dump())
        progress.deleted_through[sobject] = covered

    def _note_server_time(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if date := response.headers.get("Date"):
            try:
                self._server_time = parsedate_to_datetime(date).astimezone(dt.UTC)
            except (TypeError, ValueError):
                return
            self._first_server_time = self._first_server_time or self._server_time

