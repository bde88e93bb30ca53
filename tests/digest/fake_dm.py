"""The shared fake Slack Web API (tests/support/fake_slack.py), extended with what digest delivery calls:
``conversations.open`` returns a DM channel per user, and ``conversations.history`` returns the messages
successfully posted there (with their metadata), so a retried attempt can find an earlier post."""

from __future__ import annotations

import threading
from typing import Any

from tests.support.fake_slack import FakeSlack


def dm_channel(user_id: str) -> str:
    return f"D{user_id}"


class DigestSlack(FakeSlack):
    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[dict[str, Any]] = []  # chat.postMessage calls that succeeded
        self._delivered_lock = threading.Lock()

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": dm_channel(str(args.get("users")))}}
        if method == "conversations.history":
            with self._delivered_lock:
                found = [m for m in self.delivered if m["channel"] == args.get("channel")]
            return {"ok": True, "messages": list(reversed(found)), "has_more": False}
        answer = super()._answer(method, args)
        if method == "chat.postMessage" and answer.get("ok"):
            with self._delivered_lock:
                self.delivered.append({"channel": args.get("channel"), "ts": answer["ts"],
                                       "text": args.get("text"), "blocks": args.get("blocks"),
                                       "metadata": args.get("metadata")})
        return answer

    def delivered_to(self, user_id: str) -> list[dict[str, Any]]:
        with self._delivered_lock:
            return [m for m in self.delivered if m["channel"] == dm_channel(user_id)]
