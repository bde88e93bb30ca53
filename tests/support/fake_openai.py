"""A local OpenAI-compatible chat-completions server for tests: the real `openai` client talks to it over HTTP.

Behaviours are scripted per test (`server.script(...)`): each request takes the next behaviour and the last
one repeats, so a client's retries see it again. Every request is recorded for assertions.

    with FakeOpenAI() as server:
        server.script(structured(build_answer))
        settings = Settings(openai_base_url=server.base_url, openai_api_key="test-key", ...)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

TEST_API_KEY = "test-key"  # what tests export as OPENAI_API_KEY; it must never show up in logs


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def content(self, role: str) -> str:
        """All text sent under one role ("system" or "user"), joined."""
        return "\n".join(str(m.get("content") or "") for m in self.messages if m.get("role") == role)

    @property
    def tool_name(self) -> str | None:
        tools = self.body.get("tools") or []
        return str(tools[0]["function"]["name"]) if tools else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


Behaviour = Callable[[RecordedRequest, threading.Event], Reply]
# A builder turns the request (and the record ids found in it) into the draft's JSON arguments.
Builder = Callable[[RecordedRequest, list[str]], dict[str, Any]]

_RECORDS_BLOCK = re.compile(r"<records>\n?(.*?)</records>", re.S)
_RECORD_ID = re.compile(r"^\[([^\]\s]+)\]", re.M)


def record_ids(request: RecordedRequest) -> list[str]:
    """Ids of the records inside the request's <records> block, in order."""
    match = _RECORDS_BLOCK.search(request.content("user"))
    return _RECORD_ID.findall(match.group(1)) if match else []


def completion(request: RecordedRequest, message: dict[str, Any], finish_reason: str) -> Reply:
    """A response with the real chat.completion shape."""
    full_message = {"role": "assistant", "content": None, "refusal": None, **message}
    return Reply(200, {
        "id": f"chatcmpl-fake-{int(request.received_at * 1000)}",
        "object": "chat.completion",
        "created": int(request.received_at),
        "model": request.body.get("model", "fake-model"),
        "choices": [{"index": 0, "message": full_message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        "system_fingerprint": None,
    })


def _answer_with(request: RecordedRequest, arguments: str) -> Reply:
    # Answer the way the client asked: a forced tool call (function calling) or plain content (json_schema).
    if request.tool_name:
        function = {"name": request.tool_name, "arguments": arguments}
        call = {"id": "call_fake_1", "type": "function", "function": function}
        return completion(request, {"tool_calls": [call]}, "tool_calls")
    return completion(request, {"content": arguments}, "stop")


def structured(build: Builder) -> Behaviour:
    """A well-formed structured answer built from the request (e.g. citing the ids it was sent)."""
    return lambda request, _stop: _answer_with(request, json.dumps(build(request, record_ids(request))))


def fabricated(build: Builder, fake_id: str = "rec-fabricated-0000") -> Behaviour:
    """Like `structured`, but the builder is also handed a record id that was never sent."""
    return lambda request, _stop: _answer_with(
        request, json.dumps(build(request, [*record_ids(request), fake_id]))
    )


def malformed(text: str = '{"answer": "unterminated', *, finish_reason: str | None = None) -> Behaviour:
    """Unparseable (or schema-violating) output; finish_reason="length" mimics a reply cut off mid-way."""

    def behave(request: RecordedRequest, _stop: threading.Event) -> Reply:
        reply = _answer_with(request, text)
        if finish_reason:
            reply.body["choices"][0]["finish_reason"] = finish_reason
        return reply

    return behave


def refusal(text: str = "I can't help with that request.") -> Behaviour:
    return lambda request, _stop: completion(request, {"refusal": text}, "stop")


def filtered() -> Behaviour:
    """The provider's content filter stopped the reply (finish_reason "content_filter", no content)."""
    return lambda request, _stop: completion(request, {}, "content_filter")


def wrong_shape() -> Behaviour:
    """HTTP 200 whose body is not a chat.completion (a misconfigured proxy or an incompatible server)."""
    return lambda _request, _stop: Reply(200, {"status": "ok", "result": "not a completion"})


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> Behaviour:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return lambda _request, _stop: Reply(status, body, headers or {})


def rate_limited(retry_after: float = 1) -> Behaviour:
    return _error(429, "rate_limit_error", "Rate limit reached.", {"Retry-After": f"{retry_after:g}"})


def server_error(status: int = 500) -> Behaviour:
    return _error(status, "server_error", "The server had an error while processing your request.")


def slow(seconds: float, then: Behaviour | None = None) -> Behaviour:
    """Sleep before answering (past the client's timeout); stopping the server cuts the sleep short."""

    def behave(request: RecordedRequest, stop: threading.Event) -> Reply:
        stop.wait(seconds)
        return (then or server_error(503))(request, stop)

    return behave


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._script: list[Behaviour] = [server_error(500)]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True  # a slow handler must not hold up shutdown
        # A short poll interval: shutdown() waits up to one interval, and every test stops a server.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Behaviours for the next requests, in order; the last one repeats."""
        with self._lock:
            self._script = list(behaviours)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def _next(self, request: RecordedRequest) -> Behaviour:
        with self._lock:
            self.requests.append(request)
            return self._script.pop(0) if len(self._script) > 1 else self._script[0]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                request = RecordedRequest(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=json.loads(raw or b"{}"),
                    received_at=time.time(),
                )
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(_error(404, "invalid_request_error", "Unknown path.")(request, fake._stop))
                    return
                self._send(fake._next(request)(request, fake._stop))

            def _send(self, reply: Reply) -> None:
                payload = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to deliver

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        return Handler
