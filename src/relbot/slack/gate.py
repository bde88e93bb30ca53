"""The WSGI layer in front of bolt: a request reaches bolt only once it is signed and readable.

Bolt parses the body before it verifies the signature, so unsigned garbage used to get a 500 instead of a
401, and signed but malformed bodies a 500 instead of a 400. In order, this layer:

1. reads the body, at most ``max_body`` bytes (413 past that: Slack's payloads are small);
2. checks the signature on those raw bytes: missing, wrong or stale (> 5 min) is 401, whatever the body;
3. checks that the body is one bolt can parse and relbot's listeners can read (``request_shape``): 400
   with a short JSON reason otherwise;
4. hands the same bytes to bolt's ``SlackRequestHandler``, which verifies the signature again (bolt's own
   check stays on) and runs the middleware (ReplayGuard) and listeners.

Anything bolt still raises, or bolt's default 500 (an exception it caught), becomes a 400: the request was
signed, so it came from Slack, and a 500 would only make Slack retry the same body. A deliberate 503 from
the app's error handler (the state database is down: "deliver this event again later") passes through.
The request's kind is left in the environ (``KIND_KEY``) for the access log.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt.adapter.wsgi import SlackRequestHandler

from relbot.slack.request_shape import MalformedRequest, UnreadableCommand, check_body
from relbot.slack.signature import RawBodyVerifier

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("relbot.http")
KIND_KEY = "relbot.request_kind"
_JSON = [("Content-Type", "application/json")]
# bolt's body parser (slack_bolt.request.internals.parse_body) treats any form containing "payload" as an
# interaction and finds no command in it; the user gets this instead of Slack's "dispatch_failed".
UNREADABLE = ("Sorry, relbot can't read a command whose text (or channel name) contains the word "
              "\u201cpayload\u201d: the Slack library it uses mistakes it for another kind of request. "
              "Please rephrase it.")


class SlackGate:
    def __init__(self, slack: SlackRequestHandler, *, signing_secret: str, max_body: int,
                 verifier: RawBodyVerifier | None = None) -> None:
        self._slack = slack
        self._verifier = verifier or RawBodyVerifier(signing_secret)
        self._max_body = max_body

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = self._read(environ)
        if body is None:
            environ[KIND_KEY] = "too_large"
            return reply(start_response, "413 Payload Too Large", "request too large")
        if not self._verifier.is_signed(body, timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                                        signature=environ.get("HTTP_X_SLACK_SIGNATURE")):
            environ[KIND_KEY] = "unsigned"
            return reply(start_response, "401 Unauthorized", "invalid or missing signature")
        try:
            environ[KIND_KEY] = check_body(body, environ.get("CONTENT_TYPE"))
        except UnreadableCommand:
            environ[KIND_KEY] = "command"
            return _ephemeral(start_response, UNREADABLE)
        except MalformedRequest as exc:
            environ[KIND_KEY] = "malformed"
            return reply(start_response, "400 Bad Request", exc.reason)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self._bolt(environ, start_response)

    def _read(self, environ: WSGIEnvironment) -> bytes | None:
        """The whole body, or None past the limit (decided by the declared length alone when there is one)."""
        stream = environ.get("wsgi.input")
        try:
            declared = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            declared = -1
        if declared > self._max_body:
            return None
        if stream is None or declared == 0:
            return b""
        # Without a length (chunked), read one byte past the limit to tell "exactly the limit" from "more".
        data: bytes = stream.read(declared if declared >= 0 else self._max_body + 1)
        return None if len(data) > self._max_body else data

    def _bolt(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answer: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
            answer.append((status, headers))
            return lambda data: None  # bolt returns its body; it never calls write()

        try:
            body = b"".join(self._slack(environ, capture))  # type: ignore[arg-type]
            status, headers = answer[-1]
        except Exception as exc:  # the last line of defence: a signed request never gets a 5xx
            log.info("Slack request not handled: %s (%s)", type(exc).__name__, environ.get(KIND_KEY))
            return reply(start_response, "400 Bad Request", "request could not be handled")
        if status.startswith("500"):
            log.info("bolt answered %s; sent 400 instead (%s)", status[:3], environ.get(KIND_KEY))
            return reply(start_response, "400 Bad Request", "request could not be handled")
        start_response(status, headers)
        return [body]


def _ephemeral(start_response: StartResponse, text: str) -> list[bytes]:
    body = json.dumps({"response_type": "ephemeral", "text": text}).encode()
    start_response("200 OK", [*_JSON, ("Content-Length", str(len(body)))])
    return [body]


def reply(start_response: StartResponse, status: str, error: str | None = None) -> list[bytes]:
    """A short JSON answer: ``{"ok": true}`` or ``{"ok": false, "error": …}``."""
    body = json.dumps({"ok": True} if error is None else {"ok": False, "error": error}).encode()
    start_response(status, [*_JSON, ("Content-Length", str(len(body)))])
    return [body]
