"""The Slack calls behind one digest DM: who the recipient is, their DM channel, posting, and finding a copy
an earlier attempt already posted (by the message ``metadata`` every digest carries)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.digest.blocks import message
from relbot.digest.models import Digest
from relbot.digest.weeks import IsoWeek

if TYPE_CHECKING:
    from slack_sdk import WebClient

log = logging.getLogger(__name__)
EVENT_TYPE = "relbot_digest"
HISTORY_LIMIT = 200


class Skip(Exception):
    """Nothing may go to this recipient this week (a guest, no visible accounts): recorded, never retried."""


def check_recipient(client: WebClient, user_id: str) -> dict[str, Any]:
    """The user's users.info record; raises ``Skip`` for guests, external, deactivated and bot users: relbot
    shows them no account data."""
    try:
        user: dict[str, Any] = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        if exc.response.get("error") in ("user_not_found", "user_not_visible"):
            raise Skip("no such Slack user") from None
        raise
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        raise Skip("a guest account: relbot shows guests no account data")
    if user.get("is_stranger") or user.get("deleted") or user.get("is_bot"):
        raise Skip("an external, deactivated or bot account")
    return user


def open_dm(client: WebClient, user_id: str) -> str:
    channel = (client.conversations_open(users=user_id).get("channel") or {}).get("id")
    if not channel:
        raise SlackClientError("conversations.open returned no channel")
    return str(channel)


def post(client: WebClient, channel: str, digest: Digest, *, recipient: str) -> str:
    """Posts the digest; returns the message ts."""
    text, blocks = message(digest)
    response = client.chat_postMessage(
        channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
        metadata={"event_type": EVENT_TYPE, "event_payload": {"recipient": recipient, "week": digest.week}},
    )
    return str(response.get("ts") or "")


def find_posted(client: WebClient, channel: str, *, recipient: str, week: str) -> str | None:
    """The ts of this week's digest in the DM, if an attempt posted it but died before recording it."""
    oldest = dt.datetime.combine(IsoWeek.parse(week).start - dt.timedelta(days=1), dt.time(), dt.UTC)
    return find_marked(client, channel, event_type=EVENT_TYPE, payload={"recipient": recipient, "week": week},
                       oldest=oldest)


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
