"""Serving: relbot's WSGI app (``wsgi.py``) on waitress, bound to the configured host; or Socket Mode.

waitress was measured against gunicorn's gthread worker (docs/BENCHMARKS.md) and chosen: one process (the
draft worker stays a child of the server, no pre-fork master), a fixed thread pool, keep-alive, an idle
timeout per connection, header and body limits enforced while reading (before any thread is taken), and
bodies read in full by its I/O loop, so a slow client never holds a worker thread.

waitress has no graceful stop of its own (stopping its loop drops whatever is in flight), so ``HttpServer``
runs the loop itself and, once ``stop()`` is called (signal-safe: it only sets a flag), closes the listening
sockets, closes idle keep-alive connections, lets in-flight requests finish and their responses flush for up
to ``Limits.drain_s``, then closes everything and returns from ``serve_forever``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from relbot.slack.wsgi import EVENTS_PATH, MAX_BODY_BYTES, relbot_wsgi

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from slack_bolt.adapter.socket_mode import SocketModeHandler

DRAIN_POLL_S = 0.05
SOCKET_PING_INTERVAL_S = 10.0  # bolt's default; a connection silent for 4 intervals is replaced


@dataclass(frozen=True)
class Limits:
    threads: int = 8  # requests handled at once; acks are ~1-40 ms of CPU, so more would only contend
    connection_limit: int = 256  # open connections (keep-alive included); past it, new ones wait in the backlog
    channel_timeout_s: int = 65  # a connection idle this long is closed; above the usual 60 s of a proxy's pool
    max_body_bytes: int = MAX_BODY_BYTES
    max_header_bytes: int = 32 * 1024  # Slack sends ~1 KB of headers; past this waitress answers 431
    drain_s: float = 5.0  # a stop waits this long for in-flight requests (Slack gives up on an ack after 3 s)


class HttpServer:
    def __init__(self, app: WSGIApplication, *, host: str, port: int, limits: Limits = Limits()) -> None:
        self.limits = limits
        self._map: dict[int, Any] = {}
        create_server(
            app, map=self._map, host=host, port=port, threads=limits.threads,
            connection_limit=limits.connection_limit, channel_timeout=limits.channel_timeout_s,
            cleanup_interval=min(10, limits.channel_timeout_s), max_request_body_size=limits.max_body_bytes,
            max_request_header_size=limits.max_header_bytes, asyncore_use_poll=True, ident="relbot",
        )
        self._listeners: list[BaseWSGIServer] = [s for s in self._map.values() if isinstance(s, BaseWSGIServer)]
        self._stopping = False  # a plain flag: set from a signal handler, read by the loop
        self._running = threading.Event()
        self._done = threading.Event()

    @property
    def server_port(self) -> int:
        return int(self._listeners[0].effective_port)

    @property
    def url(self) -> str:
        return f"http://{self._listeners[0].effective_host}:{self.server_port}"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._running.set()
        try:
            while not self._stopping:
                wasyncore.loop(timeout=poll_interval, map=self._map, use_poll=True, count=1)
            self._drain()
        finally:
            self._close()
            self._done.set()

    def stop(self) -> None:
        """Begin a graceful stop; ``serve_forever`` returns when it is done. Safe in a signal handler."""
        self._stopping = True

    def shutdown(self) -> None:
        """Stop gracefully and wait for ``serve_forever`` to return (from another thread)."""
        self.stop()
        if self._running.is_set():
            self._done.wait()

    def server_close(self) -> None:
        self._close()

    def _drain(self) -> None:
        for listener in self._listeners:  # the port is released: new connections are refused from here on
            listener.accepting = False
            listener.del_channel()
            listener.socket.close()
        deadline = time.monotonic() + self.limits.drain_s
        while self._map:
            busy = False
            for channel in self._channels():
                if channel.requests or channel.total_outbufs_len or channel.request is not None:
                    busy = True  # a request being read or served, or a response still being written
                else:
                    channel.will_close = True  # idle keep-alive: the loop closes it on its next pass
            if not busy and not self._channels():
                break
            if time.monotonic() >= deadline:
                break
            wasyncore.loop(timeout=DRAIN_POLL_S, map=self._map, use_poll=True, count=1)

    def _channels(self) -> list[Any]:
        return [channel for listener in self._listeners for channel in list(listener.active_channels.values())]

    def _close(self) -> None:
        objects = list(self._map.values())
        for obj in objects:
            if isinstance(obj, HTTPChannel):
                with contextlib.suppress(OSError):  # a socket the client already closed
                    obj.handle_close()
        # The request threads go before the loop's trigger: a thread finishing a request still pulls the trigger
        # to wake the loop, and a closed trigger's fd made that an OSError traceback at stop.
        if self._listeners:
            self._listeners[0].task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        for obj in objects:
            if not isinstance(obj, HTTPChannel):
                with contextlib.suppress(OSError):
                    obj.close()
        self._map.clear()


def make_http_server(app: App, host: str, port: int, *, signing_secret: str | None = None,
                     limits: Limits = Limits()) -> HttpServer:
    """Bound and ready; ``port=0`` picks a free port (``server.server_port``). ``signing_secret`` defaults to
    the one the bolt app verifies with."""
    secret = signing_secret if signing_secret is not None else str(getattr(app, "_signing_secret", "") or "")
    return HttpServer(relbot_wsgi(app, signing_secret=secret, max_body=limits.max_body_bytes), host=host, port=port,
                      limits=limits)


def serve_http(server: HttpServer, *, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until ``server.stop()`` (a signal handler calls it) has drained the in-flight requests."""
    if on_ready:
        on_ready(f"{server.url}{EVENTS_PATH}")
    server.serve_forever()


def socket_handler(app: App, *, app_token: str, ping_interval: float = SOCKET_PING_INTERVAL_S) -> SocketModeHandler:
    """bolt's built-in Socket Mode handler (slack_sdk's own client), calling ``apps.connections.open`` through the
    app's Web API client (so ``SLACK_API_URL`` applies). ``connect()`` it, or ``start()`` to block."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(app, app_token=app_token, ping_interval=ping_interval)


def serve_socket(app: App, *, app_token: str) -> None:
    socket_handler(app, app_token=app_token).start()  # type: ignore[no-untyped-call]
