"""The Slack calls behind one meeting DM (``relbot.calendar.pusher.Messenger``): who the recipient is, their
DM channel, posting, and finding a copy an earlier attempt already posted by the message ``metadata`` it carries.
Modelled on ``digest/dm.py``; the core never imports this module, the caller hands it to the pusher."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from relbot.calendar.content import MeetingMessage
from relbot.calendar.pusher import Recipient, Skip
from relbot.digest import dm
from relbot.slack.meeting_blocks import render

log = logging.getLogger(__name__)
EVENT_TYPE = "relbot_meeting"
HISTORY_LIMIT = 200
FALLBACK_TZ = "UTC"


class SlackMessenger:
    def __init__(self, client: WebClient, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._client = client
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def recipient(self, user_id: str) -> Recipient:
        """Raises ``Skip`` for guests, external, deactivated, bot and unknown users: they get no account data."""
        try:
            user = dm.check_recipient(self._client, user_id)
        except dm.Skip as exc:
            raise Skip(str(exc)) from None
        return Recipient(user_id=user_id, tz=zone_name(user.get("tz")))

    def open_dm(self, user_id: str) -> str:
        return dm.open_dm(self._client, user_id)

    def post(self, channel: str, message: MeetingMessage, marker: dict[str, str]) -> str:
        """Posts the message; returns its ts."""
        text, blocks = render(message, now=self._clock())
        response = self._client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
            metadata={"event_type": EVENT_TYPE, "event_payload": marker})
        return str(response.get("ts") or "")

    def find_posted(self, channel: str, marker: dict[str, str], *, since: dt.datetime) -> str | None:
        """The ts of the message carrying ``marker``, if an attempt posted it but died before recording it."""
        try:
            history = self._client.conversations_history(
                channel=channel, oldest=str(since.timestamp()), limit=HISTORY_LIMIT, include_all_metadata=True)
        except SlackApiError as exc:
            log.warning("Cannot look for an earlier meeting message in the DM (%s; the im:history scope is "
                        "needed); posting it again.", exc.response.get("error"))
            return None
        for msg in history.get("messages") or []:
            meta = msg.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE and meta.get("event_payload") == marker:
                return str(msg.get("ts"))
        return None


def zone_name(value: object) -> str:
    """The user's Slack zone if it is a real IANA name; UTC otherwise (a missing or odd profile value)."""
    if not isinstance(value, str) or not value:
        return FALLBACK_TZ
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return FALLBACK_TZ
    return value
