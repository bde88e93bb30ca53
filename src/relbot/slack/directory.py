"""Who is this user, what is this channel: ``users.info`` / ``conversations.info``, cached briefly.

Access checks run on every request; a short cache keeps them from spending the Web API rate limit while a
guest conversion or a channel turning into Slack Connect still takes effect within a minute. A failed
lookup returns None and callers refuse (fail closed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.slack.ttl_cache import TTLCache

log = logging.getLogger(__name__)
TTL_S = 60.0


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str  # real name, else display name, else the id
    is_guest: bool  # single- or multi-channel guest (restricted / ultra-restricted)
    is_external: bool  # a Slack Connect user from another organisation, or a deleted/bot account
    tz: str | None = None  # the user's own time zone in Slack (users.info ``tz``), e.g. "Europe/London"
    email: str | None = None  # profile.email (the users:read.email scope): which calendar attendee they are

    @property
    def may_see_accounts(self) -> bool:
        """Rule 1 of access.py: guests and external users get no account data, anywhere."""
        return not (self.is_guest or self.is_external)


@dataclass(frozen=True)
class SlackChannel:
    id: str
    name: str
    is_shared: bool  # Slack Connect, shared with another workspace, or an invitation pending
    is_im: bool
    is_member: bool


def slack_user(user_id: str, data: Mapping[str, Any]) -> SlackUser:
    """A ``users.info`` user record as relbot reads it: the one place that says who is a guest or external
    (the access checks and the ledgered DMs, direct_messages.py, both ask it)."""
    profile = data.get("profile") or {}
    return SlackUser(
        id=user_id,
        name=str(data.get("real_name") or profile.get("real_name") or profile.get("display_name") or user_id),
        is_guest=bool(data.get("is_restricted") or data.get("is_ultra_restricted")),
        is_external=bool(data.get("is_stranger") or data.get("deleted") or data.get("is_bot")),
        tz=str(data["tz"]) if data.get("tz") else None,
        email=str(profile["email"]) if "@" in str(profile.get("email") or "") else None,
    )


class Directory:
    def __init__(
        self, client: WebClient, *, ttl_s: float = TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._users: TTLCache[SlackUser] = TTLCache(ttl_s=ttl_s, clock=clock)
        self._channels: TTLCache[SlackChannel] = TTLCache(ttl_s=ttl_s, clock=clock)

    def user(self, user_id: str) -> SlackUser | None:
        cached = self._users.get(user_id)
        if cached:
            return cached
        data = self._call("users.info", lambda: self._client.users_info(user=user_id), "user")
        if data is None:
            return None
        user = slack_user(user_id, data)
        self._users.put(user_id, user)
        return user

    def channel(self, channel_id: str) -> SlackChannel | None:
        cached = self._channels.get(channel_id)
        if cached:
            return cached
        data = self._call(
            "conversations.info", lambda: self._client.conversations_info(channel=channel_id), "channel"
        )
        if data is None:
            return None
        channel = SlackChannel(
            id=channel_id,
            name=str(data.get("name") or channel_id),
            is_shared=bool(
                data.get("is_ext_shared") or data.get("is_shared") or data.get("is_pending_ext_shared")
            ),
            is_im=bool(data.get("is_im")),
            is_member=bool(data.get("is_member") or data.get("is_im")),
        )
        self._channels.put(channel_id, channel)
        return channel

    @staticmethod
    def _call(method: str, call: Callable[[], Any], key: str) -> dict[str, Any] | None:
        try:
            data = call().get(key)
        except SlackApiError as exc:
            log.info("%s failed: %s", method, exc.response.get("error", "unknown error"))
            return None
        except (SlackClientError, OSError) as exc:  # OSError: connection failures after retries
            log.info("%s failed: %s", method, type(exc).__name__)
            return None
        return dict(data) if isinstance(data, dict) else None
