"""A local HTTPS stand-in for Salesforce's REST API: enough SOQL for the Salesforce connector, paging, queryAll,
Get Deleted, a Bearer token and scripted failures.

Answers follow Salesforce's documented JSON: ``{"totalSize", "done", "nextRecordsUrl", "records": [{"attributes":
{"type", "url"}, …}]}``, errors as ``[{"message", "errorCode"}]``. Times are Salesforce's, to the second, from a
clock the test moves (``tick``); the Date header tells it too, as Salesforce's does.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import json
import re
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SF_TIME = "%Y-%m-%dT%H:%M:%S.000+0000"
# The fields each object answers to (a real org's standard fields, the ones the connector may ask for).
SCHEMA: dict[str, set[str]] = {
    "Task": {"Id", "Subject", "Description", "ActivityDate", "CreatedDate", "Status", "Priority", "TaskSubtype",
             "Owner.Name", "Who.Name", "AccountId", "SystemModstamp", "IsDeleted", "IsArchived"},
    "Event": {"Id", "Subject", "Description", "StartDateTime", "EndDateTime", "ActivityDate", "IsAllDayEvent",
              "Location", "Owner.Name", "Who.Name", "AccountId", "SystemModstamp", "IsDeleted", "CreatedDate"},
    "Account": {"Id", "Name", "Website", "SystemModstamp", "IsDeleted", "CreatedDate"},
}
_PREFIX = {"Task": "00T", "Event": "00U", "Account": "001"}


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 that is its own CA (give it as ca_bundle)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relbot test Salesforce")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "salesforce-cert.pem", directory / "salesforce-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


# -- SOQL ---------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<string>'(?:\\.|[^'\\])*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>\d+)
  | (?P<op>!=|>=|<=|=|>|<|\(|\)|,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
)""", re.VERBOSE)


class SoqlError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class _Tok(NamedTuple):
    kind: str
    text: str


Row = dict[str, Any]
Predicate = Callable[[Row], bool]


@dataclass
class Soql:
    sobject: str
    fields: list[str]
    where: Predicate
    order: list[str]
    limit: int | None


def parse_soql(text: str) -> Soql:
    return _Parser(_tokens(text)).query()


def _tokens(text: str) -> list[_Tok]:
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token at {text[pos:pos + 20]!r}")
        tokens.append(_Tok(match.lastgroup, match.group(match.lastgroup)))
        pos = match.end()
    return tokens


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _field(row: Row, name: str) -> Any:
    value: Any = row
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _comparable(name: str, value: Any) -> Any:
    if isinstance(value, str) and (name == "Id" or name.endswith("Id")):
        return value[:15]  # 15- and 18-character ids name the same record
    return value


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self._tokens, self._at = tokens, 0

    def _peek(self, word: str | None = None) -> bool:
        if self._at >= len(self._tokens):
            return False
        return word is None or self._tokens[self._at].text.upper() == word

    def _take(self, word: str | None = None) -> _Tok:
        if not self._peek(word):
            raise SoqlError("MALFORMED_QUERY", f"expected {word or 'more'} at token {self._at}")
        self._at += 1
        return self._tokens[self._at - 1]

    def _names(self) -> list[str]:
        names = [self._take().text]
        while self._peek(","):
            self._take(",")
            names.append(self._take().text)
        return names

    def query(self) -> Soql:
        self._take("SELECT")
        fields = self._names()
        self._take("FROM")
        sobject = self._take().text
        if sobject not in SCHEMA:
            raise SoqlError("INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
        unknown = [f for f in fields if f not in SCHEMA[sobject]]
        if unknown:
            raise SoqlError("INVALID_FIELD", f"No such column '{unknown[0]}' on entity '{sobject}'.")
        where: Predicate = lambda row: True  # noqa: E731
        if self._peek("WHERE"):
            self._take("WHERE")
            where = self._or()
        order: list[str] = []
        if self._peek("ORDER"):
            self._take("ORDER")
            self._take("BY")
            order = self._names()
        limit = None
        if self._peek("LIMIT"):
            self._take("LIMIT")
            limit = int(self._take().text)
        if self._at != len(self._tokens):
            raise SoqlError("MALFORMED_QUERY", f"unexpected token '{self._tokens[self._at].text}'")
        return Soql(sobject, fields, where, order, limit)

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek("OR"):
            self._take("OR")
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else lambda row: any(p(row) for p in parts)

    def _and(self) -> Predicate:
        parts = [self._atom()]
        while self._peek("AND"):
            self._take("AND")
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else lambda row: all(p(row) for p in parts)

    def _atom(self) -> Predicate:
        if self._peek("("):
            self._take("(")
            inner = self._or()
            self._take(")")
            return inner
        name = self._take().text
        op = self._take().text.upper()
        if op == "IN":
            self._take("(")
            values = {_comparable(name, self._value())}
            while self._peek(","):
                self._take(",")
                values.add(_comparable(name, self._value()))
            self._take(")")
            return lambda row: _comparable(name, _field(row, name)) in values
        value = self._value()
        if op == "LIKE":
            pattern = _like(str(value))
            return lambda row: bool(pattern.fullmatch(str(_field(row, name) or "")))
        return _compare(name, op, value)

    def _value(self) -> Any:
        token = self._take()
        if token.kind == "string":
            return re.sub(r"\\(.)", r"\1", token.text[1:-1])
        if token.kind == "datetime":
            return _time(token.text)
        if token.kind == "date":
            return dt.date.fromisoformat(token.text)
        if token.kind == "number":
            return int(token.text)
        word = token.text.lower()
        if word in ("null", "true", "false"):
            return {"null": None, "true": True, "false": False}[word]
        raise SoqlError("MALFORMED_QUERY", f"unexpected value '{token.text}'")


def _like(pattern: str) -> re.Pattern[str]:
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append({"%": ".*", "_": "."}.get(char) or re.escape(char))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)  # SOQL's LIKE ignores case


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
}


def _compare(name: str, op: str, value: Any) -> Predicate:
    if op not in _OPS:
        raise SoqlError("MALFORMED_QUERY", f"unexpected operator '{op}'")
    compare = _OPS[op]

    def predicate(row: Row) -> bool:
        actual = _field(row, name)
        if value is None or actual is None:
            return compare(actual, value) if op in ("=", "!=") else False
        if isinstance(value, dt.datetime):
            actual = _time(actual)
        elif isinstance(value, dt.date):
            actual = dt.date.fromisoformat(actual)
        return compare(_comparable(name, actual), _comparable(name, value))

    return predicate


# -- the server ---------------------------------------------------------------------------------------------


class ServedRequest(NamedTuple):
    method: str
    path: str  # without the query string
    params: dict[str, str]  # the query string, decoded (q, start, end)
    status: int


@dataclass
class _Failure:
    status: int
    body: bytes
    times: int | None  # None: until cleared
    match: str  # only requests whose path contains this


@dataclass
class _State:
    records: dict[str, dict[str, Row]] = field(default_factory=lambda: {name: {} for name in SCHEMA})
    deleted_log: dict[str, list[tuple[str, dt.datetime]]] = field(default_factory=lambda: {n: [] for n in SCHEMA})
    locators: dict[str, list[Row]] = field(default_factory=dict)
    failures: list[_Failure] = field(default_factory=list)


class SalesforceServer:
    def __init__(self, cert: Path, key: Path, *, token: str = "00Dtest!token", api_version: str = "62.0",
                 batch_size: int = 2000, clock: dt.datetime | None = None) -> None:
        self.token = token
        self.api_version = api_version
        self.batch_size = batch_size
        self.clock = clock or dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._state = _State()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._requests: list[ServedRequest] = []
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> SalesforceServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                owner._handle(self)

            def date_time_string(self, timestamp: float | None = None) -> str:
                return formatdate(owner.clock.timestamp(), usegmt=True)  # Salesforce's clock, not ours

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up mid-handshake (a certificate test) is not news

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # The handshake happens on the handler's thread at its first read, not in the accept loop.
        self._server.socket = self._context.wrap_socket(self._server.socket, server_side=True,
                                                        do_handshake_on_connect=False)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="salesforce-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> SalesforceServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def instance_url(self) -> str:
        assert self._server, "start() first"
        return f"https://127.0.0.1:{self._server.server_port}"

    # -- data ----------------------------------------------------------------------------------------------
    def tick(self, seconds: float = 60) -> dt.datetime:
        """Move Salesforce's clock on (stamps are whole seconds, like Salesforce's)."""
        self.clock = (self.clock + dt.timedelta(seconds=seconds)).replace(microsecond=0)
        return self.clock

    def _stamp(self) -> str:
        return self.clock.strftime(SF_TIME)

    def add(self, sobject: str, fields: dict[str, Any], *, record_id: str | None = None) -> str:
        record_id = record_id or f"{_PREFIX[sobject]}{next(self._ids):012d}AAA"
        with self._lock:
            self._state.records[sobject][record_id] = {
                "Id": record_id, "IsDeleted": False, "CreatedDate": self._stamp(), **fields,
                "SystemModstamp": fields.get("SystemModstamp", self._stamp())}
        return record_id

    def add_account(self, name: str, website: str | None = None, *, record_id: str | None = None) -> str:
        return self.add("Account", {"Name": name, "Website": website}, record_id=record_id)

    def add_task(self, account_id: str, subject: str | None, description: str | None = None, *,
                 owner: str | None = "Dana Owner", who: str | None = None, **fields: Any) -> str:
        return self.add("Task", {
            "AccountId": account_id, "Subject": subject, "Description": description, "Status": "Completed",
            "Priority": "Normal", "TaskSubtype": "Task", "ActivityDate": self.clock.date().isoformat(),
            "Owner": {"Name": owner} if owner else None, "Who": {"Name": who} if who else None, **fields})

    def add_event(self, account_id: str, subject: str | None, start: dt.datetime, *, minutes: int = 60,
                  description: str | None = None, location: str | None = None, owner: str | None = "Dana Owner",
                  who: str | None = None, **fields: Any) -> str:
        return self.add("Event", {
            "AccountId": account_id, "Subject": subject, "Description": description, "Location": location,
            "StartDateTime": start.strftime(SF_TIME),
            "EndDateTime": (start + dt.timedelta(minutes=minutes)).strftime(SF_TIME),
            "ActivityDate": start.date().isoformat(), "IsAllDayEvent": False,
            "Owner": {"Name": owner} if owner else None, "Who": {"Name": who} if who else None, **fields})

    def _find(self, record_id: str) -> tuple[str, Row]:
        for sobject, records in self._state.records.items():
            if record_id in records:
                return sobject, records[record_id]
        raise KeyError(record_id)

    def edit(self, record_id: str, *, stamp: bool = True, **fields: Any) -> None:
        """Change fields; Salesforce moves SystemModstamp to now (``stamp=False``: an edit inside the same
        second as the last one, which leaves it where it was)."""
        with self._lock:
            _, row = self._find(record_id)
            row.update(fields)
            if stamp:
                row["SystemModstamp"] = self._stamp()

    def delete(self, record_id: str) -> None:
        """To the Recycle Bin: queryAll still answers it, with IsDeleted true."""
        with self._lock:
            sobject, row = self._find(record_id)
            row.update(IsDeleted=True, SystemModstamp=self._stamp())
            self._state.deleted_log[sobject].append((record_id, self.clock))

    def undelete(self, record_id: str) -> None:
        """Restored from the Recycle Bin. The delete log keeps its entry (Get Deleted may still list it)."""
        with self._lock:
            _, row = self._find(record_id)
            row.update(IsDeleted=False, SystemModstamp=self._stamp())

    def purge(self, record_id: str) -> None:
        """Emptied from the Recycle Bin (or hard-deleted): gone from queryAll; Get Deleted still lists it."""
        with self._lock:
            sobject, row = self._find(record_id)
            del self._state.records[sobject][record_id]
            if not row["IsDeleted"]:
                self._state.deleted_log[sobject].append((record_id, self.clock))

    # -- scripting -----------------------------------------------------------------------------------------
    def fail(self, status: int, error_code: str, message: str, *, times: int | None = 1, match: str = "") -> None:
        """Answer ``status`` with Salesforce's error body to the next ``times`` requests (whose path contains
        ``match``)."""
        body = json.dumps([{"message": message, "errorCode": error_code}]).encode()
        with self._lock:
            self._state.failures.append(_Failure(status, body, times, match))

    def fail_raw(self, status: int, body: bytes = b"", *, times: int | None = 1, match: str = "") -> None:
        with self._lock:
            self._state.failures.append(_Failure(status, body, times, match))

    def clear_failures(self) -> None:
        with self._lock:
            self._state.failures.clear()

    # -- assertions ----------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[ServedRequest]:
        with self._lock:
            return list(self._requests)

    def queries(self) -> list[str]:
        """The SOQL of every query and queryAll request, oldest first."""
        return [r.params["q"] for r in self.requests if "q" in r.params]

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- serving -------------------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        params = {name: values[0] for name, values in parse_qs(url.query).items()}
        status, payload = self._answer(url.path, params, handler.headers.get("Authorization", ""))
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        with self._lock:
            self._requests.append(ServedRequest(handler.command, url.path, params, status))
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json;charset=UTF-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def _scripted(self, path: str) -> _Failure | None:
        with self._lock:
            for failure in self._state.failures:
                if failure.match in path:
                    if failure.times is not None:
                        failure.times -= 1
                        if failure.times <= 0:
                            self._state.failures.remove(failure)
                    return failure
        return None

    def _answer(self, path: str, params: dict[str, str], authorization: str) -> tuple[int, Any]:
        if (failure := self._scripted(path)) is not None:
            return failure.status, failure.body
        if authorization != f"Bearer {self.token}":
            return 401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
        base = f"/services/data/v{self.api_version}/"
        if not path.startswith(base):
            return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
        rest = path[len(base):].strip("/")
        try:
            if rest in ("query", "queryAll"):
                return 200, self._query(params.get("q", ""), include_deleted=rest == "queryAll")
            if match := re.fullmatch(r"(?:query|queryAll)/([\w]+)-(\d+)", rest):
                return 200, self._more(match[1], int(match[2]))
            if match := re.fullmatch(r"sobjects/(\w+)/deleted", rest):
                return 200, self._deleted(match[1], params)
        except SoqlError as exc:
            return 400, [{"message": str(exc), "errorCode": exc.code}]
        return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]

    def _query(self, soql: str, *, include_deleted: bool) -> dict[str, Any]:
        query = parse_soql(soql)
        with self._lock:
            rows = [row for row in self._state.records[query.sobject].values()
                    if (include_deleted or not row["IsDeleted"]) and query.where(row)]
            rows.sort(key=lambda row: tuple(_sort_key(_field(row, name)) for name in query.order))
            if query.limit is not None:
                rows = rows[:query.limit]
            # A snapshot, as a Salesforce query locator is: later edits don't move rows already selected.
            projected = [self._project(query.sobject, row, query.fields) for row in rows]
            locator = f"01g{next(self._ids):015d}"
            self._state.locators[locator] = projected
        return self._batch(locator, 0)

    def _more(self, locator: str, offset: int) -> dict[str, Any]:
        with self._lock:
            if locator not in self._state.locators:
                raise SoqlError("INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._batch(locator, offset)

    def _batch(self, locator: str, offset: int) -> dict[str, Any]:
        with self._lock:
            rows = self._state.locators[locator]
        end = offset + self.batch_size
        answer: dict[str, Any] = {"totalSize": len(rows), "done": end >= len(rows), "records": rows[offset:end]}
        if end < len(rows):
            answer["nextRecordsUrl"] = f"/services/data/v{self.api_version}/query/{locator}-{end}"
        return answer

    def _project(self, sobject: str, row: Row, fields: list[str]) -> Row:
        out: Row = {"attributes": {"type": sobject,
                                   "url": f"/services/data/v{self.api_version}/sobjects/{sobject}/{row['Id']}"}}
        for name in fields:
            if "." in name:
                relation, leaf = name.split(".", 1)
                related = row.get(relation)
                out[relation] = None if related is None else {
                    "attributes": {"type": "Name", "url": f"/services/data/v{self.api_version}/sobjects/User/x"},
                    **(out.get(relation) or {}), leaf: related.get(leaf)}
            else:
                out[name] = row.get(name)
        return out

    def _deleted(self, sobject: str, params: dict[str, str]) -> dict[str, Any]:
        if sobject not in SCHEMA or "start" not in params or "end" not in params:
            raise SoqlError("MALFORMED_QUERY", "start and end are required")
        # Salesforce ignores the seconds of both ends.
        start = _time(params["start"]).replace(second=0, microsecond=0)
        end = _time(params["end"]).replace(second=0, microsecond=0)
        earliest = self.clock - dt.timedelta(days=15)
        if start < earliest:
            raise SoqlError("INVALID_REPLICATION_DATE", "startDate before the earliest date available")
        if end <= start:
            raise SoqlError("INVALID_REPLICATION_DATE", "endDate must chronologically follow startDate")
        with self._lock:
            log = list(self._state.deleted_log[sobject])
        return {
            "deletedRecords": [{"id": rid, "deletedDate": when.strftime(SF_TIME)}
                               for rid, when in log if start <= when <= end + dt.timedelta(seconds=59)],
            "earliestDateAvailable": earliest.strftime(SF_TIME),
            "latestDateCovered": end.strftime(SF_TIME),
        }


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")  # nulls first, as SOQL sorts them ascending
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return (1, _time(value).isoformat())
    return (1, value)
