"""Slack's side of Socket Mode, on 127.0.0.1, for tests: the real ``slack_sdk`` client connects to it.

The protocol, as Slack speaks it: the app calls ``apps.connections.open`` with its app-level token (``xapp-…``)
and gets a one-time WebSocket URL; it connects there and Slack sends ``{"type": "hello", …}``; then Slack
delivers envelopes ``{"envelope_id", "type": "slash_commands" | "interactive" | "events_api", "payload",
"accepts_response_payload"}`` (events also ``retry_attempt`` / ``retry_reason``), and the app acknowledges each
by sending ``{"envelope_id": …}``, with a ``payload`` where one is accepted (a slash command's reply). Slack asks
for a reconnection with ``{"type": "disconnect", "reason": "warning" | "refresh_requested" | …}`` and may drop a
connection at any time.

This double serves plain ``ws://`` (slack_sdk's built-in client speaks TLS only to port 443, and a test cannot
bind that), with the same handshake, framing and messages. URLs are single use, as Slack's tickets are.

    with SocketModeServer() as server:
        fake_slack.answer("apps.connections.open", server.connections_open)
        ...  # the app connects
        server.wait_connected()
        envelope_id = server.deliver("slash_commands", payload, accepts_response_payload=True)
        ack = server.wait_ack(envelope_id)
        server.disconnect("refresh_requested")   # or server.drop()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.support.fake_slack import Call

APP_ID = "A0RELBOT"
T = TypeVar("T")
EnvelopeType = str  # "slash_commands" | "interactive" | "events_api"


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    link: int  # which connection it came on (1 = the first)
    at: float  # time.monotonic()


@dataclass
class Link:
    """One WebSocket connection from the app."""

    number: int
    ticket: str
    opened_at: float
    ws: ServerConnection = field(repr=False)
    closed_at: float | None = None
    close_code: int | None = None  # None: the connection was dropped, not closed with a close frame

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SocketModeServer:
    def __init__(self, *, app_id: str = APP_ID) -> None:
        self.app_id = app_id
        self.links: list[Link] = []
        self.acks: list[Ack] = []
        self.envelopes: dict[str, dict[str, Any]] = {}  # every envelope delivered, by id
        self.refused: list[str] = []  # why handshakes were refused ("unknown ticket", …)
        self._tickets: set[str] = set()  # issued and not used yet
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="socket-mode-server", daemon=True)
        self._server: Server | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> SocketModeServer:
        self._thread.start()
        self._server = self._run(self._listen())
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def _listen(self) -> Server:
        return await serve(self._serve, "127.0.0.1", 0, process_request=self._check_ticket, compression=None,
                           ping_interval=None, max_size=2**22)

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._run(self._server.wait_closed())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    # -- the Web API side ------------------------------------------------------------------------
    def connections_open(self, call: Call) -> dict[str, Any]:
        """``apps.connections.open``, for ``FakeSlack.answer``: only an app-level token gets a URL."""
        if not call.token:
            return {"ok": False, "error": "not_authed"}
        if not call.token.startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        ticket = uuid.uuid4().hex
        with self._cond:
            self._tickets.add(ticket)
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"}

    # -- what tests do -------------------------------------------------------------------------
    def wait_connected(self, count: int = 1, *, timeout: float = 10.0) -> Link:
        """The newest connection, once ``count`` connections have been opened and it is open (hello sent)."""
        return self._wait(lambda: self._newest() if len(self.links) >= count and self._newest() else None,
                          timeout, f"{count} connection(s)")

    def open_links(self) -> list[Link]:
        with self._cond:
            return [link for link in self.links if link.is_open]

    def deliver(self, kind: EnvelopeType, payload: dict[str, Any], *, accepts_response_payload: bool = False,
                retry_attempt: int | None = None, retry_reason: str | None = None) -> str:
        """Send one envelope on the newest open connection; returns its envelope_id."""
        envelope_id = f"{next(self._ids):04d}-{uuid.uuid4()}"
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                                    "accepts_response_payload": accepts_response_payload}
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt or 0, retry_reason=retry_reason or "")
        link = self.wait_connected(timeout=10.0)
        with self._cond:
            self.envelopes[envelope_id] = envelope
        self._run(link.ws.send(json.dumps(envelope)))
        return envelope_id

    def wait_ack(self, envelope_id: str, *, timeout: float = 10.0) -> Ack:
        return self._wait(lambda: next((a for a in self.acks if a.envelope_id == envelope_id), None), timeout,
                          f"an ack of envelope {envelope_id}")

    def acks_of(self, envelope_id: str) -> list[Ack]:
        with self._cond:
            return [a for a in self.acks if a.envelope_id == envelope_id]

    def disconnect(self, reason: str = "refresh_requested") -> Link:
        """Ask the app to reconnect, as Slack does before it refreshes a connection (the socket stays open)."""
        link = self.wait_connected()
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-local"}}
        self._run(link.ws.send(json.dumps(message)))
        return link

    def drop(self, *, reset: bool = True) -> Link:
        """Cut the newest connection without a WebSocket close: a TCP reset (``reset``) or a bare FIN."""
        link = self.wait_connected()

        def cut() -> None:
            transport = link.ws.transport
            sock = transport.get_extra_info("socket")
            if reset and sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()

        self._loop.call_soon_threadsafe(cut)
        self._wait(lambda: True if not link.is_open else None, 5.0, "the dropped connection to close")
        return link

    def close_all(self) -> None:
        """Close every connection with a WebSocket close frame (Slack going away cleanly)."""
        for link in self.open_links():
            self._run(link.ws.close(1001, "going away"))

    # -- the WebSocket side --------------------------------------------------------------------
    def _check_ticket(self, conn: ServerConnection, request: Request) -> Response | None:
        url = urlparse(request.path)
        ticket = (parse_qs(url.query).get("ticket") or [""])[0]
        with self._cond:
            valid = url.path == "/link/" and ticket in self._tickets
            self._tickets.discard(ticket)  # one use: a reconnection needs a new apps.connections.open
            if not valid:
                self.refused.append("unknown or used ticket")
        return None if valid else conn.respond(HTTPStatus.FORBIDDEN, "invalid ticket\n")

    async def _serve(self, ws: ServerConnection) -> None:
        ticket = (parse_qs(urlparse(ws.request.path if ws.request else "").query).get("ticket") or [""])[0]
        with self._cond:
            link = Link(number=len(self.links) + 1, ticket=ticket, opened_at=time.monotonic(), ws=ws)
            open_now = sum(1 for other in self.links if other.is_open) + 1
        await ws.send(json.dumps({
            "type": "hello", "num_connections": open_now, "connection_info": {"app_id": self.app_id},
            "debug_info": {"host": "applink-local", "build_number": 1, "approximate_connection_time": 18060},
        }))
        with self._cond:
            self.links.append(link)
            self._cond.notify_all()
        try:
            async for raw in ws:
                self._receive(link, raw)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                link.closed_at = time.monotonic()
                received = ws.protocol.close_rcvd  # None when the socket went without a close frame
                link.close_code = received.code if received else None
                self._cond.notify_all()

    def _receive(self, link: Link, raw: str | bytes) -> None:
        message = json.loads(raw)
        if isinstance(message, dict) and "envelope_id" in message:
            payload = message.get("payload")
            with self._cond:
                self.acks.append(Ack(str(message["envelope_id"]), payload if isinstance(payload, dict) else None,
                                     link.number, time.monotonic()))
                self._cond.notify_all()

    # -- helpers -------------------------------------------------------------------------------
    def _newest(self) -> Link | None:
        return next((link for link in reversed(self.links) if link.is_open), None)

    def _wait(self, found: Callable[[], T | None], timeout: float, what: str) -> T:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = found()
                if value is not None:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; links: {self.links}")
                self._cond.wait(left)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)
