"""HubSpot engagements (notes, emails, calls, meetings, tasks) as ``Change``s, through the official client.

Each sync asks the CRM search API, per engagement type, for what was modified since the cursor, oldest first,
and files every engagement by the companies it is associated with. The cursor (JSON) is::

    {"version": 1,
     "types": {"notes": {"since": 1764590000000, "seen": ["1201"]}, ...},  # resume point per type
     "companies": ["101", "202"],      # mapped companies whose whole history is in (or on its way)
     "backfill": {"company": "303", "types": {"notes": {"since": 0, "seen": []}}},  # one under way, if any
     "archived": {"notes": {"after": "1500", "started": 1764590000000, "through": 1764500000000}}}

``since`` is the newest ``hs_lastmodifieddate`` (epoch ms) stored so far and ``seen`` the ids stored at exactly
that millisecond: the next search asks for ``GTE since`` and skips those, so nothing at the boundary is lost
or repeated. Searches resume from ``since`` after every page (keyset paging) rather than stepping ``after``
offsets: an engagement edited mid-sync moves to the end of the ordering, and with offsets the one behind it
would slide back into a page already read and be skipped for good. That also keeps every query far from the
search API's 10,000-result window; ``after`` is only used to step through one millisecond holding more than a
page of engagements (bulk imports).

Filing asks the directory about every associated company (by id, then by its domain): exactly one account
files the engagement, none or several leave it unfiled with a bodiless summary. A company mapped after the
first sync has its whole history searched once (``associations.company EQ id``), so mapping it later is not
silently a no-op. Search never returns archived objects, so each sync also walks a few pages of each type's
recycle bin and reports what landed there since the previous walk as removals; an engagement edited down to
no text at all is reported as a removal too (nothing of it is left to store).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import hubspot
import urllib3
from hubspot.crm.associations.v4 import (
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsApiException
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectId,
)
from hubspot.crm.objects.exceptions import ApiException as ObjectsApiException
from hubspot.crm.owners.exceptions import ApiException as OwnersApiException
from urllib3.util.retry import Retry

from relbot.ingest.loaders.addresses import Mailbox, mailboxes
from relbot.ingest.loaders.email_body import clean_body
from relbot.ingest.loaders.emails import normalize_subject
from relbot.ingest.loaders.htmltext import html_to_text
from relbot.ingest.loaders.text import normalize_line, normalize_ws
from relbot.models import SourceItem, SourceKind
from relbot.sources.config import HubSpotConfig
from relbot.sources.models import AccountDirectory, Change, Cursor, Page, SourceError

log = logging.getLogger(__name__)

_API_ERRORS = (ObjectsApiException, AssociationsApiException, OwnersApiException)
_TIMEOUT = (5, 30)  # (connect, read) seconds, on every call: a stalled socket must not hang the scheduler
_WINDOW = 10_000  # the search API serves at most this many results of one query
_MAX_PAGE_SIZE = 200  # the search API's largest ``limit``
_COMPANY_BATCH = 100  # the companies batch read takes at most 100 ids
_LIST_PAGE = 100  # the list endpoint's largest ``limit``
_ARCHIVED_PAGES_PER_SYNC = 10  # bounds what one sync spends on the recycle bin; the rest waits for the next
_ARCHIVE_MARGIN_MS = 300_000  # our clock against HubSpot's: look five minutes before the last pass began
_MAX_RETRY_WAIT_S = 30.0  # a longer Retry-After (a daily limit) ends the sync; the scheduler waits instead
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

_NAMED_ADDRESS = re.compile(r"^\s*(.*?)\s*<([^<>]+)>\s*$")
_WORD = {"notes": "note", "emails": "email", "calls": "call", "meetings": "meeting", "tasks": "task"}
_COMMON = ("hs_timestamp", "hubspot_owner_id", "hs_lastmodifieddate")
_PROPERTIES: dict[str, tuple[str, ...]] = {
    "notes": ("hs_note_body", *_COMMON),
    "emails": ("hs_email_subject", "hs_email_text", "hs_email_html", "hs_email_headers", "hs_email_direction",
               "hs_email_from_email", "hs_email_from_firstname", "hs_email_from_lastname", "hs_email_to_email",
               "hs_email_to_firstname", "hs_email_to_lastname", *_COMMON),
    "calls": ("hs_call_title", "hs_call_body", "hs_call_direction", "hs_call_duration", "hs_call_disposition",
              "hs_call_status", *_COMMON),
    "meetings": ("hs_meeting_title", "hs_meeting_body", "hs_meeting_start_time", "hs_meeting_end_time",
                 "hs_meeting_outcome", *_COMMON),
    "tasks": ("hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", *_COMMON),
}
# HubSpot's default call outcomes: hs_call_disposition holds these ids, not the words.
_CALL_OUTCOMES = {
    "9d9162e7-6cf3-4944-bf63-4dff82258764": "busy",
    "f240bbac-87c9-4f6e-bf70-924b57d47db7": "connected",
    "a4c4c377-d246-4b32-a13b-75a56a4cd0ff": "left live message",
    "b2cf5968-551e-4856-9783-52b3da59a7d0": "left voicemail",
    "73a0d17f-1163-4015-bdd5-ec830791da20": "no answer",
    "17b47fee-58de-441e-a44c-c6300d46f273": "wrong number",
}


# -- retries ------------------------------------------------------------------------------------------------
class _WaitTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"Retry-After {seconds:g}s")
        self.seconds = seconds


class _Retry(Retry):
    """urllib3's Retry, sleeping through the connector's ``sleep`` (so tests observe the waits instead of
    spending them) and refusing a Retry-After longer than ``max_wait``: a daily-limit answer ends the sync
    with the service's own delay rather than holding a worker for hours."""

    def __init__(self, *args: Any, sleep: Callable[[float], None] = time.sleep, max_wait: float = _MAX_RETRY_WAIT_S,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sleep_fn = sleep
        self._max_wait = max_wait

    def new(self, **kw: Any) -> _Retry:
        # Retry.new rebuilds from its own parameter list; carry ours over or later attempts sleep for real.
        return super().new(sleep=self._sleep_fn, max_wait=self._max_wait, **kw)

    def sleep_for_retry(self, response: Any) -> bool:
        retry_after = self.get_retry_after(response)
        if not retry_after:
            return False
        if retry_after > self._max_wait:
            raise _WaitTooLong(retry_after)
        self._sleep_fn(retry_after)
        return True

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            self._sleep_fn(backoff)


def _retry(sleep: Callable[[float], None]) -> _Retry:
    return _Retry(
        total=4, connect=4, read=2, status=4, status_forcelist=_RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST"}),  # every call here reads, search included
        respect_retry_after_header=True, backoff_factor=0.5, backoff_max=8.0,
        raise_on_status=False,  # hand back the last answer, so its status and Retry-After reach the error
        sleep=sleep)


# -- cursor -------------------------------------------------------------------------------------------------
@dataclass
class _Mark:
    """Where one search resumes: the newest modified time stored, and the ids stored at that millisecond."""

    since: int = 0
    seen: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, raw: Any) -> _Mark:
        if not isinstance(raw, Mapping):
            return cls()
        return cls(int(raw.get("since") or 0), [str(i) for i in raw.get("seen") or []])

    def dump(self) -> dict[str, Any]:
        return {"since": self.since, "seen": list(self.seen)}

    def advance(self, results: list[Any]) -> bool:
        """Take in one page (sorted by modified time); True when ``since`` moved on."""
        if not results:
            return False
        newest = max(_modified_ms(r) for r in results)
        at_newest = [str(r.id) for r in results if _modified_ms(r) == newest]
        if newest > self.since:
            self.since, self.seen = newest, at_newest
            return True
        self.seen = list(dict.fromkeys([*self.seen, *at_newest]))
        return False


@dataclass
class _Bin:
    """Progress through one type's recycle bin. ``after`` resumes a pass begun at ``started`` (our clock);
    removals archived before ``through`` were reported by an earlier pass; ``recent`` (id -> archived ms) are
    those reported at or after it, and ``reported`` those of the pass under way, so none is reported twice."""

    after: str | None = None
    started: int = 0
    through: int = 0
    recent: dict[str, int] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, raw: Any) -> _Bin:
        if not isinstance(raw, Mapping):
            return cls()
        return cls(raw.get("after"), int(raw.get("started") or 0), int(raw.get("through") or 0),
                   {str(k): int(v) for k, v in (raw.get("recent") or {}).items()},
                   {str(k): int(v) for k, v in (raw.get("reported") or {}).items()})

    def dump(self) -> dict[str, Any]:
        return {"after": self.after, "started": self.started, "through": self.through,
                "recent": dict(self.recent), "reported": dict(self.reported)}

    def take(self, archived: list[tuple[str, int]]) -> list[str]:
        """The ids of one list page still to report."""
        fresh = [(i, ms) for i, ms in archived if ms >= self.through and i not in self.recent
                 and i not in self.reported]
        self.reported.update(fresh)
        return [i for i, _ in fresh]

    def finish(self) -> None:
        # Anything archived after this pass began may sit behind where it already was: the next pass looks
        # again from a little before (the margin covers our clock against HubSpot's).
        self.through = max(0, self.started - _ARCHIVE_MARGIN_MS)
        merged = {**self.recent, **self.reported}
        self.recent = {i: ms for i, ms in merged.items() if ms >= self.through}
        self.started, self.reported = 0, {}


@dataclass
class _State:
    marks: dict[str, _Mark]
    companies: list[str]
    backfill_company: str | None
    backfill: dict[str, _Mark]
    bins: dict[str, _Bin]

    @classmethod
    def load(cls, cursor: Cursor, mapped: list[str]) -> _State:
        types = cursor.get("types") or {}
        marks = {kind: _Mark.load(raw) for kind, raw in types.items()}
        first_sync = "companies" not in cursor
        # On the first sync the full-history search covers every mapped company already. Later, a company no
        # longer mapped is forgotten, so mapping it again brings its history back.
        companies = sorted(mapped) if first_sync else [c for c in cursor["companies"] if c in set(mapped)]
        raw_backfill = cursor.get("backfill") or {}
        company = raw_backfill.get("company")
        backfill = {k: _Mark.load(v) for k, v in (raw_backfill.get("types") or {}).items()}
        if company not in mapped:
            company, backfill = None, {}
        bins = {kind: _Bin.load(raw) for kind, raw in (cursor.get("archived") or {}).items()}
        return cls(marks, companies, company, backfill, bins)

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": 1,
            "types": {kind: mark.dump() for kind, mark in self.marks.items()},
            "companies": list(self.companies),
            "archived": {kind: b.dump() for kind, b in self.bins.items()},
        }
        if self.backfill_company is not None:
            out["backfill"] = {"company": self.backfill_company,
                               "types": {k: m.dump() for k, m in self.backfill.items()}}
        return out


# -- the connector ------------------------------------------------------------------------------------------
class HubSpotConnector:
    def __init__(self, config: HubSpotConfig, token: str, *, page_size: int = 100,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not 1 <= page_size <= _MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {_MAX_PAGE_SIZE} (the search API's limit)")
        self._config = config
        self._token = token
        self._page_size = page_size
        self._sleep = sleep
        self._interval = 1.0 / config.search_per_second
        self._next_search = 0.0
        self._host = str(config.base_url).rstrip("/")
        client = hubspot.Client.create(access_token=token, host=self._host, retry=_retry(sleep))
        # Each discovery property builds a new ApiClient (and connection pool): take them once.
        self._search_api = client.crm.objects.search_api
        self._basic_api = client.crm.objects.basic_api
        self._batch_api = client.crm.objects.batch_api
        self._associations_api = client.crm.associations.v4.batch_api
        self._owners_api = client.crm.owners.owners_api
        self._domains: dict[str, str | None] = {}
        self._owners: dict[str, str] | None = None
        self._archived_owners_loaded = False

    def close(self) -> None:
        for api in (self._search_api, self._basic_api, self._batch_api, self._associations_api, self._owners_api):
            api.api_client.rest_client.pool_manager.clear()
            api.api_client.close()

    def pages(self, cursor: Cursor, directory: AccountDirectory) -> Iterator[Page]:
        self._domains, self._owners, self._archived_owners_loaded = {}, None, False  # caches live for one run
        state = _State.load(cursor, directory.hubspot_companies())
        started = int(time.time() * 1000)
        for kind in self._config.objects:
            if kind not in state.marks:
                # What sat in the recycle bin before this first sync was never stored: don't report it.
                state.bins[kind] = _Bin(through=max(0, started - _ARCHIVE_MARGIN_MS))
            mark = state.marks.setdefault(kind, _Mark())
            for found in self._scan(kind, mark, company=None):
                yield self._page(kind, found, directory, state)
        yield from self._backfills(state, directory)
        for kind in self._config.objects:
            yield from self._archived(kind, state)

    # -- changed engagements ------------------------------------------------------------------------------
    def _scan(self, kind: str, mark: _Mark, company: str | None) -> Iterator[list[Any]]:
        """Pages of engagements not yet stored, advancing ``mark`` before each is handed out."""
        after: str | None = None
        while True:
            response = self._search(kind, mark.since, company, after)
            results = list(response.results or [])
            seen = set(mark.seen)
            fresh = [r for r in results if str(r.id) not in seen]
            advanced = mark.advance(results)
            if fresh:
                yield fresh
            following = response.paging.next.after if response.paging and response.paging.next else None
            if following is None:
                return
            if advanced:
                after = None  # ask again from the new ``since``: a fresh query, a fresh 10,000 window
            elif int(following) >= _WINDOW:
                raise SourceError(
                    f"HubSpot holds more than {_WINDOW:,} {kind} modified in the same millisecond "
                    f"({_iso_ms(mark.since)}), more than its search API can page through; "
                    "ask HubSpot support, or remove this object type from the source.")
            else:
                after = following  # a whole page shares one millisecond: step through it

    def _search(self, kind: str, since: int, company: str | None, after: str | None) -> Any:
        filters = []
        if since:
            filters.append(Filter(property_name="hs_lastmodifieddate", operator="GTE", value=str(since)))
        if company is not None:
            filters.append(Filter(property_name="associations.company", operator="EQ", value=company))
        request = PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=filters)] if filters else [],
            sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            properties=list(_PROPERTIES[kind]), limit=self._page_size, after=after)
        self._throttle()
        return self._call(f"searching {kind}", self._search_api.do_search, kind, public_object_search_request=request)

    def _throttle(self) -> None:
        """At most ``search_per_second`` searches a second (HubSpot allows 5 per token, shared by all callers)."""
        now = time.monotonic()
        start = max(now, self._next_search)
        if start > now:
            self._sleep(start - now)
        self._next_search = start + self._interval

    def _page(self, kind: str, found: list[Any], directory: AccountDirectory, state: _State) -> Page:
        companies = self._associations(kind, [str(r.id) for r in found])
        self._read_domains({c for ids in companies.values() for c in ids}, directory)
        changes: list[Change] = []
        unfiled = empty = 0
        for obj in found:
            change = self._change(kind, obj, companies.get(str(obj.id), []), directory)
            unfiled += change.account is None and not change.removed
            empty += change.removed
            changes.append(change)
        notes = [f"{unfiled} {kind} unfiled"] if unfiled else []
        notes += [f"{empty} {kind} without text skipped"] if empty else []
        return Page(changes=changes, cursor=state.dump(), notes=notes)

    def _change(self, kind: str, obj: Any, companies: list[str], directory: AccountDirectory) -> Change:
        key = f"{kind}/{obj.id}"
        accounts = {a for c in companies if (a := directory.for_hubspot_company(c, self._domains.get(c)))}
        account = next(iter(accounts)) if len(accounts) == 1 else None
        item = self._item(kind, obj, account)
        if item is None:
            # Nothing to store; if an earlier version had text, its records must go (unknown keys are ignored).
            return Change(key, account=None, removed=True)
        if account is not None:
            return Change(key, account=account, items=(item,))
        return Change(key, account=None, items=(item,), summary=_summary(kind, obj, item, companies, accounts))

    # -- filing -------------------------------------------------------------------------------------------
    def _associations(self, kind: str, ids: list[str]) -> dict[str, list[str]]:
        request = BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=i) for i in ids])
        response = self._call(f"reading {kind} associations", self._associations_api.get_page, kind, "companies",
                              batch_input_public_fetch_associations_batch_request=request)
        out: dict[str, list[str]] = {}
        for result in response.results or []:
            source = str(result._from.id)
            out[source] = [str(to.to_object_id) for to in result.to or []]
        return out

    def _read_domains(self, company_ids: set[str], directory: AccountDirectory) -> None:
        """Domains of the companies not mapped by id (those are filed without one), once per run."""
        by_id = set(directory.hubspot_companies())
        wanted = sorted(c for c in company_ids if c not in self._domains and c not in by_id)
        for start in range(0, len(wanted), _COMPANY_BATCH):
            chunk = wanted[start:start + _COMPANY_BATCH]
            request = BatchReadInputSimplePublicObjectId(
                properties=["domain"], inputs=[SimplePublicObjectId(id=c) for c in chunk])
            response = self._call("reading companies", self._batch_api.read, "companies",
                                  batch_read_input_simple_public_object_id=request)
            self._domains.update(dict.fromkeys(chunk))  # a company HubSpot no longer has: no domain
            for company in response.results or []:
                self._domains[str(company.id)] = (company.properties or {}).get("domain") or None

    # -- owners -------------------------------------------------------------------------------------------
    def _owner(self, owner_id: str | None) -> str | None:
        if not owner_id:
            return None
        if self._owners is None:
            self._owners = self._load_owners(archived=False)
        if owner_id not in self._owners and not self._archived_owners_loaded:
            self._archived_owners_loaded = True  # people who left still wrote what they wrote
            self._owners.update(self._load_owners(archived=True))
        return self._owners.get(owner_id)

    def _load_owners(self, *, archived: bool) -> dict[str, str]:
        names: dict[str, str] = {}
        after: str | None = None
        while True:
            response = self._call("reading owners", self._owners_api.get_page, limit=_LIST_PAGE, after=after,
                                  archived=archived)
            for owner in response.results or []:
                full = " ".join(p for p in (owner.first_name, owner.last_name) if p)
                names[str(owner.id)] = normalize_line(full) or owner.email or str(owner.id)
            after = response.paging.next.after if response.paging and response.paging.next else None
            if after is None:
                return names

    # -- backfills and removals ---------------------------------------------------------------------------
    def _backfills(self, state: _State, directory: AccountDirectory) -> Iterator[Page]:
        """The whole history of each company mapped since the last sync, one company at a time."""
        done = set(state.companies)
        todo = [c for c in directory.hubspot_companies() if c not in done]
        if state.backfill_company in todo:  # resume the one a crash interrupted first
            todo.remove(state.backfill_company)
            todo.insert(0, state.backfill_company)
        for company in todo:
            if state.backfill_company != company:
                state.backfill_company, state.backfill = company, {}
            for kind in self._config.objects:
                mark = state.backfill.setdefault(kind, _Mark())
                for found in self._scan(kind, mark, company=company):
                    yield self._page(kind, found, directory, state)
            state.companies = sorted({*state.companies, company})
            state.backfill_company, state.backfill = None, {}
            yield Page(changes=[], cursor=state.dump(), notes=[f"company {company}: history backfilled"])

    def _archived(self, kind: str, state: _State) -> Iterator[Page]:
        """Removals from the recycle bin (search never returns archived objects), at most a few list pages per
        sync. A pass reports what was archived since the previous pass began and was not reported yet."""
        bin_ = state.bins.setdefault(kind, _Bin())
        resumed = bin_.after is not None
        if not resumed:
            bin_.started, bin_.reported = int(time.time() * 1000), {}
        yielded = False
        for _ in range(_ARCHIVED_PAGES_PER_SYNC):
            response = self._call(f"listing archived {kind}", self._basic_api.get_page, kind, limit=_LIST_PAGE,
                                  after=bin_.after, archived=True, properties=["hs_lastmodifieddate"])
            removals = bin_.take([(str(obj.id), _archived_ms(obj)) for obj in response.results or []])
            bin_.after = response.paging.next.after if response.paging and response.paging.next else None
            complete = bin_.after is None
            if complete:
                bin_.finish()
            # A quiet single-page pass saves nothing: the next one repeats it from the same state, unharmed.
            if removals or not complete or resumed or yielded:
                yielded = True
                yield Page(changes=[Change(f"{kind}/{i}", account=None, removed=True) for i in removals],
                           cursor=state.dump(), notes=[f"{len(removals)} archived {kind}"] if removals else [])
            if complete:
                return

    # -- items --------------------------------------------------------------------------------------------
    def _item(self, kind: str, obj: Any, account: str | None) -> SourceItem | None:
        props: dict[str, Any] = dict(obj.properties or {})
        fields = _BUILDERS[kind](props)
        if fields is None:
            return None
        if not fields.get("author"):  # an email names its sender; the rest are written by their owner
            fields["author"] = self._owner(props.get("hubspot_owner_id"))
        when = fields.pop("when", None) or _when(props.get("hs_timestamp"))
        return SourceItem(source=f"hubspot://{kind}/{obj.id}", position=0, account=account,
                          date=when.date() if when else None, **fields)

    # -- errors -------------------------------------------------------------------------------------------
    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, _request_timeout=_TIMEOUT, **kwargs)
        except _WaitTooLong as exc:
            raise SourceError(f"HubSpot asked to wait {exc.seconds:g} s while {what} (rate limit reached); "
                              "the next sync will continue from here.", retry_after_s=exc.seconds) from None
        except _API_ERRORS as exc:
            raise self._api_error(what, exc) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise SourceError(self._safe(f"HubSpot could not be reached ({_network_reason(exc)}) at {self._host} "
                                         f"while {what}; check the network and the source's base URL. "
                                         "The next sync will try again.")) from None

    def _api_error(self, what: str, exc: Any) -> SourceError:
        status = int(getattr(exc, "status", 0) or 0)
        body = _json(getattr(exc, "body", None))
        if status == 0:  # the client's own wrapper for a TLS failure: no answer came
            return SourceError(f"HubSpot could not be reached (TLS failed) at {self._host} while {what}; check "
                               "the network, proxies and certificates. The next sync will try again.")
        if status == 401:
            return SourceError("HubSpot rejected the access token (401): check the private app token this source "
                               "names (its environment variable or file): is it current, and from this HubSpot "
                               "account?", permanent=True)
        if status == 403:
            scopes = _scopes(body)
            need = f"the scope{'s' if len(scopes) > 1 else ''} {', '.join(scopes)}" if scopes else "a scope"
            return SourceError(f"HubSpot refused {what} (403): the private app lacks {need}; add it under the "
                               "app's Scopes in HubSpot, then sync again.", permanent=True)
        if status == 429:
            retry_after = _retry_after(getattr(exc, "headers", None))
            return SourceError(f"HubSpot kept rate-limiting this token (429) while {what}; the next sync will "
                               "continue from here.", retry_after_s=retry_after)
        if status >= 500:
            return SourceError(f"HubSpot answered {status} while {what}; its service is failing, the next sync "
                               "will try again.")
        message = normalize_line(str(body.get("message") or getattr(exc, "reason", "") or ""))[:200]
        return SourceError(self._safe(f"HubSpot answered {status} while {what}" + (f": {message}" if message else "")
                                      + "."))

    def _safe(self, message: str) -> str:
        return message.replace(self._token, "[token]") if self._token else message


# -- per type -----------------------------------------------------------------------------------------------
def _note(p: dict[str, Any]) -> dict[str, Any] | None:
    body = _html(p.get("hs_note_body"))
    if not body:
        return None
    # A note is what someone wrote down, like a notes file: its words alone, no "Note" label line to quote.
    return {"text": body, "kind": SourceKind.NOTE}


def _email(p: dict[str, Any]) -> dict[str, Any] | None:
    subject = normalize_line(p.get("hs_email_subject") or "")
    raw = p.get("hs_email_text") or html_to_text(p.get("hs_email_html") or "")
    forwarded = p.get("hs_email_direction") == "FORWARDED_EMAIL" or subject.lower().startswith(("fw:", "fwd:"))
    body = clean_body(raw, forwarded=forwarded) if raw else ""
    if not body and not subject:
        return None
    sender, recipients = _email_parties(p)
    return {"text": body or subject, "kind": SourceKind.EMAIL, "title": subject or None,
            "thread": normalize_subject(subject) if subject else None,
            "author": (sender.name or sender.address) if sender else None,
            "author_address": sender.address if sender else None,
            "participants": tuple(dict.fromkeys(m.formatted() for m in recipients if m.formatted()))}


def _call_item(p: dict[str, Any]) -> dict[str, Any] | None:
    title = normalize_line(p.get("hs_call_title") or "")
    body = _html(p.get("hs_call_body"))
    if not title and not body:
        return None
    details = [_call_direction(p.get("hs_call_direction")), _duration(p.get("hs_call_duration"))]
    outcome = _CALL_OUTCOMES.get(str(p.get("hs_call_disposition") or ""))
    if outcome:
        details.append(f"outcome: {outcome}")
    return _crm("Call", title, details, body)


def _meeting(p: dict[str, Any]) -> dict[str, Any] | None:
    title = normalize_line(p.get("hs_meeting_title") or "")
    body = _html(p.get("hs_meeting_body"))
    if not title and not body:
        return None
    start, end = _when(p.get("hs_meeting_start_time")), _when(p.get("hs_meeting_end_time"))
    span = None
    if start:
        span = start.strftime("%Y-%m-%d %H:%M") + (end.strftime("–%H:%M") if end else "") + " UTC"
    outcome = str(p.get("hs_meeting_outcome") or "").replace("_", " ").lower()
    fields = _crm("Meeting", title, [span, f"outcome: {outcome}" if outcome else None], body)
    fields["when"] = start
    return fields


def _task(p: dict[str, Any]) -> dict[str, Any] | None:
    subject = normalize_line(p.get("hs_task_subject") or "")
    body = _html(p.get("hs_task_body"))
    if not subject and not body:
        return None
    status = str(p.get("hs_task_status") or "").replace("_", " ").lower()
    due = _when(p.get("hs_timestamp"))
    details = [f"status: {status}" if status else None, f"due {due.date().isoformat()}" if due else None]
    return _crm("Task", subject, details, body)


_BUILDERS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    "notes": _note, "emails": _email, "calls": _call_item, "meetings": _meeting, "tasks": _task}


def _crm(label: str, title: str, details: Iterable[str | None], body: str) -> dict[str, Any]:
    """Text the way the CRM CSV loader writes an activity: "Call — Title", then what HubSpot knows, then the body."""
    facts = ", ".join(d for d in details if d)
    head = " — ".join(part for part in (label, title) if part)
    text = "\n".join(part for part in (head, facts[:1].upper() + facts[1:] + "." if facts else "", body) if part)
    return {"text": text, "kind": SourceKind.CRM, "title": title or None}


def _email_parties(p: dict[str, Any]) -> tuple[Mailbox | None, list[Mailbox]]:
    headers = _json(p.get("hs_email_headers"))
    if headers:
        sender = _people([headers.get("from")])
        recipients = _people([*(headers.get("to") or []), *(headers.get("cc") or [])])
    else:
        sender = _people([{"email": p.get("hs_email_from_email"), "firstName": p.get("hs_email_from_firstname"),
                           "lastName": p.get("hs_email_from_lastname")}])
        addresses = (p.get("hs_email_to_email") or "").split(";")
        firsts = (p.get("hs_email_to_firstname") or "").split(";")
        lasts = (p.get("hs_email_to_lastname") or "").split(";")
        recipients = _people([{"email": a, "firstName": firsts[i] if i < len(firsts) else None,
                               "lastName": lasts[i] if i < len(lasts) else None} for i, a in enumerate(addresses)])
    return (sender[0] if sender else None), recipients


def _people(entries: Iterable[Any]) -> list[Mailbox]:
    """HubSpot's header JSON: {"email": "a@b.com" or "Name <a@b.com>", "firstName": ..., "lastName": ...}."""
    pairs: list[tuple[str, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not entry.get("email"):
            continue
        display, address = _split_address(str(entry["email"]))
        named = " ".join(str(entry[k]).strip() for k in ("firstName", "lastName") if entry.get(k))
        pairs.append((named or display, address or str(entry["email"])))
    return [m for m in mailboxes(pairs) if m.address or m.name]


def _split_address(raw: str) -> tuple[str, str]:
    """ "Lee, Dana <dana@agency.com>" -> ("Lee, Dana", "dana@agency.com"); a bare address is itself. (Not
    email.utils: it would split that display name at its comma.)"""
    match = _NAMED_ADDRESS.match(raw)
    if match:
        return match[1].strip().strip('"'), match[2].strip()
    return "", raw.strip()


def _summary(kind: str, obj: Any, item: SourceItem, companies: list[str], accounts: set[str]) -> str:
    """Who and what for the unfiled report, never the body."""
    when = item.date.isoformat() if item.date else "undated"
    by = f" by {item.author}" if item.author else ""
    if not companies:
        why = "no associated company"
    elif accounts:
        why = f"companies {', '.join(companies)} map to several accounts ({', '.join(sorted(accounts))})"
    else:
        why = f"no mapped company (associated: {', '.join(companies)})"
    return f"{_WORD[kind]} {obj.id}{by} ({when}), {why}"


# -- small parsers ------------------------------------------------------------------------------------------
def _html(value: Any) -> str:
    return normalize_ws(html_to_text(str(value))) if value else ""


def _when(value: Any) -> dt.datetime | None:
    """HubSpot dates: epoch milliseconds or ISO 8601 ("2026-11-30T14:00:00.000Z"), always UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    text = str(value).strip()
    try:
        if text.lstrip("-").isdigit():
            return dt.datetime.fromtimestamp(int(text) / 1000, dt.UTC)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _modified_ms(obj: Any) -> int:
    when = _when((obj.properties or {}).get("hs_lastmodifieddate")) or _when(obj.updated_at)
    return int(when.timestamp() * 1000) if when else 0


def _archived_ms(obj: Any) -> int:
    when = _when(getattr(obj, "archived_at", None))
    return int(when.timestamp() * 1000) if when else int(time.time() * 1000)  # undated: report it


def _iso_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="milliseconds")


def _call_direction(value: Any) -> str | None:
    return {"INBOUND": "inbound call", "OUTBOUND": "outbound call"}.get(str(value or "").upper())


def _duration(value: Any) -> str | None:
    """hs_call_duration is in milliseconds."""
    try:
        seconds = round(float(value) / 1000)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _scopes(body: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for error in body.get("errors") or []:
        context = error.get("context") or {} if isinstance(error, Mapping) else {}
        for key in ("requiredGranularScopes", "requiredScopes", "requiredScope"):
            found += [str(s) for s in context.get(key) or []]
    return list(dict.fromkeys(found))


def _network_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc  # MaxRetryError wraps the last attempt's error
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or failed"
    if isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return "timed out"
    if isinstance(reason, urllib3.exceptions.ProtocolError):
        return "connection dropped"
    return type(reason).__name__


def _retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
