"""A local HubSpot double for tests and benchmarks: real HTTP/1.1 on 127.0.0.1 speaking the JSON of HubSpot's
documented CRM v3/v4 endpoints, so the official ``hubspot-api-client`` talks to it as it would to
api.hubapi.com.

Served: the CRM search (``POST /crm/v3/objects/{type}/search``: GTE/GT/LTE/LT/EQ on ``hs_lastmodifieddate``
and ``hs_object_id``, EQ on ``associations.company``, one sort, ``limit`` up to 200, ``after`` offsets, and the
10,000-result window past which HubSpot answers 400), the object list (``GET /crm/v3/objects/{type}``, with
``archived=true`` for the recycle bin), the v4 association batch read, the companies batch read and the owners
list. Every request needs ``Authorization: Bearer <token>``; failures can be scripted per path prefix.

    with HubSpotServer(window=250) as server:
        server.add_company("101", domain="acme.com")
        note = server.add_engagement("notes", {"hs_note_body": "<p>Hi</p>"}, companies=["101"])
        server.fail("/crm/v3/objects/notes/search", 429, headers={"Retry-After": "1"}, times=2)
        ... HubSpotConnector(config(server.base_url), server.token) ...
        assert server.requests[-1].status == 200
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

TOKEN = "pat-na1-test-0000-secret"
ENGAGEMENT_TYPES = ("notes", "emails", "calls", "meetings", "tasks")
# HubSpot-defined association type ids, engagement -> company (as the v4 API reports them).
_COMPANY_ASSOCIATION = {"notes": 190, "emails": 186, "calls": 182, "meetings": 188, "tasks": 192}
_DEFAULT_PROPERTIES = ("hs_object_id", "hs_createdate", "hs_lastmodifieddate")
_SEARCH_MAX_LIMIT = 200  # documented maximum page size of the search API
_LIST_MAX_LIMIT = 100  # documented maximum page size of the list endpoints
_ASSOCIATION_BATCH_MAX = 1000
_COMPANY_BATCH_MAX = 100


class ServedRequest(NamedTuple):
    method: str
    path: str  # without the query string
    query: dict[str, str]
    body: Any  # the parsed JSON body, or None
    status: int


@dataclass
class _Object:
    id: str
    properties: dict[str, str]
    created_ms: int
    modified_ms: int
    companies: list[str] = field(default_factory=list)
    archived_ms: int | None = None


@dataclass
class _Failure:
    prefix: str  # path prefix ("" matches every path)
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    times: int | None  # None: until cleared


@dataclass
class _Owner:
    id: str
    first_name: str
    last_name: str
    email: str
    archived: bool = False


class _Index:
    """One type's live objects sorted by (modified, id), rebuilt only when something changed since the last
    search: a 10,000-object benchmark then costs a bisect and a slice per page, not a sort."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, int]] = []
        self.dirty = True


class HubSpotServer:
    def __init__(self, *, token: str = TOKEN, window: int = 10_000) -> None:
        self.token = token
        self.window = window  # how far ``after`` may page into one search (HubSpot: 10,000)
        self._objects: dict[str, dict[str, _Object]] = {t: {} for t in ENGAGEMENT_TYPES}
        self._indexes: dict[str, _Index] = {t: _Index() for t in ENGAGEMENT_TYPES}
        self._companies: dict[str, dict[str, str]] = {}
        self._owners: dict[str, _Owner] = {}
        self._failures: list[_Failure] = []
        self._next_id = 1000
        self._clock_ms = 0
        self._lock = threading.Lock()
        self._requests: list[ServedRequest] = []
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> HubSpotServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # see ics_server: Nagle + delayed ACK costs ~40 ms a request

            def do_GET(self) -> None:
                owner._handle(self)

            def do_POST(self) -> None:
                owner._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="hubspot-server",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> HubSpotServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server, "start() first"
        return f"http://127.0.0.1:{self._server.server_port}"

    # -- data ----------------------------------------------------------------------------------
    def _tick(self) -> int:
        """A strictly increasing millisecond clock, so two writes in one millisecond still order."""
        self._clock_ms = max(int(time.time() * 1000), self._clock_ms + 1)
        return self._clock_ms

    def add_engagement(self, object_type: str, properties: dict[str, str], *,
                       companies: list[str] | tuple[str, ...] = (), modified_ms: int | None = None,
                       object_id: str | None = None) -> str:
        """Create an engagement (``modified_ms`` pins its hs_lastmodifieddate, e.g. to share a millisecond)."""
        with self._lock:
            if object_id is None:
                self._next_id += 1
                object_id = str(self._next_id)
            now = self._tick() if modified_ms is None else modified_ms
            self._objects[object_type][object_id] = _Object(object_id, dict(properties), now, now, list(companies))
            self._indexes[object_type].dirty = True
        return object_id

    def edit(self, object_type: str, object_id: str, properties: dict[str, str]) -> None:
        """Change properties; like HubSpot, this moves hs_lastmodifieddate on."""
        with self._lock:
            obj = self._objects[object_type][object_id]
            obj.properties.update(properties)
            obj.modified_ms = self._tick()
            self._indexes[object_type].dirty = True

    def associate(self, object_type: str, object_id: str, company_id: str) -> None:
        with self._lock:
            self._objects[object_type][object_id].companies.append(company_id)

    def archive(self, object_type: str, object_id: str, *, at_ms: int | None = None) -> None:
        """Move to the recycle bin (now, or at ``at_ms``): gone from search, listed with ``archived=true``."""
        with self._lock:
            obj = self._objects[object_type][object_id]
            obj.archived_ms = obj.modified_ms = self._tick() if at_ms is None else at_ms
            self._indexes[object_type].dirty = True

    def add_company(self, company_id: str, *, domain: str | None = None, name: str | None = None) -> None:
        with self._lock:
            props = {"hs_object_id": company_id, "name": name or f"Company {company_id}"}
            if domain is not None:
                props["domain"] = domain
            self._companies[company_id] = props

    def add_owner(self, owner_id: str, first_name: str, last_name: str, email: str, *, archived: bool = False) -> None:
        with self._lock:
            self._owners[owner_id] = _Owner(owner_id, first_name, last_name, email, archived)

    def fail(self, prefix: str, status: int, *, headers: dict[str, str] | None = None,
             body: dict[str, Any] | None = None, times: int | None = None) -> None:
        """Answer ``status`` to requests whose path starts with ``prefix`` (the next ``times``, or until
        ``clear``). The body defaults to HubSpot's error JSON for that status."""
        with self._lock:
            self._failures.append(_Failure(prefix, status, dict(headers or {}), body or _error_body(status), times))

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    # -- assertions ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[ServedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, prefix: str) -> list[ServedRequest]:
        return [r for r in self.requests if r.path.startswith(prefix)]

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- serving -------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self._lock:
            status, extra, payload = self._answer(handler.command, parts.path, query, body,
                                                  handler.headers.get("Authorization", ""))
            self._requests.append(ServedRequest(handler.command, parts.path, query, body, status))
        data = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json;charset=utf-8")
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self, method: str, path: str, query: dict[str, str], body: Any,
                authorization: str) -> tuple[int, dict[str, str], Any]:
        failure = self._take_failure(path)
        if failure is not None:
            return failure.status, failure.headers, failure.body
        if authorization != f"Bearer {self.token}":
            return 401, {}, _error_body(401)
        segments = [s for s in path.split("/") if s]
        try:
            return self._route(method, segments, query, body or {})
        except _BadRequest as exc:
            return 400, {}, {"status": "error", "message": str(exc), "category": "VALIDATION_ERROR",
                             "correlationId": "00000000-0000-0000-0000-000000000000"}

    def _take_failure(self, path: str) -> _Failure | None:
        for failure in self._failures:
            if path.startswith(failure.prefix):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                return failure
        return None

    def _route(self, method: str, seg: list[str], query: dict[str, str], body: dict[str, Any]
               ) -> tuple[int, dict[str, str], Any]:
        if seg[:3] == ["crm", "v3", "owners"] and method == "GET":
            return 200, {}, self._owners_page(query)
        if seg[:3] == ["crm", "v3", "objects"] and len(seg) >= 4:
            kind = seg[3]
            if kind == "companies" and seg[4:] == ["batch", "read"] and method == "POST":
                return self._companies_read(body)
            if kind in self._objects and seg[4:] == ["search"] and method == "POST":
                return 200, {}, self._search(kind, body)
            if kind in self._objects and len(seg) == 4 and method == "GET":
                return 200, {}, self._list(kind, query)
        if seg[:3] == ["crm", "v4", "associations"] and seg[5:] == ["batch", "read"] and method == "POST":
            return 200, {}, self._associations_read(seg[3], seg[4], body)
        return 404, {}, {"status": "error", "message": f"no route for {method} /{'/'.join(seg)}",
                         "category": "OBJECT_NOT_FOUND"}

    # -- search --------------------------------------------------------------------------------
    def _sorted(self, kind: str) -> list[tuple[int, int]]:
        index = self._indexes[kind]
        if index.dirty:
            index.keys = sorted((o.modified_ms, int(o.id)) for o in self._objects[kind].values()
                                if o.archived_ms is None)
            index.dirty = False
        return index.keys

    def _search(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        limit = int(body.get("limit") or 10)
        if not 0 < limit <= _SEARCH_MAX_LIMIT:
            raise _BadRequest(f"limit must be between 1 and {_SEARCH_MAX_LIMIT}")
        after = int(body.get("after") or 0)
        if after >= self.window:
            # HubSpot: the search endpoints are limited to 10,000 total results for any given query.
            raise _BadRequest(f"paging past {self.window} results is not allowed for search; narrow the query")
        matches = self._matching(kind, body.get("filterGroups") or [])
        matches = self._sort(kind, matches, body.get("sorts") or [])
        window = matches[after:after + limit]
        wanted = list(body.get("properties") or [])
        out: dict[str, Any] = {"total": len(matches),
                               "results": [self._public(kind, self._objects[kind][str(i)], wanted) for _, i in window]}
        if after + limit < len(matches):
            out["paging"] = {"next": {"after": str(after + limit), "link": f"?after={after + limit}"}}
        return out

    def _matching(self, kind: str, groups: list[dict[str, Any]]) -> list[tuple[int, int]]:
        """The keys matching any filter group (groups OR, filters AND), in (modified, id) order."""
        keys = self._sorted(kind)
        if not groups:
            return list(keys)
        found: set[tuple[int, int]] = set()
        for group in groups:
            rest, start = [], 0
            for f in group.get("filters") or []:
                # A GTE/GT on the modified time is a bisect, not a check of every object.
                if f.get("propertyName") == "hs_lastmodifieddate" and f.get("operator") in ("GTE", "GT"):
                    bound = _ms(f.get("value")) + (1 if f["operator"] == "GT" else 0)
                    start = max(start, bisect.bisect_left(keys, (bound, -1)))
                else:
                    rest.append(f)
            matched = [k for k in keys[start:] if all(self._passes(kind, k, f) for f in rest)]
            if len(groups) == 1:
                return matched
            found.update(matched)
        return sorted(found)

    def _passes(self, kind: str, key: tuple[int, int], f: dict[str, Any]) -> bool:
        name, op = f.get("propertyName"), f.get("operator")
        if name == "associations.company":
            if op not in ("EQ", "IN"):
                raise _BadRequest(f"operator {op} is not supported for associations.company")
            values = [str(v) for v in (f.get("values") or [f.get("value")])]
            return any(c in values for c in self._objects[kind][str(key[1])].companies)
        if name in ("hs_lastmodifieddate", "hs_object_id"):
            actual = key[0] if name == "hs_lastmodifieddate" else key[1]
            value = _ms(f.get("value")) if name == "hs_lastmodifieddate" else int(f.get("value") or 0)
            return _compare(actual, op, value)
        raise _BadRequest(f"the double does not filter on {name}")

    def _sort(self, kind: str, keys: list[tuple[int, int]], sorts: list[Any]) -> list[tuple[int, int]]:
        if len(sorts) > 1:
            raise _BadRequest("only one sort is allowed")
        if not sorts:
            return sorted(keys, key=lambda k: k[1])  # HubSpot's default order: by id
        sort = sorts[0]
        if isinstance(sort, str):  # the client also accepts "hs_lastmodifieddate" / "-hs_lastmodifieddate"
            direction = "DESCENDING" if sort.startswith("-") else "ASCENDING"
            sort = {"propertyName": sort.lstrip("-"), "direction": direction}
        if sort.get("propertyName") not in ("hs_lastmodifieddate", "hs_object_id"):
            raise _BadRequest(f"the double does not sort on {sort.get('propertyName')}")
        by_id = sort["propertyName"] == "hs_object_id"
        if not by_id and sort.get("direction") != "DESCENDING":
            return keys  # already in (modified, id) order
        return sorted(keys, key=(lambda k: (k[1],)) if by_id else (lambda k: k),
                      reverse=sort.get("direction") == "DESCENDING")

    def _public(self, kind: str, obj: _Object, wanted: list[str]) -> dict[str, Any]:
        props = {**obj.properties, "hs_object_id": obj.id, "hs_createdate": _iso(obj.created_ms),
                 "hs_lastmodifieddate": _iso(obj.modified_ms)}
        names = set(_DEFAULT_PROPERTIES) | set(wanted)
        out: dict[str, Any] = {"id": obj.id, "properties": {k: v for k, v in props.items() if k in names},
                               "createdAt": _iso(obj.created_ms), "updatedAt": _iso(obj.modified_ms),
                               "archived": obj.archived_ms is not None}
        if obj.archived_ms is not None:
            out["archivedAt"] = _iso(obj.archived_ms)
        return out

    # -- lists and batch reads -----------------------------------------------------------------
    def _list(self, kind: str, query: dict[str, str]) -> dict[str, Any]:
        limit = min(int(query.get("limit") or 10), _LIST_MAX_LIMIT)
        archived = query.get("archived", "false").lower() == "true"
        after = int(query.get("after") or 0)  # HubSpot's cursor is opaque; here it is the last id returned
        chosen = sorted((o for o in self._objects[kind].values() if (o.archived_ms is not None) == archived
                         and int(o.id) > after), key=lambda o: int(o.id))
        wanted = [p for p in (query.get("properties") or "").split(",") if p]
        out: dict[str, Any] = {"results": [self._public(kind, o, wanted) for o in chosen[:limit]]}
        if len(chosen) > limit:
            last = chosen[limit - 1].id
            out["paging"] = {"next": {"after": last, "link": f"?after={last}"}}
        return out

    def _associations_read(self, from_type: str, to_type: str, body: dict[str, Any]) -> dict[str, Any]:
        if to_type not in ("companies", "company") or from_type not in self._objects:
            raise _BadRequest(f"the double only associates engagements with companies, not {from_type}->{to_type}")
        inputs = body.get("inputs") or []
        if len(inputs) > _ASSOCIATION_BATCH_MAX:
            raise _BadRequest(f"at most {_ASSOCIATION_BATCH_MAX} inputs")
        results = []
        for item in inputs:
            obj = self._objects[from_type].get(str(item.get("id")))
            if obj is None or not obj.companies:
                continue  # HubSpot leaves objects without associations out of the results
            results.append({"from": {"id": obj.id}, "to": [
                {"toObjectId": int(c), "associationTypes": [
                    {"category": "HUBSPOT_DEFINED", "typeId": _COMPANY_ASSOCIATION[from_type], "label": None}]}
                for c in obj.companies]})
        now = _iso(int(time.time() * 1000))
        return {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}

    def _companies_read(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        inputs = body.get("inputs") or []
        if len(inputs) > _COMPANY_BATCH_MAX:
            raise _BadRequest(f"at most {_COMPANY_BATCH_MAX} inputs")
        wanted = set(body.get("properties") or ["name", "domain"]) | {"hs_object_id"}
        now = _iso(int(time.time() * 1000))
        results, missing = [], []
        for item in inputs:
            company = self._companies.get(str(item.get("id")))
            if company is None:
                missing.append(str(item.get("id")))
                continue
            results.append({"id": company["hs_object_id"],
                            "properties": {k: v for k, v in company.items() if k in wanted},
                            "createdAt": now, "updatedAt": now, "archived": False})
        out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
        if not missing:
            return 200, {}, out
        out["numErrors"] = 1
        out["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND",
                          "message": "Could not get some COMPANY objects", "context": {"ids": missing}}]
        return 207, {}, out

    def _owners_page(self, query: dict[str, str]) -> dict[str, Any]:
        limit = min(int(query.get("limit") or 100), 500)
        archived = query.get("archived", "false").lower() == "true"
        after = int(query.get("after") or 0)
        chosen = sorted((o for o in self._owners.values() if o.archived == archived and int(o.id) > after),
                        key=lambda o: int(o.id))
        now = _iso(int(time.time() * 1000))
        out: dict[str, Any] = {"results": [
            {"id": o.id, "email": o.email, "firstName": o.first_name, "lastName": o.last_name, "userId": int(o.id),
             "createdAt": now, "updatedAt": now, "archived": o.archived, "teams": []} for o in chosen[:limit]]}
        if len(chosen) > limit:
            out["paging"] = {"next": {"after": chosen[limit - 1].id}}
        return out


class _BadRequest(Exception):
    pass


def _error_body(status: int) -> dict[str, Any]:
    correlation = "00000000-0000-0000-0000-000000000000"
    if status == 401:
        return {"status": "error", "category": "INVALID_AUTHENTICATION", "correlationId": correlation,
                "message": "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
                           "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"}
    if status == 403:
        return {"status": "error", "category": "MISSING_SCOPES", "correlationId": correlation,
                "message": "This app hasn't been granted all required scopes to make this call.",
                "errors": [{"message": "One or more of the following scopes are required.",
                            "context": {"requiredGranularScopes": ["crm.objects.companies.read"]}}]}
    if status == 429:
        return {"status": "error", "category": "RATE_LIMITS", "correlationId": correlation,
                "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}
    return {"status": "error", "category": "INTERNAL_ERROR", "correlationId": correlation,
            "message": "internal error"}


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _ms(value: Any) -> int:
    """A filter value: epoch milliseconds, as HubSpot takes them, or an ISO date-time."""
    text = str(value or "0")
    if text.isdigit():
        return int(text)
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _compare(actual: int, op: Any, value: int) -> bool:
    ops = {"EQ": actual == value, "NEQ": actual != value, "GT": actual > value, "GTE": actual >= value,
           "LT": actual < value, "LTE": actual <= value}
    if op not in ops:
        raise _BadRequest(f"the double does not support operator {op}")
    return ops[str(op)]
