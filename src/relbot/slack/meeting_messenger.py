"""The Slack calls behind one meeting DM (``relbot.calendar.pusher.Messenger``): who the recipient is, their
DM channel, posting, and finding a copy an earlier attempt already posted by the message ``metadata`` it carries
(all through direct_messages.py, as the digest's DMs). The core never imports this module; the caller hands it to
the pusher."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient

from relbot.calendar.content import MeetingMessage
from relbot.calendar.pusher import Recipient, Skip
from relbot.slack import direct_messages as dm
from relbot.slack.meeting_blocks import render

EVENT_TYPE = "relbot_meeting"
FALLBACK_TZ = "UTC"
_delivery_errors = dm.delivery_errors()


class SlackMessenger:
    def __init__(self, client: WebClient, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._client = client
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    @_delivery_errors
    def recipient(self, user_id: str) -> Recipient:
        """Raises ``Skip`` for guests, external, deactivated, bot and unknown users: they get no account data."""
        try:
            user = dm.check_recipient(self._client, user_id)
        except dm.NotARecipient as exc:
            raise Skip(str(exc)) from None
        return Recipient(user_id=user_id, tz=zone_name(user.tz))

    @_delivery_errors
    def open_dm(self, user_id: str) -> str:
        return dm.open_dm(self._client, user_id)

    @_delivery_errors
    def post(self, channel: str, message: MeetingMessage, marker: dict[str, str]) -> str:
        """Posts the message; returns its ts."""
        text, blocks = render(message, now=self._clock())
        return dm.post_marked(self._client, channel, text, blocks, event_type=EVENT_TYPE, payload=marker)

    @_delivery_errors
    def find_posted(self, channel: str, marker: dict[str, str], *, since: dt.datetime) -> str | None:
        """The ts of the message carrying ``marker``, if an attempt posted it but died before recording it."""
        return dm.find_marked(self._client, channel, event_type=EVENT_TYPE, payload=marker, oldest=since)


def zone_name(value: object) -> str:
    """The user's Slack zone if it is a real IANA name; UTC otherwise (a missing or odd profile value)."""
    if not isinstance(value, str) or not value:
        return FALLBACK_TZ
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return FALLBACK_TZ
    return value
