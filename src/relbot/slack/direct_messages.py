"""The DMs a delivery ledger tracks (the weekly digest, digest_messenger.py; the meeting messages,
meeting_messenger.py): who may get one, their DM channel, the one way such a DM is posted (marked with message
``metadata``: an event type and a payload naming what it is), and finding a copy an earlier attempt posted, by
that mark. The messengers turn Slack's errors into the core's ``DeliveryError`` with ``delivery_errors``.

(Replies to a request, which a person is waiting for and which need no ledger, go through delivery.py.)
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.errors import DeliveryError
from relbot.slack.directory import SlackUser, slack_user

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
HISTORY_LIMIT = 200
UNREACHABLE = "Slack could not be reached ({name})"


class NotARecipient(Exception):
    """Nothing may go to this user: a guest, an external, deactivated or bot account, or no such user."""


def check_recipient(client: WebClient, user_id: str) -> SlackUser:
    """The user as ``users.info`` has them; raises ``NotARecipient`` for guests, external, deactivated, bot and
    unknown users: relbot shows them no account data."""
    try:
        data: dict[str, Any] = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        if exc.response.get("error") in ("user_not_found", "user_not_visible"):
            raise NotARecipient("no such Slack user") from None
        raise
    user = slack_user(user_id, data)
    if user.is_guest:
        raise NotARecipient("a guest account: relbot shows guests no account data")
    if user.is_external:
        raise NotARecipient("an external, deactivated or bot account")
    return user


def open_dm(client: WebClient, user_id: str) -> str:
    channel = (client.conversations_open(users=user_id).get("channel") or {}).get("id")
    if not channel:
        raise SlackClientError("conversations.open returned no channel")
    return str(channel)


def post_marked(client: WebClient, channel: str, text: str, blocks: list[dict[str, Any]], *, event_type: str,
                payload: dict[str, str]) -> str:
    """Posts the message with its mark (no link unfurls); returns its ts."""
    response = client.chat_postMessage(
        channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
        metadata={"event_type": event_type, "event_payload": payload})
    return str(response.get("ts") or "")


def find_marked(client: WebClient, channel: str, *, event_type: str, payload: dict[str, str],
                oldest: dt.datetime) -> str | None:
    """The ts of the message since ``oldest`` whose ``metadata`` is exactly this event type and payload."""
    try:
        history = client.conversations_history(
            channel=channel, oldest=str(oldest.timestamp()), limit=HISTORY_LIMIT, include_all_metadata=True)
    except SlackApiError as exc:
        log.warning("Cannot look for an earlier %s message in the DM (%s; the im:history scope is needed); "
                    "posting it again.", event_type, exc.response.get("error"))
        return None
    for msg in history.get("messages") or []:
        meta = msg.get("metadata") or {}
        if meta.get("event_type") == event_type and (meta.get("event_payload") or {}) == payload:
            return str(msg.get("ts"))
    return None


def delivery_errors(unreachable: str = UNREACHABLE) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Slack's errors as the core's ``DeliveryError`` (the core knows no Slack types): "Slack said <error>" for a
    refusal, ``unreachable`` (formatted with the error type's ``name``) when Slack could not be reached."""
    def decorate(call: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(call)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return call(*args, **kwargs)
            except SlackApiError as exc:
                raise DeliveryError(f"Slack said {exc.response.get('error') or exc.response.status_code}") from None
            except SlackClientError as exc:
                raise DeliveryError(unreachable.format(name=type(exc).__name__)) from None
        return wrapper
    return decorate
