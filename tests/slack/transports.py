"""The two ways Slack reaches relbot, behind one interface, so a scenario runs over each: signed HTTP requests
(`relbot serve --http`) and Socket Mode envelopes (`relbot serve --socket`), into the same real bolt app.

``Way.command`` / ``interaction`` / ``event`` send what Slack sends and return the app's acknowledgement: the
HTTP response, or the envelope's ack read off the WebSocket.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from relbot.services import Services
from tests.slack.conftest import LUMEN_CHANNEL, MAYA, Relbot
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender
from tests.support.socket_mode_server import SocketModeServer


@dataclass(frozen=True)
class Answer:
    ok: bool  # HTTP 200, or an ack came back on the socket
    body: dict[str, Any] | None  # the ack's JSON: the HTTP body, or the envelope ack's payload
    elapsed: float  # seconds from sending to the acknowledgement

    @property
    def text(self) -> str:
        return str((self.body or {}).get("text") or "")


class Way(Protocol):
    name: str
    fake: FakeSlack
    services: Services
    sender: SlackSender  # builds the payloads (and, over HTTP, signs and posts them)

    def command(self, text: str, *, user: str = MAYA, channel: str = LUMEN_CHANNEL, key: str = "cmd") -> Answer: ...

    def interaction(self, payload: dict[str, Any]) -> Answer: ...

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None) -> Answer: ...


class OverHttp:
    name = "http"

    def __init__(self, relbot: Relbot) -> None:
        self.fake, self.services, self.sender = relbot.fake, relbot.services, relbot.sender
        self._relbot = relbot

    def command(self, text: str, *, user: str = MAYA, channel: str = LUMEN_CHANNEL, key: str = "cmd") -> Answer:
        response = self._relbot.command(text, user=user, channel=channel, key=key)
        return Answer(response.status == 200, response.json(), response.elapsed)

    def interaction(self, payload: dict[str, Any]) -> Answer:
        response = self.sender.interaction(payload)
        return Answer(response.status == 200, response.json() if response.body else None, response.elapsed)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None) -> Answer:
        response = self.sender.event(event, event_id=event_id, retry_num=retry)
        return Answer(response.status == 200, None, response.elapsed)


class OverSocket:
    name = "socket"

    def __init__(self, fake: FakeSlack, services: Services, server: SocketModeServer) -> None:
        self.fake, self.services, self.server = fake, services, server
        self.sender = SlackSender("http://127.0.0.1:9", "unused: Socket Mode is not signed per request")

    def command(self, text: str, *, user: str = MAYA, channel: str = LUMEN_CHANNEL, key: str = "cmd") -> Answer:
        fields = self.sender.command_fields(text, user=user, channel=channel, response_url=self.fake.response_url(key))
        return self._send("slash_commands", fields, accepts_response_payload=True)

    def interaction(self, payload: dict[str, Any]) -> Answer:
        # Slack accepts a response payload for the interactions that can answer in their ack (view submissions)
        return self._send("interactive", payload, accepts_response_payload=payload.get("type") == "view_submission")

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None) -> Answer:
        body = self.sender.event_callback(event, event_id=event_id)
        return self._send("events_api", body, retry_attempt=retry, retry_reason="timeout" if retry else None)

    def _send(self, kind: str, payload: dict[str, Any], **kw: Any) -> Answer:
        started = time.monotonic()
        ack = self.server.wait_ack(self.server.deliver(kind, payload, **kw))
        return Answer(True, ack.payload, ack.at - started)
