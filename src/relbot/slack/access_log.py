"""One INFO line per HTTP request: method, route, status, duration and the Slack request kind.

Never the body, the query, headers or an unknown path: those are the client's text (and a path can carry
anything, newlines included). The kind ("command", "block_actions", "event:app_mention", "unsigned", …)
is set by the gate after its checks, from a fixed vocabulary or a validated type name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from relbot.slack.gate import KIND_KEY

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("relbot.http")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


def with_access_log(app: WSGIApplication, *, routes: Collection[str], quiet: Collection[str] = ()) -> WSGIApplication:
    """``quiet`` routes (a load balancer's health checks, every few seconds) are logged at DEBUG."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[str] = []

        def recording(code: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], object]:
            status[:] = [code[:3]]
            return start_response(code, headers, exc_info)  # type: ignore[arg-type]

        try:
            return app(environ, recording)
        finally:
            path = environ.get("PATH_INFO", "")
            level = logging.DEBUG if path in quiet else logging.INFO
            if log.isEnabledFor(level):
                method = environ.get("REQUEST_METHOD", "")
                log.log(level, "%s %s %s %.1f ms %s", method if method in METHODS else "OTHER",
                path if path in routes else "(other path)", status[0] if status else "-",
                (time.perf_counter() - started) * 1000, environ.get(KIND_KEY, "-"))

    return application
