"""A local Slack Web API for tests: the real ``slack_sdk`` clients talk to it over HTTP on 127.0.0.1.

It implements the methods relbot calls (and ``response_url`` endpoints), records every call, and can be
scripted to answer a method with 429 + Retry-After or a 5xx a few times before it recovers, or with Slack's
``{"ok": false, "error": …}`` (``refuse``). Streams (``chat.startStream`` / ``appendStream`` / ``stopStream``)
answer as Slack does: the stream message's ``ts`` and ``channel``, and ``message_not_in_streaming_state`` for
a stream that is unknown or already stopped.

    with FakeSlack() as slack:
        slack.add_user("U1", "Maya Chen")
        slack.add_channel("C1", "acct-lumen")
        slack.fail("chat.postMessage", status=429, retry_after=0, times=1)
        ... WebClient(base_url=slack.api_url) ...
        slack.wait_for("chat.postMessage")

``answer(method, handler)`` scripts a method's answer from the call (the Socket Mode double answers
``apps.connections.open`` that way).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlparse

BOT_USER_ID = "UBOTRELBOT"
BOT_ID = "BRELBOT"
TEAM_ID = "T0DEMO"


@dataclass(frozen=True)
class Call:
    method: str  # "chat.postMessage", … or "response_url"
    args: dict[str, Any]
    path: str
    at: float
    token: str | None = None  # the bearer token the call was made with

    def text(self) -> str:
        """Everything a person could read in this call: fallback or markdown text plus every block's and stream
        chunk's text, joined."""
        parts = [str(self.args.get("text") or ""), str(self.args.get("markdown_text") or "")]
        for source in (self.args.get("blocks"), self.args.get("view"), self.args.get("chunks")):
            parts.append(json.dumps(source, ensure_ascii=False) if source else "")
        return "\n".join(parts)


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    times: int


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.delays: dict[str, float] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, oldest first
        self.replies: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (channel, thread_ts) -> replies
        self._failures: dict[str, list[_Failure]] = {}
        self._refusals: dict[str, list[str]] = {}  # method -> the Slack errors its next calls get, in order
        self.streams: dict[str, str] = {}  # stream ts -> "streaming" | "stopped"
        self._answers: dict[str, Callable[[Call], dict[str, Any]]] = {}
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server, "start() first"
        return f"http://127.0.0.1:{self._server.server_port}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, key: str = "cmd") -> str:
        return f"{self.url}response/{key}"

    # -- fixtures ------------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, *, guest: bool = False, external: bool = False,
                 tz: str = "Europe/London") -> None:
        self.users[user_id] = {
            "id": user_id, "team_id": TEAM_ID, "name": name.lower().replace(" ", "."), "real_name": name,
            "is_restricted": guest, "is_ultra_restricted": False, "is_stranger": external, "deleted": False,
            "is_bot": False, "profile": {"real_name": name, "display_name": name.split()[0]},
            "tz": tz, "tz_label": tz, "tz_offset": 0,
        }

    def add_channel(
        self, channel_id: str, name: str, *, shared: bool = False, member: bool = True, im: bool = False
    ) -> None:
        self.channels[channel_id] = {
            "id": channel_id, "name": name, "is_channel": not im, "is_im": im, "is_member": member,
            "is_shared": shared, "is_ext_shared": shared, "is_pending_ext_shared": False, "is_private": False,
        }

    def load_demo(self, demo_dir: Path) -> None:
        """Users and channels from the demo workspace's Slack exports (``demo/*/slack/``)."""
        for users in sorted(demo_dir.glob("*/slack/users.json")):
            for user in json.loads(users.read_text(encoding="utf-8")):
                if not user.get("is_bot"):
                    self.add_user(user["id"], user.get("real_name") or user["name"])
        for channels in sorted(demo_dir.glob("*/slack/channels.json")):
            for channel in json.loads(channels.read_text(encoding="utf-8")):
                self.add_channel(channel["id"], channel["name"])

    def add_message(self, channel_id: str, message: dict[str, Any], *, thread_ts: str | None = None) -> None:
        """A message already in the channel (or, with ``thread_ts``, a reply in that thread)."""
        if thread_ts:
            self.replies.setdefault((channel_id, thread_ts), []).append({**message, "thread_ts": thread_ts})
            parent = next(m for m in self.history[channel_id] if m["ts"] == thread_ts)
            parent.update(thread_ts=thread_ts, reply_count=len(self.replies[(channel_id, thread_ts)]))
        else:
            self.history.setdefault(channel_id, []).append(dict(message))

    def answer(self, method: str, handler: Callable[[Call], dict[str, Any]]) -> None:
        """Answer ``method`` with ``handler(call)`` from now on (instead of the built-in answer)."""
        with self._cond:
            self._answers[method] = handler

    def fail(self, method: str, *, status: int, times: int = 1, retry_after: int | None = None) -> None:
        """The next ``times`` calls of ``method`` get ``status`` (with Retry-After for a 429)."""
        with self._cond:
            self._failures.setdefault(method, []).append(_Failure(status, retry_after, times))

    def refuse(self, method: str, error: str, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 200 with ``{"ok": false, "error": error}``."""
        with self._cond:
            self._refusals.setdefault(method, []).extend([error] * times)

    # -- assertions ----------------------------------------------------------------------------
    def calls_to(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def wait_for(
        self, method: str, count: int = 1, *, timeout: float = 20.0, where: Callable[[Call], bool] | None = None
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}; saw {seen}")
                self._cond.wait(left)

    def posts(self) -> list[Call]:
        """Every message relbot posted, in order, whatever the way (Web API, response_url, a stream's start)."""
        kinds = {"chat.postMessage", "chat.postEphemeral", "chat.startStream", "response_url"}
        with self._cond:
            return [c for c in self.calls if c.method in kinds]

    # -- the server ----------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode() if length else ""
        args: dict[str, Any] = dict(parse_qsl(parsed.query))
        if raw:
            if (request.headers.get("Content-Type") or "").startswith("application/json"):
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw)))
        for key in ("blocks", "view", "prompts"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        if parsed.path.startswith("/response/"):
            method = "response_url"
        elif parsed.path.startswith("/api/"):
            method = parsed.path.removeprefix("/api/")
        else:
            self._send(request, 404, {"ok": False, "error": "unknown_path"})
            return
        if self.delays.get(method):
            time.sleep(self.delays[method])
        failure = self._take_failure(method)
        refusal = self._take_refusal(method)
        auth = request.headers.get("Authorization") or ""
        call = Call(method, args, parsed.path, time.monotonic(), auth.removeprefix("Bearer ") or None)
        with self._cond:
            self.calls.append(call)
            handler = self._answers.get(method)
            self._cond.notify_all()
        if refusal:
            self._send(request, 200, {"ok": False, "error": refusal})
        elif failure:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            error = "ratelimited" if failure.status == 429 else "internal_error"
            self._send(request, failure.status, {"ok": False, "error": error}, headers)
        elif method == "response_url":
            self._send_text(request, 200, "ok")
        else:
            self._send(request, 200, handler(call) if handler else self._answer(method, args))

    def _take_refusal(self, method: str) -> str | None:
        with self._cond:
            queue = self._refusals.get(method)
            return queue.pop(0) if queue else None

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            queue = self._failures.get(method) or []
            if not queue:
                return None
            queue[0].times -= 1
            return queue.pop(0) if queue[0].times <= 0 else queue[0]

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID, "user": "relbot",
                    "team": "Brightline", "url": "https://brightline.slack.com/"}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.info":
            channel = self.channels.get(str(args.get("channel")))
            return {"ok": True, "channel": channel} if channel else {"ok": False, "error": "channel_not_found"}
        if method == "chat.postMessage":
            ts = f"1790000000.{next(self._ts):06d}"
            message = {"ts": ts, "text": args.get("text")}
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method in ("chat.startStream", "chat.appendStream", "chat.stopStream"):
            return self._stream(method, args)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1790000000.{next(self._ts):06d}"}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", "")).replace(".", "")
            return {"ok": True, "channel": args.get("channel"),
                    "permalink": f"https://brightline.slack.com/archives/{args.get('channel')}/p{ts}"}
        if method == "conversations.history":
            channel = str(args.get("channel"))
            if channel not in self.channels:
                return {"ok": False, "error": "channel_not_found"}
            oldest = float(args.get("oldest") or 0)
            newest_first = [m for m in reversed(self.history.get(channel, [])) if float(m["ts"]) > oldest]
            return self._page(newest_first, args, "messages")
        if method == "conversations.replies":
            key = (str(args.get("channel")), str(args.get("ts")))
            parent = next((m for m in self.history.get(key[0], []) if m["ts"] == key[1]), None)
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            return self._page([parent, *self.replies.get(key, [])], args, "messages")
        if method in ("views.open", "views.update", "views.publish"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(args.get("view") or {})}}
        return {"ok": True}

    def _stream(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        with self._cond:
            if method == "chat.startStream":
                ts = f"1790000000.{next(self._ts):06d}"
                self.streams[ts] = "streaming"
                return {"ok": True, "channel": channel, "ts": ts}
            ts = str(args.get("ts"))
            if self.streams.get(ts) != "streaming":
                return {"ok": False, "error": "message_not_in_streaming_state"}
            if method == "chat.stopStream":
                self.streams[ts] = "stopped"
                return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "blocks": args.get("blocks")}}
            return {"ok": True, "channel": channel, "ts": ts}

    @staticmethod
    def _page(items: list[dict[str, Any]], args: dict[str, Any], key: str) -> dict[str, Any]:
        """Cursor pagination as Slack does it: an opaque next_cursor in response_metadata until the end."""
        start = int(str(args.get("cursor") or "0").removeprefix("offset:") or 0)
        limit = int(args.get("limit") or 100)
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        return {"ok": True, key: chunk, "has_more": more,
                "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""}}

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, data: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(body)

    @staticmethod
    def _send_text(request: BaseHTTPRequestHandler, status: int, text: str) -> None:
        body = text.encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
