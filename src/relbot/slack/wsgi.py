"""relbot as a WSGI application: routes, the access log, the request gate, then bolt.

``relbot serve --http`` serves this on waitress (``server.py``). An operator who runs their own WSGI server
calls the factory, which builds everything ``relbot serve`` does (the draft worker process included):

    waitress-serve --host 127.0.0.1 --port 3000 --call relbot.slack.wsgi:create_app
    gunicorn -k gthread -w 1 --threads 8 -b 127.0.0.1:3000 'relbot.slack.wsgi:create_app()'

Run one process per factory call (gunicorn: one worker per replica, or accept one draft worker each).
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from relbot.slack.access_log import with_access_log
from relbot.slack.gate import SlackGate, reply

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; a bigger body is refused before it is read
STOP_TIMEOUT_S = 25.0  # the draft worker's share of a stop under the factory (atexit)


def relbot_wsgi(app: App, *, signing_secret: str, max_body: int = MAX_BODY_BYTES) -> WSGIApplication:
    gate = SlackGate(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret=signing_secret, max_body=max_body)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH:
            if method in ("GET", "HEAD"):
                return reply(start_response, "200 OK")
            return _not_allowed(start_response, "GET, HEAD")
        if path == EVENTS_PATH:
            if method == "POST":
                return gate(environ, start_response)
            return _not_allowed(start_response, "POST")
        return reply(start_response, "404 Not Found", "not found")

    return with_access_log(application, routes=(EVENTS_PATH, HEALTH_PATH), quiet=(HEALTH_PATH,))


def create_app() -> WSGIApplication:
    """The WSGI app for your own server, configured from the environment like ``relbot serve``."""
    from relbot.config import load_settings
    from relbot.services import build_services
    from relbot.slack.app import WORKERS
    from relbot.slack.front import start_front

    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("relbot").setLevel(settings.log_level.upper())
    front = start_front(build_services(settings), workers=WORKERS)
    # The host server stops accepting and finishes its requests first; the worker's queue is drained at exit.
    atexit.register(front.stop, timeout_s=STOP_TIMEOUT_S)
    secret = settings.slack_signing_secret
    return relbot_wsgi(front.app, signing_secret=secret.get_secret_value() if secret else "")


def _not_allowed(start_response: StartResponse, allow: str) -> list[bytes]:
    body = b'{"ok": false, "error": "method not allowed"}'
    start_response("405 Method Not Allowed", [("Content-Type", "application/json"), ("Allow", allow),
                                              ("Content-Length", str(len(body)))])
    return [body]
