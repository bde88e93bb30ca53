"""Signed Slack requests, sent over real HTTP to a running relbot (tests and bench/ack.py).

Slack signs ``v0:{timestamp}:{body}`` with HMAC-SHA256 and the app's signing secret; so does this.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    elapsed: float  # seconds from sending the request to reading the whole response

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackSender:
    def __init__(self, base_url: str, secret: str, *, team_id: str = "T0DEMO") -> None:
        parsed = urlparse(base_url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.secret = secret
        self.team_id = team_id

    def post(
        self, body: str, content_type: str, *, path: str = "/slack/events", signed: bool = True,
        timestamp: int | None = None, signature: str | None = None, headers: dict[str, str] | None = None,
    ) -> Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, **(headers or {})}
        if signed:
            sent["X-Slack-Request-Timestamp"] = ts
            sent["X-Slack-Signature"] = signature or sign(self.secret, ts, body)
        return self.request("POST", path, body, sent)

    def request(self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> Response:
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body.encode(), headers=headers or {})
            reply = conn.getresponse()
            text = reply.read().decode()
        finally:
            conn.close()
        return Response(reply.status, text, time.perf_counter() - started)

    # -- request kinds -------------------------------------------------------------------------
    def command(self, text: str, *, user: str, channel: str, response_url: str, **kw: Any) -> Response:
        return self.post(self.command_body(text, user=user, channel=channel, response_url=response_url),
                         "application/x-www-form-urlencoded", **kw)

    def command_body(self, text: str, *, user: str, channel: str, response_url: str) -> str:
        return urlencode(self.command_fields(text, user=user, channel=channel, response_url=response_url))

    def command_fields(self, text: str, *, user: str, channel: str, response_url: str) -> dict[str, str]:
        """A slash command's fields: form-encoded over HTTP, the envelope's payload in Socket Mode."""
        return {
            "token": "legacy-unused", "team_id": self.team_id, "team_domain": "brightline", "channel_id": channel,
            "channel_name": "channel", "user_id": user, "user_name": user.lower(), "command": "/relbot",
            "text": text, "api_app_id": "A0RELBOT", "response_url": response_url,
            "trigger_id": f"{next(_ids)}.1.trigger",
        }

    def interaction(self, payload: dict[str, Any], **kw: Any) -> Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
              **kw: Any) -> Response:
        envelope = self.event_callback(event, event_id=event_id)
        headers = dict(kw.pop("headers", None) or {})
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
        return self.post(json.dumps(envelope), "application/json", headers=headers, **kw)

    def event_callback(self, event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
        """The Events API body: the JSON posted over HTTP, the envelope's payload in Socket Mode."""
        return {
            "token": "legacy-unused", "team_id": self.team_id, "api_app_id": "A0RELBOT", "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):010d}", "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOTRELBOT", "is_bot": True}],
        }

    # -- interaction payloads ------------------------------------------------------------------
    def block_action(self, *, user: str, action_id: str, value: str, channel: str | None = None,
                     response_url: str | None = None) -> Response:
        return self.interaction(self.block_action_payload(user=user, action_id=action_id, value=value,
                                                          channel=channel, response_url=response_url))

    def block_action_payload(self, *, user: str, action_id: str, value: str, channel: str | None = None,
                             response_url: str | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": self.team_id}, "user": {"id": user},
            "api_app_id": "A0RELBOT", "trigger_id": f"{next(_ids)}.1.trigger",
            "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value,
                         "action_ts": str(time.time())}],
        }
        if channel:
            payload["channel"] = {"id": channel}
            payload["container"] = {"type": "message", "channel_id": channel, "is_ephemeral": True}
        else:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
        if response_url:
            payload["response_url"] = response_url
        return payload
