"""Salesforce Tasks and Events of the registry's accounts, as ``Change``s (REST API through simple-salesforce).

Which Salesforce Accounts: the ids the registry maps, plus Accounts whose Website is at a registry domain. Their
activity is read by ``SystemModstamp`` through queryAll, so a deletion (``IsDeleted``) arrives in the same pass
as an edit, and so do archived activities (older than a year, which plain query hides). Records emptied from
the Recycle Bin no longer show in queryAll; the Get Deleted resource lists them for the last 15 days.

Cursor (JSON)::

    {"Task":  {"since": "2026-11-30T10:00:00.000+0000", "seen": {"00T…": "<fingerprint>"},
               "deleted_through": "2026-11-30T10:00:00.000+0000"},
     "Event": {…},
     "accounts": ["001…"],                # 15-character ids whose history is synced
     "backfill": {"accounts": ["001…"], "Task": {"since", "seen"}, "Event": {…}}}   # only while one runs

``since`` is the newest ``SystemModstamp`` read and ``seen`` the rows read at exactly that instant (Salesforce
stamps to the second, so many rows share one): the next query asks ``>= since`` and skips those rows unless
their content changed (an edit inside the same second keeps the stamp).

A sync runs, each part a page per answer of up to 2,000 rows: Get Deleted since ``deleted_through``; the
Accounts already synced from ``since``; then a backfill, without the time filter, of Accounts not in
``accounts`` (all of them on a first sync; later, one the registry has mapped since), so mapping an Account
late still brings its history. Each page carries the whole cursor after it: resuming from any page loses
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from relbot.ingest.loaders.text import normalize_line, normalize_ws
from relbot.models import SourceItem, SourceKind
from relbot.sources.config import SalesforceConfig
from relbot.sources.models import AccountDirectory, Change, Cursor, Page, SourceError

OBJECTS = ("Task", "Event")
_FIELDS = {
    "Task": ("Id", "Subject", "Description", "ActivityDate", "CreatedDate", "Status", "Priority", "TaskSubtype",
             "Owner.Name", "Who.Name", "AccountId", "SystemModstamp", "IsDeleted"),
    "Event": ("Id", "Subject", "Description", "StartDateTime", "EndDateTime", "ActivityDate", "IsAllDayEvent",
              "Location", "Owner.Name", "Who.Name", "AccountId", "SystemModstamp", "IsDeleted"),
}
_TIMEOUT = (10.0, 60.0)  # connect, read: a query of 2,000 rows answers in seconds; a hung proxy must not hang a sync
# A query travels in the URL (GET); Salesforce refuses URIs over 16,384 bytes. 300 quoted ids stay under 9 KB.
_MAX_ACCOUNTS = 300
_DOMAINS_PER_QUERY = 40
_DELETED_DAYS = 15  # Get Deleted answers for no more than 15 days back
_DELETED_PAGE = 2000
# REQUEST_LIMIT_EXCEEDED is a rolling 24-hour allowance (or the concurrent long-request cap, which clears in
# seconds): capacity comes back continuously, so a 15-minute wait costs a handful of calls, where an hour would
# leave the history an hour staler for nothing.
_RATE_LIMIT_RETRY_S = 900.0
_SOQL_TIME = "%Y-%m-%dT%H:%M:%SZ"
_TASK_LABELS = {"Call": "Call", "Email": "Email", "ListEmail": "Email", "LinkedIn": "LinkedIn"}


# -- cursor ------------------------------------------------------------------------------------------------


def _parse_time(value: str) -> dt.datetime:
    """Salesforce's "2026-11-30T10:00:00.000+0000" (and ISO forms with a colon or Z)."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _fingerprint(row: Mapping[str, Any]) -> str:
    content = {key: value for key, value in row.items() if key != "attributes"}
    return hashlib.sha1(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:12]


@dataclass
class _Stream:
    """Where one query stream stands: the newest stamp read and what was read at it."""

    since: str | None = None
    seen: dict[str, str] = field(default_factory=dict)  # id -> fingerprint of the rows stamped ``since``

    @classmethod
    def load(cls, raw: Any) -> _Stream:
        if not isinstance(raw, Mapping):
            return cls()
        seen = raw.get("seen") or {}
        if isinstance(seen, list):  # ids without fingerprints: skip them whatever they say
            seen = {str(i): "" for i in seen}
        return cls(raw.get("since"), {str(k): str(v) for k, v in seen.items()})

    def dump(self) -> dict[str, Any]:
        return {"since": self.since, "seen": dict(self.seen)}

    def skip(self, row: Mapping[str, Any]) -> bool:
        if self.since is None:
            return False
        stamp, since = _parse_time(row["SystemModstamp"]), _parse_time(self.since)
        if stamp != since:
            return stamp < since  # older: read before (the SOQL literal is cut to whole seconds)
        known = self.seen.get(row["Id"])
        return known is not None and known in ("", _fingerprint(row))

    def advance(self, row: Mapping[str, Any]) -> None:
        stamp = row["SystemModstamp"]
        if self.since is None or _parse_time(stamp) > _parse_time(self.since):
            self.since, self.seen = stamp, {}
        self.seen[row["Id"]] = _fingerprint(row)


@dataclass
class _Backfill:
    accounts: list[str]
    streams: dict[str, _Stream]


@dataclass
class _Progress:
    streams: dict[str, _Stream]
    deleted_through: dict[str, str | None]
    accounts: list[str]
    backfill: _Backfill | None = None

    @classmethod
    def load(cls, cursor: Cursor) -> _Progress:
        backfill = None
        if isinstance(raw := cursor.get("backfill"), Mapping):
            backfill = _Backfill([str(i) for i in raw.get("accounts", [])],
                                 {name: _Stream.load(raw.get(name)) for name in OBJECTS})
        return cls(
            streams={name: _Stream.load(cursor.get(name)) for name in OBJECTS},
            deleted_through={name: (cursor.get(name) or {}).get("deleted_through") for name in OBJECTS},
            accounts=[str(i) for i in cursor.get("accounts", [])],
            backfill=backfill,
        )

    def dump(self) -> dict[str, Any]:
        cursor: dict[str, Any] = {
            name: {**self.streams[name].dump(), "deleted_through": self.deleted_through[name]} for name in OBJECTS}
        cursor["accounts"] = sorted(self.accounts)
        if self.backfill is not None:
            cursor["backfill"] = {"accounts": sorted(self.backfill.accounts),
                                  **{name: self.backfill.streams[name].dump() for name in OBJECTS}}
        return cursor


# -- SOQL ---------------------------------------------------------------------------------------------------


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _like_domain(domain: str) -> str:
    # LIKE is only a first cut ("notacme.com" matches too); the directory decides on the exact host.
    escaped = domain.replace("\\", "\\\\").replace("'", "\\'").replace("%", "\\%").replace("_", "\\_")
    return f"Website LIKE '%{escaped}%'"


def _activity_soql(sobject: str, account_ids: Sequence[str], since: str | None) -> str:
    where = f"AccountId IN ({', '.join(_quote(i) for i in sorted(account_ids))})"
    if since is not None:
        # SOQL takes whole seconds; rows inside the second already read are skipped by the stream.
        where += f" AND SystemModstamp >= {_parse_time(since).astimezone(dt.UTC).strftime(_SOQL_TIME)}"
    return f"SELECT {', '.join(_FIELDS[sobject])} FROM {sobject} WHERE {where} ORDER BY SystemModstamp, Id"


def _account_queries(directory: AccountDirectory) -> list[str]:
    select = "SELECT Id, Name, Website FROM Account WHERE "
    domains = sorted({d.strip().lower() for d in directory.domains() if d.strip()})
    return [select + " OR ".join(_like_domain(d) for d in domains[start:start + _DOMAINS_PER_QUERY])
            for start in range(0, len(domains), _DOMAINS_PER_QUERY)]


# -- items --------------------------------------------------------------------------------------------------


def _name(row: Mapping[str, Any], relation: str) -> str | None:
    related = row.get(relation)  # {"attributes": …, "Name": …}, or null when the lookup is empty
    if not isinstance(related, Mapping):
        return None
    return normalize_line(str(related.get("Name") or "")) or None


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(value) if len(value) == 10 else _parse_time(value).astimezone(dt.UTC).date()


def _task_lines(row: Mapping[str, Any]) -> tuple[str, list[str]]:
    label = _TASK_LABELS.get(row.get("TaskSubtype") or "", "Task")
    facts = []
    if label != "Email" and row.get("Status"):  # an e-mail's status is always Completed: noise
        facts.append(f"Status: {row['Status']}")
    if row.get("Priority") and row["Priority"] != "Normal":
        facts.append(f"{row['Priority']} priority")
    return label, [" · ".join(facts)] if facts else []


def _event_lines(row: Mapping[str, Any]) -> tuple[str, list[str]]:
    facts = []
    start, end = row.get("StartDateTime"), row.get("EndDateTime")
    if row.get("IsAllDayEvent") and row.get("ActivityDate"):
        facts.append(f"When: {row['ActivityDate']} (all day)")
    elif start:
        begin = _parse_time(start).astimezone(dt.UTC)
        until = f"–{_parse_time(end).astimezone(dt.UTC):%H:%M}" if end else ""
        facts.append(f"When: {begin:%Y-%m-%d %H:%M}{until} UTC")
    if location := normalize_line(row.get("Location") or ""):
        facts.append(f"Where: {location}")
    return "Meeting", [" · ".join(facts)] if facts else []


def _item(sobject: str, row: Mapping[str, Any], source: str, account: str | None) -> SourceItem | None:
    subject = normalize_line(row.get("Subject") or "")
    body = normalize_ws(row.get("Description") or "")
    if not subject and not body:
        return None
    label, facts = _task_lines(row) if sobject == "Task" else _event_lines(row)
    head = f"{label} — {subject}" if subject else label
    who = _name(row, "Who")
    if sobject == "Task":
        date = _day(row.get("ActivityDate")) or _day(row.get("CreatedDate"))
    else:
        date = _day(row.get("ActivityDate")) or _day(row.get("StartDateTime"))
    return SourceItem(
        text="\n".join(part for part in (head, *facts, body) if part), kind=SourceKind.CRM, source=source,
        position=0, date=date, author=_name(row, "Owner"), title=subject or None, account=account,
        participants=(who,) if who else ())


# -- errors -------------------------------------------------------------------------------------------------


def _salesforce_says(content: Any) -> tuple[str, str]:
    """(errorCode, message) from Salesforce's ``[{"message": …, "errorCode": …}]`` body (or whatever came)."""
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return "", normalize_line(str(content))[:300]


# -- the connector ------------------------------------------------------------------------------------------


@dataclass
class _Run:
    """One ``pages`` call: the names accounts are filed to and the facts for the sync report."""

    names: dict[str, str]  # 15-character Account id -> registry name
    ids: dict[str, str]  # 15-character id -> the id as the registry or Salesforce gave it
    notes: list[str] = field(default_factory=list)
    empty: int = 0


class SalesforceConnector:
    def __init__(self, config: SalesforceConfig, token: str, *, session: requests.Session | None = None) -> None:
        self._config = config
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
            yield from self._pages(_Progress.load(cursor), directory)
        except SalesforceError as exc:
            raise self._refusal(exc) from None
        except requests.exceptions.JSONDecodeError:  # a 200 that isn't JSON: a proxy's or a maintenance page
            raise SourceError(f"Salesforce at {self._instance} answered with something that isn't its JSON (a "
                              "proxy or maintenance page?); check instance_url. The sync tries again later.") from None
        except requests.RequestException as exc:
            raise self._unreachable(exc) from None

    # -- the passes ---------------------------------------------------------------------------------------

    def _pages(self, progress: _Progress, directory: AccountDirectory) -> Iterator[Page]:
        self._first_server_time = None
        run = self._accounts(directory)
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
                progress.deleted_through[sobject] = _format_time(self._first_server_time)
        if run.empty:
            run.notes.append(f"{run.empty} Salesforce activities with neither subject nor description")
        yield Page([], progress.dump(), run.notes)

    def _accounts(self, directory: AccountDirectory) -> _Run:
        run = _Run({}, {})
        for sid in directory.salesforce_accounts():
            if name := directory.for_salesforce_account(sid, None):
                run.names[sid[:15]], run.ids[sid[:15]] = name, sid
        by_website = 0
        for soql in _account_queries(directory):
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

    def _backfill(self, progress: _Progress, synced: list[str], run: _Run) -> Iterator[Page]:
        """Whole history for Accounts not synced before (the first sync, or an Account mapped since)."""
        if progress.backfill is None:
            fresh = sorted(set(run.names) - set(synced))
            if not fresh:
                return
            progress.backfill = _Backfill(fresh, {name: _Stream() for name in OBJECTS})
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

    def _query_pages(self, sobject: str, accounts: list[str], stream: _Stream, progress: _Progress,
                     run: _Run) -> Iterator[Page]:
        soql = _activity_soql(sobject, [run.ids[i] for i in accounts], stream.since)
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
        item = _item(sobject, row, f"{self._instance}/{row['Id']}", account)
        if item is None:
            # Nothing to keep; removed rather than skipped, so a record emptied by an edit leaves the store.
            run.empty += 1
            return Change(key, account, removed=True)
        return Change(key, account, (item,))

    def _deleted_pages(self, sobject: str, progress: _Progress, run: _Run) -> Iterator[Page]:
        """Records deleted and then emptied from the Recycle Bin (or hard-deleted) since the last sync: queryAll
        no longer returns them, Get Deleted still lists their ids. It can't say which Account they were on."""
        start_raw, end = progress.deleted_through[sobject], self._server_time
        if start_raw is None or end is None:
            return  # set at the end of the first sync
        start = _parse_time(start_raw)
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
        covered = (result or {}).get("latestDateCovered") or _format_time(end)
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

    # -- errors -------------------------------------------------------------------------------------------

    def _scrub(self, message: str) -> str:
        return message.replace(self._token, "[token]") if self._token else message

    def _refusal(self, exc: SalesforceError) -> SourceError:
        code, said = _salesforce_says(exc.content)
        detail = f"{code}: {said}" if code else said or f"HTTP {exc.status}"
        if isinstance(exc, SalesforceExpiredSession):
            message = (f"Salesforce rejected the access token ({detail}): it has expired or been revoked. Get a "
                       f"new token for {self._instance} and put it in {self._config.token.describe()}.")
            return SourceError(self._scrub(message), permanent=True)
        if isinstance(exc, SalesforceRefusedRequest) and code == "REQUEST_LIMIT_EXCEEDED":
            message = (f"Salesforce's API request allowance for the org is used up ({detail}); the sync tries "
                       f"again in {_RATE_LIMIT_RETRY_S / 60:.0f} minutes. If this repeats, see Setup → Company "
                       "Information → API Requests for what else uses the allowance.")
            return SourceError(self._scrub(message), retry_after_s=_RATE_LIMIT_RETRY_S)
        if isinstance(exc, SalesforceRefusedRequest):
            message = (f"Salesforce refused the request ({detail}). The token's user needs the API Enabled "
                       "permission and read access to Accounts, Tasks and Events.")
            return SourceError(self._scrub(message), permanent=True)
        if isinstance(exc, SalesforceMalformedRequest):
            message = (f"Salesforce rejected the query ({detail}). Check that API version "
                       f"{self._config.api_version} is one the org supports and the user can read these fields.")
            return SourceError(self._scrub(message), permanent=True)
        if isinstance(exc, SalesforceResourceNotFound):
            message = (f"Salesforce has no such resource ({detail}); check instance_url ({self._instance}) and "
                       f"api_version ({self._config.api_version}).")
            return SourceError(self._scrub(message), permanent=True)
        passing = exc.status >= 500 or exc.status == 429
        message = f"Salesforce answered HTTP {exc.status} ({detail})" + (
            "; the sync tries again later." if passing else "; check the source's settings.")
        return SourceError(self._scrub(message), permanent=not passing)

    def _unreachable(self, exc: requests.RequestException) -> SourceError:
        if isinstance(exc, requests.exceptions.SSLError):
            message = (f"Could not verify the TLS certificate of {self._instance} ({exc}); if it is signed by a "
                       "private CA, set ca_bundle to that CA's PEM file.")
            return SourceError(self._scrub(message), permanent=True)
        if isinstance(exc, requests.Timeout):
            message = (f"Salesforce at {self._instance} did not answer within {_TIMEOUT[1]:.0f} s; the sync "
                       "tries again later.")
        else:
            message = (f"Could not reach Salesforce at {self._instance} ({type(exc).__name__}); check instance_url "
                       "and the network. The sync tries again later.")
        return SourceError(self._scrub(message))


def _format_time(value: dt.datetime) -> str:
    """Salesforce's own form, so cursors read the same whichever side a stamp came from."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
