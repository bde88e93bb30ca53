"""Serving: bolt's WSGI adapter on a threaded stdlib server bound to the configured host, or Socket Mode.

``POST /slack/events`` takes every Slack request (commands, interactivity, events); ``GET /healthz``
answers 200 for load balancers. Each request gets its own thread, so an ack never waits for another.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; refuse before reading a huge body


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256  # bursts of concurrent clients queue in the kernel instead of being refused


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def wsgi_app(app: App) -> WSGIApplication:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _reply(start_response, "200 OK", {"ok": True})
        if int(environ.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return _reply(start_response, "413 Payload Too Large", {"ok": False, "error": "request too large"})
        return slack(environ, start_response)

    return application


def make_http_server(app: App, host: str, port: int) -> ThreadingWSGIServer:
    """Bound and ready; ``port=0`` picks a free port (``server.server_port``)."""
    server = make_server(host, port, wsgi_app(app), server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    assert isinstance(server, ThreadingWSGIServer)
    return server


def serve_http(app: App, *, host: str, port: int, on_ready: Callable[[str], None] | None = None) -> None:
    server = make_http_server(app, host, port)
    if on_ready:
        on_ready(f"http://{host}:{server.server_port}{EVENTS_PATH}")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def serve_socket(app: App, *, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(app, app_token=app_token).start()  # type: ignore[no-untyped-call]


def _reply(start_response: StartResponse, status: str, data: dict[str, Any]) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
