"""``HubSpotConnector``: search paging by modified time, filing by associated company, backfills of newly
mapped companies and removals from the recycle bin."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import hubspot
import urllib3
from hubspot.crm.associations.v4 import (
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectId,
)

from relbot.ingest.loaders.text import normalize_line
from relbot.models import SourceItem
from relbot.sources.config import HubSpotConfig
from relbot.sources.hubspot.cursor import ARCHIVE_MARGIN_MS, INDEX_LAG_MS, Bin, Mark, State
from relbot.sources.hubspot.errors import API_ERRORS, api_error, network_reason, safe
from relbot.sources.hubspot.items import BUILDERS, PROPERTIES, summary
from relbot.sources.hubspot.retry import WaitTooLong, retry
from relbot.sources.hubspot.values import archived_ms, iso_ms, parse_when
from relbot.sources.models import AccountDirectory, Change, Cursor, Page, SourceError

log = logging.getLogger(__name__)

_TIMEOUT = (5, 30)  # (connect, read) seconds, on every call: a stalled socket must not hang the scheduler
_WINDOW = 10_000  # the search API serves at most this many results of one query
_MAX_PAGE_SIZE = 200  # the search API's largest ``limit``
_COMPANY_BATCH = 100  # the companies batch read takes at most 100 ids
_LIST_PAGE = 100  # the list endpoint's largest ``limit``
_ARCHIVED_PAGES_PER_SYNC = 10  # bounds what one sync spends on the recycle bin; the rest waits for the next


class HubSpotConnector:
    def __init__(self, config: HubSpotConfig, token: str, *, page_size: int = 100,
                 sleep: Callable[[float], None] = time.sleep, index_lag_ms: int = INDEX_LAG_MS) -> None:
        if not 1 <= page_size <= _MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {_MAX_PAGE_SIZE} (the search API's limit)")
        self._config = config
        self._token = token
        self._page_size = page_size
        self._sleep = sleep
        self._index_lag_ms = index_lag_ms
        self._interval = 1.0 / config.search_per_second
        self._next_search = 0.0
        self._host = str(config.base_url).rstrip("/")
        client = hubspot.Client.create(access_token=token, host=self._host, retry=retry(sleep))
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
        state = State.load(cursor, directory.hubspot_companies())
        started = int(time.time() * 1000)
        state.reread_recent(started, self._index_lag_ms)
        for kind in self._config.objects:
            if kind not in state.marks:
                # What sat in the recycle bin before this first sync was never stored: don't report it.
                state.bins[kind] = Bin(through=max(0, started - ARCHIVE_MARGIN_MS))
            mark = state.marks.setdefault(kind, Mark())
            for found in self._scan(kind, mark, company=None):
                yield self._page(kind, found, directory, state)
        yield from self._backfills(state, directory)
        for kind in self._config.objects:
            yield from self._archived(kind, state)

    # -- changed engagements ------------------------------------------------------------------------------
    def _scan(self, kind: str, mark: Mark, company: str | None) -> Iterator[list[Any]]:
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
                    f"({iso_ms(mark.since)}), more than its search API can page through; "
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
            properties=list(PROPERTIES[kind]), limit=self._page_size, after=after)
        self._throttle()
        return self._call(f"searching {kind}", self._search_api.do_search, kind, public_object_search_request=request)

    def _throttle(self) -> None:
        """At most ``search_per_second`` searches a second (HubSpot allows 5 per token, shared by all callers)."""
        now = time.monotonic()
        start = max(now, self._next_search)
        if start > now:
            self._sleep(start - now)
        self._next_search = start + self._interval

    def _page(self, kind: str, found: list[Any], directory: AccountDirectory, state: State) -> Page:
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
        return Change(key, account=None, items=(item,), summary=summary(kind, obj, item, companies, accounts))

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
    def _backfills(self, state: State, directory: AccountDirectory) -> Iterator[Page]:
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
                mark = state.backfill.setdefault(kind, Mark())
                for found in self._scan(kind, mark, company=company):
                    yield self._page(kind, found, directory, state)
            state.companies = sorted({*state.companies, company})
            state.backfill_company, state.backfill = None, {}
            yield Page(changes=[], cursor=state.dump(), notes=[f"company {company}: history backfilled"])

    def _archived(self, kind: str, state: State) -> Iterator[Page]:
        """Removals from the recycle bin (search never returns archived objects), at most a few list pages per
        sync. A pass reports what was archived since the previous pass began and was not reported yet."""
        bin_ = state.bins.setdefault(kind, Bin())
        resumed = bin_.after is not None
        if not resumed:
            bin_.started, bin_.reported = int(time.time() * 1000), {}
        yielded = False
        for _ in range(_ARCHIVED_PAGES_PER_SYNC):
            response = self._call(f"listing archived {kind}", self._basic_api.get_page, kind, limit=_LIST_PAGE,
                                  after=bin_.after, archived=True, properties=["hs_lastmodifieddate"])
            removals = bin_.take([(str(obj.id), archived_ms(obj)) for obj in response.results or []])
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
        fields = BUILDERS[kind](props)
        if fields is None:
            return None
        if not fields.get("author"):  # an email names its sender; the rest are written by their owner
            fields["author"] = self._owner(props.get("hubspot_owner_id"))
        when = fields.pop("when", None) or parse_when(props.get("hs_timestamp"))
        return SourceItem(source=f"hubspot://{kind}/{obj.id}", position=0, account=account,
                          date=when.date() if when else None, **fields)

    # -- errors -------------------------------------------------------------------------------------------
    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, _request_timeout=_TIMEOUT, **kwargs)
        except WaitTooLong as exc:
            raise SourceError(f"HubSpot asked to wait {exc.seconds:g} s while {what} (rate limit reached); "
                              "the next sync will continue from here.", retry_after_s=exc.seconds) from None
        except API_ERRORS as exc:
            raise api_error(what, exc, host=self._host, token=self._token) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise SourceError(safe(f"HubSpot could not be reached ({network_reason(exc)}) at {self._host} "
                                   f"while {what}; check the network and the source's base URL. "
                                   "The next sync will try again.", self._token)) from None
