"""A local ICS feed server for tests and benchmarks: real HTTP/1.1 (keep-alive) on 127.0.0.1, so the real
``httpx`` client in ``relbot.calendar.fetch`` talks to it as it would to Google or Outlook.

Published feeds answer with an ETag (the quoted sha1 of the body) and a Last-Modified (the publish time), and
honour If-None-Match / If-Modified-Since with 304 the way RFC 9110 says (If-None-Match wins when both are sent).
Paths can be scripted to fail, to answer slowly, or to redirect; every request is recorded.

    with IcsServer() as server:
        url = server.publish("/cal/abc/basic.ics", body)
        server.fail("/cal/gone.ics", 410)
        server.delay("/cal/slow.ics", 1.0)
        server.redirect("/old.ics", "/cal/abc/basic.ics")
        ... fetch_feed(url, allow_private=True) ...
        assert server.requests[-1] == ("GET", "/cal/abc/basic.ics", True, 304)
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

CALENDAR_TYPE = "text/calendar; charset=utf-8"


class ServedRequest(NamedTuple):
    method: str
    path: str  # without the query string
    conditional: bool  # the request carried If-None-Match or If-Modified-Since
    status: int


@dataclass
class _Feed:
    body: bytes
    etag: str
    last_modified: str  # HTTP-date
    modified_at: int  # whole seconds, as Last-Modified says
    content_type: str
    chunked: bool  # no Content-Length, body sent with chunked transfer encoding
    gzipped: bytes | None = None  # cached so benchmarks don't pay for compression on every request


@dataclass
class _Failure:
    status: int
    body: bytes
    headers: dict[str, str]
    times: int | None  # None: until cleared


@dataclass
class _Delay:
    seconds: float
    during_body: bool  # headers go out at once, then the body stalls


@dataclass
class _Redirect:
    to: str  # a path on this server or an absolute URL (any scheme)
    status: int


@dataclass
class _State:
    feeds: dict[str, _Feed] = field(default_factory=dict)
    failures: dict[str, _Failure] = field(default_factory=dict)
    delays: dict[str, _Delay] = field(default_factory=dict)
    redirects: dict[str, _Redirect] = field(default_factory=dict)


class IcsServer:
    def __init__(self, *, gzip_responses: bool = True) -> None:
        self.gzip_responses = gzip_responses  # compress when the client sends Accept-Encoding: gzip
        self._state = _State()
        self._lock = threading.Lock()
        self._requests: list[ServedRequest] = []
        self._headers: list[dict[str, str]] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> IcsServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be measured
            # Headers and body go out in separate writes; with Nagle on, the body waits ~40 ms for the client's
            # delayed ACK, which would dominate every benchmark.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                owner._handle(self)

            def do_HEAD(self) -> None:
                owner._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval keeps stop() (and so each test's teardown) from waiting half a second.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="ics-server",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a delay
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> IcsServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server, "start() first"
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- scripting -----------------------------------------------------------------------------
    def publish(self, path: str, body: bytes, *, content_type: str = CALENDAR_TYPE, chunked: bool = False) -> str:
        """Serve ``body`` at ``path`` from now on (replacing what was there); answers its URL."""
        now = int(time.time())
        with self._lock:
            previous = self._state.feeds.get(path)
            # Two publishes in one second would share a Last-Modified, and a client sending only
            # If-Modified-Since would wrongly get a 304: move the date on, as a real server's clock would have.
            if previous is not None and previous.body != body and now <= previous.modified_at:
                now = previous.modified_at + 1
            self._state.feeds[path] = _Feed(
                body=body, etag=f'"{hashlib.sha1(body).hexdigest()}"', last_modified=formatdate(now, usegmt=True),
                modified_at=now, content_type=content_type, chunked=chunked)
        return self.url(path)

    def unpublish(self, path: str) -> None:
        with self._lock:
            self._state.feeds.pop(path, None)

    def fail(self, path: str, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *,
             times: int | None = None) -> None:
        """Answer ``status`` at ``path`` (the next ``times`` requests, or until ``clear``)."""
        with self._lock:
            self._state.failures[path] = _Failure(status, body, dict(headers or {}), times)

    def delay(self, path: str, seconds: float, *, during_body: bool = False) -> None:
        """Wait ``seconds`` before answering ``path`` (or, ``during_body``, after the headers, mid-body)."""
        with self._lock:
            self._state.delays[path] = _Delay(seconds, during_body)

    def redirect(self, path: str, to_path: str, *, status: int = 302) -> None:
        """Answer ``path`` with a redirect to ``to_path`` (a path here, or any absolute URL)."""
        with self._lock:
            self._state.redirects[path] = _Redirect(to_path, status)

    def clear(self, path: str) -> None:
        """Forget a path's failure, delay and redirect (its published body stays)."""
        with self._lock:
            self._state.failures.pop(path, None)
            self._state.delays.pop(path, None)
            self._state.redirects.pop(path, None)

    # -- assertions ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[ServedRequest]:
        """A snapshot of every request so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def counts(self) -> Counter[ServedRequest]:
        with self._lock:
            return Counter(self._requests)

    def requests_to(self, path: str) -> list[ServedRequest]:
        return [r for r in self.requests if r.path == path]

    def last_headers(self, path: str | None = None) -> dict[str, str]:
        """The headers (lower-case names) of the latest request, or of the latest one to ``path``."""
        with self._lock:
            for served, headers in zip(reversed(self._requests), reversed(self._headers), strict=True):
                if path is None or served.path == path:
                    return dict(headers)
        raise AssertionError(f"no request to {path or 'the server'} yet")

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self._headers.clear()

    # -- serving -------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        headers = {name.lower(): value for name, value in handler.headers.items()}
        conditional = "if-none-match" in headers or "if-modified-since" in headers
        with self._lock:
            failure = self._state.failures.get(path)
            if failure is not None and failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._state.failures[path]
            delay = self._state.delays.get(path)
            redirect = self._state.redirects.get(path)
            feed = self._state.feeds.get(path)

        if delay is not None and not delay.during_body and self._stopping.wait(delay.seconds):
            return
        status, extra, body = self._answer(path, headers, failure, redirect, feed)
        with self._lock:
            self._requests.append(ServedRequest(handler.command, path, conditional, status))
            self._headers.append(headers)

        try:
            handler.send_response(status)
            for name, value in extra.items():
                handler.send_header(name, value)
            chunked = feed is not None and feed.chunked and status == 200
            if status != 304:
                if chunked:
                    handler.send_header("Transfer-Encoding", "chunked")
                else:
                    handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if handler.command == "HEAD" or status == 304:
                return
            if delay is not None and delay.during_body:
                handler.wfile.write(body[: len(body) // 2] if not chunked else _chunk(body[: len(body) // 2]))
                handler.wfile.flush()
                if self._stopping.wait(delay.seconds):
                    return
                body = body[len(body) // 2:]
            if chunked:
                for start in range(0, len(body), 64 * 1024):
                    handler.wfile.write(_chunk(body[start:start + 64 * 1024]))
                handler.wfile.write(b"0\r\n\r\n")
            else:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout or size limit under test); nothing to do

    def _answer(self, path: str, headers: dict[str, str], failure: _Failure | None, redirect: _Redirect | None,
                feed: _Feed | None) -> tuple[int, dict[str, str], bytes]:
        if failure is not None:
            return failure.status, dict(failure.headers), failure.body
        if redirect is not None:
            location = redirect.to if "://" in redirect.to else self.url(redirect.to)
            return redirect.status, {"Location": location}, b""
        if feed is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        validators = {"ETag": feed.etag, "Last-Modified": feed.last_modified}
        if _not_modified(headers, feed):
            return 304, validators, b""
        extra = {**validators, "Content-Type": feed.content_type, "Vary": "Accept-Encoding"}
        if self.gzip_responses and "gzip" in headers.get("accept-encoding", ""):
            with self._lock:
                if feed.gzipped is None:
                    feed.gzipped = gzip.compress(feed.body, compresslevel=5, mtime=0)
                compressed = feed.gzipped
            return 200, {**extra, "Content-Encoding": "gzip"}, compressed
        return 200, extra, feed.body


def _not_modified(headers: dict[str, str], feed: _Feed) -> bool:
    if "if-none-match" in headers:
        wanted = [tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")]
        return "*" in wanted or feed.etag in wanted
    since = headers.get("if-modified-since")
    if since:
        try:
            return feed.modified_at <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False
    return False


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n" if data else b""
