"""Fetching users' ICS calendar feeds over HTTP: conditional GETs, bounded size and time, an SSRF guard.

A feed address is a secret (Google puts the key in the path, Outlook in the path too), so nothing here logs it,
puts it in an error or shows it: ``redact_url`` is the only form that leaves this module. That covers httpx's
and httpcore's own log lines as well, which would otherwise print the full request URL at INFO and redirect
targets at DEBUG (see ``_RedactUrls``).

``fetch_feed`` never raises for network or HTTP trouble; it answers a ``FetchResult`` whose ``error`` can be
shown to the user as-is. The scheduler polls hundreds of feeds a minute, so one ``httpx.Client`` is shared
(connection reuse to calendar.google.com / outlook.office365.com is most of the speed); ``new_client`` builds
one with the address-pinning guard, and a module-level one is created lazily when no client is passed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import email.utils
import hashlib
import html
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

from relbot.backoff import next_attempt_delay
from relbot.errors import RelbotError

__all__ = [
    "ACCEPT",
    "USER_AGENT",
    "CalendarUrlError",
    "FetchResult",
    "feed_id",
    "fetch_feed",
    "new_client",
    "next_attempt_delay",
    "normalise_feed_url",
    "redact_url",
]

logger = logging.getLogger(__name__)

USER_AGENT = "relbot-calendar/1 (+https://github.com/relbot)"
ACCEPT = "text/calendar, */*;q=0.5"
MAX_URL_LENGTH = 2048
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_STATUSES = frozenset({401, 403, 404, 410})

_WHAT_TO_PASTE = ("Paste the calendar's secret address in iCal format (Google Calendar: Settings → your calendar → "
                  "Integrate calendar) or its published ICS link (Outlook: Settings → Calendar → Shared calendars).")


class CalendarUrlError(RelbotError):
    """A feed address relbot cannot use; the message says why and what to paste instead, never the address."""


# -- addresses -------------------------------------------------------------------------------------------------

_SLACK_LINK = re.compile(r"^<([^<>|]*)(?:\|[^<>]*)?>$")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
_HOST_LIKE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]|$)")


def normalise_feed_url(url: str) -> str:
    """Strip whitespace and Slack's <…> / <…|label> link wrapping; webcal:// and webcals:// → https://; only
    http/https with a host; no user:password@; length ≤ 2048. Raise CalendarUrlError with a specific message
    (what was wrong, what to do)."""
    text = (url or "").strip()
    if len(text) > 4 * MAX_URL_LENGTH:
        # Checked early too so a pasted novel is not run through the regexes below.
        raise CalendarUrlError(f"That calendar address is too long (the limit is {MAX_URL_LENGTH} characters). "
                               f"{_WHAT_TO_PASTE}")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1].strip()
    link = _SLACK_LINK.match(text)
    if link:
        text = link.group(1).strip()
    # Slack escapes &, < and > in message text, links included; the server expects the raw characters.
    text = html.unescape(text) if "&" in text else text
    if not text:
        raise CalendarUrlError(f"No calendar address was given. {_WHAT_TO_PASTE}")
    if _CONTROL_OR_SPACE.search(text):
        raise CalendarUrlError("That calendar address contains spaces or line breaks, so it was probably cut or "
                               f"joined with other text. {_WHAT_TO_PASTE}")
    if "://" not in text:
        if text.lower().startswith(("mailto:", "javascript:", "data:", "file:")):
            scheme = text.split(":", 1)[0].lower()
            raise CalendarUrlError(f"A {scheme}: link is not a calendar address. {_WHAT_TO_PASTE}")
        if not _HOST_LIKE.match(text):
            raise CalendarUrlError(f"That doesn't look like a web address. {_WHAT_TO_PASTE}")
        # People paste "calendar.google.com/calendar/ical/…" without a scheme; there is only one sensible one.
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise CalendarUrlError(f"That calendar address is malformed (its host or port can't be read). "
                               f"{_WHAT_TO_PASTE}") from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        # webcal:// only means "open in a calendar app"; Google, Outlook and iCloud all serve it over HTTPS.
        scheme = "https"
    if scheme not in ("http", "https"):
        shown = scheme if re.fullmatch(r"[a-z][a-z0-9+.-]{0,15}", scheme) else "that kind of"
        raise CalendarUrlError(f"relbot can only read calendars over https:// (or webcal://), not {shown} "
                               f"addresses. {_WHAT_TO_PASTE}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise CalendarUrlError("That calendar address contains a user name or password (user:password@…), which "
                               "relbot can't use. Use the calendar's secret address instead: it needs no login. "
                               "If you shared a password in it, change that password.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise CalendarUrlError(f"That calendar address has no host name after {scheme}://. {_WHAT_TO_PASTE}")
    netloc = f"[{host}]" if ":" in host else host
    default_port = 443 if scheme == "https" else 80
    if port is not None and port != default_port:
        netloc += f":{port}"
    # The fragment never reaches the server; dropping it keeps feed_id stable for the same feed.
    normalised = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    if len(normalised) > MAX_URL_LENGTH:
        raise CalendarUrlError(f"That calendar address is too long ({len(normalised)} characters; the limit is "
                               f"{MAX_URL_LENGTH}). {_WHAT_TO_PASTE}")
    return normalised


def redact_url(url: str) -> str:
    """What may be shown or logged: scheme + host + '/…' + last 4 characters of a sha256 of the URL, e.g.
    'https://calendar.google.com/…#3fa2'. Never the path or query (Google's secret is in the path).

    The hash is of the normalised address when it has one, so the same feed reads the same however it was
    pasted (and matches the end of the sha256 whose start is its feed_id)."""
    try:
        canonical = normalise_feed_url(url)
    except CalendarUrlError:
        canonical = url
    suffix = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[-4:]
    try:
        parts = urlsplit(canonical.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return f"(unreadable address)/…#{suffix}"
    if not re.fullmatch(r"[a-z][a-z0-9+.-]{0,15}", scheme) or not re.fullmatch(r"[a-z0-9._:\-\[\]]{1,253}", host):
        # Anything odd is not echoed: a pasted secret may not parse the way it was meant.
        return f"(unreadable address)/…#{suffix}"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port not in (80, 443):
        netloc += f":{port}"
    return f"{scheme}://{netloc}/…#{suffix}"


def feed_id(url: str) -> str:
    """Stable short id of a feed: the first 10 hex characters of sha256(normalised url). Raises
    CalendarUrlError for an address normalise_feed_url refuses."""
    return hashlib.sha256(normalise_feed_url(url).encode("utf-8", "surrogatepass")).hexdigest()[:10]


# -- results and backoff ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    status: Literal["changed", "not_modified", "failed"]
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # specific and safe to show a user; never the URL
    permanent: bool = False  # the address is wrong or revoked: retrying soon won't help
    retry_after_s: float | None = None  # the server's Retry-After, in seconds from now
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{1,10}(?:\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# -- the SSRF guard ----------------------------------------------------------------------------------------------


class _BlockedAddress(OSError):
    """Raised inside the connection when a host resolves to a private address; mapped to a user message."""


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that IPv4 host; judge the embedded one.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return _is_public(embedded)
    # is_global excludes private, loopback, link-local, reserved, shared (100.64/10) and documentation ranges;
    # multicast ranges can still count as "global", so they are refused separately.
    return ip.is_global and not ip.is_multicast


_resolver_pool: ThreadPoolExecutor | None = None
_resolver_lock = threading.Lock()


def _resolver() -> ThreadPoolExecutor:
    global _resolver_pool
    with _resolver_lock:
        if _resolver_pool is None:
            _resolver_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="relbot-dns")
        return _resolver_pool


def _resolve(host: str, port: int, timeout: float) -> list[str]:
    """The host's addresses. getaddrinfo has no timeout of its own, and a stuck resolver must not hold a fetch
    past its deadline, so it runs on a small pool and is waited for with the time left."""
    future = _resolver().submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    infos = future.result(timeout=max(timeout, 0.001))
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    return addresses


class _Refused(Exception):
    """A fetch stops here with this user message (already safe to show)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


# The addresses the pre-connect check approved, per host, for the fetch running in this context: the guarded
# backend connects to exactly these, so DNS cannot answer "public" to the check and "127.0.0.1" to the connect.
_approved: contextvars.ContextVar[dict[str, list[str]] | None] = contextvars.ContextVar(
    "relbot_calendar_approved_addresses", default=None)
_allow_private: contextvars.ContextVar[bool] = contextvars.ContextVar("relbot_calendar_allow_private",
                                                                      default=False)


def _check_host(host: str, port: int, *, allow_private: bool, timeout: float) -> list[str]:
    try:
        addresses = _resolve(host, port, timeout)
    except FutureTimeout:
        raise _Refused(f"timed out looking up the calendar server's name ({host})") from None
    except (socket.gaierror, UnicodeError, OSError):
        raise _Refused(f"could not find the calendar server: the host name {host} does not resolve; check the "
                       "address, or paste it again from the calendar's settings") from None
    if not addresses:
        raise _Refused(f"could not find the calendar server: the host name {host} does not resolve")
    if not allow_private:
        # Any private answer refuses the host, even next to public ones: the connect could pick either.
        for address in addresses:
            if not _is_public(ipaddress.ip_address(address)):
                raise _Refused("the address points to a private network address, which relbot does not fetch "
                               "from; use the calendar's public address", permanent=True)
    return addresses


class _GuardedBackend(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        approved = (_approved.get() or {}).get(host)
        if approved is None:
            # A connection this module's fetch_feed did not vet (a caller using the client directly): vet it now.
            try:
                approved = _check_host(host, port, allow_private=_allow_private.get(), timeout=timeout or 10.0)
            except _Refused as refused:
                raise httpcore.ConnectError(str(refused)) from _BlockedAddress(refused.message)
        last: Exception | None = None
        for address in approved:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, *, limits: httpx.Limits, verify: bool = True) -> None:
        super().__init__(limits=limits, verify=verify)
        # httpx has no public way to pass a network backend; rebuild its pool with the same settings plus ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(),
        )


def new_client(*, max_connections: int = 100, verify: bool = True) -> httpx.Client:
    """A client for fetch_feed to share across feeds: keeps connections alive between the minute's polls and
    connects only to addresses the SSRF check approved. (Environment proxies are not used; to fetch through a
    proxy, pass your own ``httpx.Client(proxy=…)`` to fetch_feed: the check before each request still runs.)"""
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections,
                          keepalive_expiry=90.0)
    return httpx.Client(transport=_GuardedTransport(limits=limits, verify=verify), follow_redirects=False,
                        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})


_default_client: httpx.Client | None = None
_default_client_lock = threading.Lock()


def _shared_client() -> httpx.Client:
    global _default_client
    client = _default_client
    if client is None or client.is_closed:
        with _default_client_lock:
            if _default_client is None or _default_client.is_closed:
                _default_client = new_client()
            client = _default_client
    return client


# -- keeping the URL out of other libraries' logs --------------------------------------------------------------

# Any scheme: a redirect's Location (logged by httpcore) can point anywhere and still carry the secret path.
_URL_IN_TEXT = re.compile(r"(?i)\b[a-z][a-z0-9+.-]{0,15}://[^\s'\"<>\\]+")


class _RedactUrls(logging.Filter):
    """httpx logs every request's full URL at INFO and httpcore logs response headers (Location included) at
    DEBUG; for calendar feeds those are the secret. Rewrites any URL in those records to its redacted form."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's problem, not ours
            return True
        if "://" in message:
            record.msg = _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), message)
            record.args = None
        return True


_LOG_FILTER = _RedactUrls()
_LIBRARY_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
                    "httpcore.socks", "httpcore.connection_pool")


def _install_log_filter() -> None:
    # Logger filters apply only to records logged on that very logger, hence each of httpcore's loggers by name.
    for name in _LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if _LOG_FILTER not in library_logger.filters:
            library_logger.addFilter(_LOG_FILTER)


_install_log_filter()


# -- fetching ------------------------------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    return f"{value:g} s" if value < 10 else f"{value:.0f} s"


def _size(n: int) -> str:
    if n >= 2**20 and n % 2**20 == 0:
        return f"{n // 2**20} MB"
    if n >= 2**10 and n % 2**10 == 0:
        return f"{n // 2**10} kB"
    return f"{n} bytes"


def _status_text(code: int) -> str:
    # The standard phrase, not the server's own: that text is the server's to choose and could be anything.
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _status_error(code: int) -> str:
    said = f"the calendar server answered {_status_text(code)}"
    if code in (404, 410):
        return f"{said}: the address was removed or reset; connect the new secret address"
    if code in (401, 403):
        return (f"{said}: the calendar is no longer shared at this address (the secret address was reset or "
                "sharing was turned off); connect the calendar's current secret address")
    if code == 429:
        return f"{said}: it is limiting how often relbot may fetch; relbot will retry later"
    if 500 <= code < 600:
        return f"{said}: a problem on the calendar server's side; relbot will retry"
    if 300 <= code < 400:
        return f"{said} without saying where the calendar moved"
    return f"{said}; check that the address is the calendar's ICS (iCal) address"


def _network_error(exc: httpx.TransportError, timeout_s: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {_seconds(timeout_s)}"
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    for cause in causes:
        if isinstance(cause, _BlockedAddress):
            return str(cause)
    # Only the kind of failure is reported: the exceptions' own text is not ours to vouch for.
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return "could not connect (connection refused)"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset by the calendar server"
        if isinstance(cause, socket.gaierror):
            return "could not find the calendar server (the host name does not resolve)"
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            reason = getattr(cause, "reason", None) or type(cause).__name__
            shown = reason if isinstance(reason, str) and re.fullmatch(r"[A-Z0-9_]{1,60}", reason) else "TLS error"
            return f"could not set up a secure connection ({shown}); the server's certificate may be invalid"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the calendar server sent a malformed or truncated answer"
    if isinstance(exc, httpx.DecodingError):
        return "the calendar server sent a body that could not be decompressed"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect to the calendar server"
    return f"the request failed ({type(exc).__name__})"


@dataclass(frozen=True)
class _Clock:
    started: float
    timeout_s: float

    @property
    def deadline(self) -> float:
        return self.started + self.timeout_s

    def result(self, status: Literal["changed", "not_modified", "failed"], *, body: bytes | None = None,
               etag: str | None = None, last_modified: str | None = None, error: str | None = None,
               permanent: bool = False, retry_after_s: float | None = None) -> FetchResult:
        return FetchResult(status, body=body, etag=etag, last_modified=last_modified, error=error,
                           permanent=permanent, retry_after_s=retry_after_s,
                           elapsed_ms=(time.monotonic() - self.started) * 1000)


@contextmanager
def _guard_context(approved: dict[str, list[str]], allow_private: bool) -> Iterator[None]:
    approved_token = _approved.set(approved)
    allow_token = _allow_private.set(allow_private)
    try:
        yield
    finally:
        _approved.reset(approved_token)
        _allow_private.reset(allow_token)


def fetch_feed(url: str, *, etag: str | None = None, last_modified: str | None = None, timeout_s: float = 10.0,
               max_bytes: int = 5 * 2**20, allow_private: bool = False,
               client: httpx.Client | None = None) -> FetchResult:
    """GET one feed, conditionally when validators are given: 304 → not_modified (validators kept), 200 →
    changed with the body and new validators, anything else → failed with a message safe to show. The whole
    fetch (lookups, redirects, body) gets about ``timeout_s``; bodies over ``max_bytes`` are refused."""
    clock = _Clock(time.monotonic(), timeout_s)
    deadline = clock.deadline
    done = clock.result
    try:
        current = normalise_feed_url(url)
    except CalendarUrlError as exc:
        return done("failed", error=str(exc), permanent=True)
    shown = redact_url(current)
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = client if client is not None else _shared_client()
    approved: dict[str, list[str]] = {}

    try:
        with _guard_context(approved, allow_private):
            for hop in range(MAX_REDIRECTS + 1):
                target = httpx.URL(current)
                # The ASCII (punycode) form: it is what httpcore hands the network backend to connect to.
                host = target.raw_host.decode("ascii")
                port = target.port or (443 if target.scheme == "https" else 80)
                approved[host] = _check_host(host, port, allow_private=allow_private,
                                             timeout=deadline - time.monotonic())
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise httpx.ReadTimeout("deadline passed")
                logger.debug("calendar fetch %s (hop %d, conditional=%s)", shown, hop, bool(etag or last_modified))
                with http.stream("GET", target, headers=headers, timeout=httpx.Timeout(remaining),
                                 follow_redirects=False) as response:
                    code = response.status_code
                    if code in _REDIRECT_STATUSES:
                        current = _redirect_target(response, target)
                        shown = redact_url(current)
                        continue
                    return _read_answer(response, etag=etag, last_modified=last_modified, max_bytes=max_bytes,
                                        clock=clock, shown=shown)
            return done("failed", error=f"the calendar server redirected more than {MAX_REDIRECTS} times; check "
                                        "the address, or paste it again from the calendar's settings")
    except _Refused as refused:
        logger.debug("calendar fetch %s refused: %s", shown, refused.message)
        return done("failed", error=refused.message, permanent=refused.permanent)
    except httpx.TransportError as exc:
        message = _network_error(exc, timeout_s)
        logger.debug("calendar fetch %s failed: %s", shown, message)
        return done("failed", error=message)
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, UnicodeError, ValueError, OSError) as exc:
        # What is left: a host httpx can't encode, an error httpcore did not wrap. The poller must carry on.
        logger.debug("calendar fetch %s failed: %s", shown, type(exc).__name__)
        return done("failed", error=f"the request failed ({type(exc).__name__})")


def _redirect_target(response: httpx.Response, base: httpx.URL) -> str:
    location = response.headers.get("Location")
    if not location:
        raise _Refused(_status_error(response.status_code))
    try:
        joined = str(base.join(location.strip()))
    except (httpx.InvalidURL, ValueError):
        raise _Refused("the calendar server redirected to a malformed address") from None
    scheme = urlsplit(joined).scheme.lower()
    if scheme not in ("http", "https"):
        shown = f" ({scheme}:)" if re.fullmatch(r"[a-z][a-z0-9+.-]{0,15}", scheme) else ""
        raise _Refused(f"the calendar server redirected to a non-web address{shown}, which relbot does not follow; "
                       "check the address, or paste it again from the calendar's settings")
    try:
        # Same rules as a pasted address (credentials, length, host), so a redirect can't sneak past them.
        return normalise_feed_url(joined)
    except CalendarUrlError:
        raise _Refused("the calendar server redirected to an address relbot cannot use") from None


def _read_answer(response: httpx.Response, *, etag: str | None, last_modified: str | None, max_bytes: int,
                 clock: _Clock, shown: str) -> FetchResult:
    done = clock.result
    code = response.status_code
    new_etag = response.headers.get("ETag")
    new_last_modified = response.headers.get("Last-Modified")
    if code == 304:
        logger.debug("calendar fetch %s: not modified", shown)
        # A 304 may omit validators; the ones sent are still the current ones then.
        return done("not_modified", etag=new_etag or etag, last_modified=new_last_modified or last_modified)
    if code in (204, 205) or not 200 <= code < 300:
        retry_after = _parse_retry_after(response.headers.get("Retry-After")) if code in (429, 503) else None
        logger.debug("calendar fetch %s: HTTP %d", shown, code)
        return done("failed", error=_status_error(code), permanent=code in _PERMANENT_STATUSES,
                    retry_after_s=retry_after)
    too_large = f"the feed is larger than {_size(max_bytes)}"
    declared = response.headers.get("Content-Length", "")
    # Content-Length counts the compressed bytes, which the decoded body can only exceed: a safe early refusal.
    if declared.isdigit() and int(declared) > max_bytes:
        return done("failed", error=too_large)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            return done("failed", error=too_large)
        if time.monotonic() > clock.deadline:
            # Each read has its own timeout; this bounds a server that drips the body slowly.
            return done("failed", error=f"timed out after {_seconds(clock.timeout_s)} (the calendar arrived too "
                                        "slowly)")
        chunks.append(chunk)
    logger.debug("calendar fetch %s: changed (%d bytes)", shown, total)
    return done("changed", body=b"".join(chunks), etag=new_etag, last_modified=new_last_modified)

