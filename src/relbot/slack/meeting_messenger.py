"""The Slack calls behind one meeting DM (``relbot.calendar.pusher.Messenger``): who the recipient is, their
DM channel, posting, and finding a copy an earlier attempt already posted by the message ``metadata`` it carries.
Modelled on ``digest/dm.py``; the core never imports this module, the caller hands it to the pusher."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.calendar.content import MeetingMessage
from relbot.calendar.pusher import Recipient, Skip
from relbot.digest import dm
from relbot.errors import DeliveryError
from relbot.slack.meeting_blocks import render

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
EVENT_TYPE = "relbot_meeting"
FALLBACK_TZ = "UTC"


def _delivery_errors(call: Callable[P, R]) -> Callable[P, R]:
    """Slack's errors as the core's DeliveryError: the pusher knows no Slack types."""
    @functools.wraps(call)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return call(*args, **kwargs)
        except SlackApiError as exc:
            raise DeliveryError(f"Slack said {exc.response.get('error') or exc.response.status_code}") from None
        except SlackClientError as exc:
            raise DeliveryError(f"Slack could not be reached ({type(exc).__name__})") from None
    return wrapper


class SlackMessenger:
    def __init__(self, client: WebClient, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._client = client
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    @_delivery_errors
    def recipient(self, user_id: str) -> Recipient:
        """Raises ``Skip`` for guests, external, deactivated, bot and unknown users: they get no account data."""
        try:
            user = dm.check_recipient(self._client, user_id)
        except dm.Skip as exc:
            raise Skip(str(exc)) from None
        return Recipient(user_id=user_id, tz=zone_name(user.get("tz")))

    @_delivery_errors
    def open_dm(self, user_id: str) -> str:
        return dm.open_dm(self._client, user_id)

    @_delivery_errors
    def post(self, channel: str, message: MeetingMessage, marker: dict[str, str]) -> str:
        """Posts the message; returns its ts."""
        text, blocks = render(message, now=self._clock())
        response = self._client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
            metadata={"event_type": EVENT_TYPE, "event_payload": marker})
        return str(response.get("ts") or "")

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
