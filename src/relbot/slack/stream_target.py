"""Where an answer may be streamed: only into the asker's own DM with relbot.

A streamed message is an ordinary message, read by everyone in the conversation, so it can never replace a
private (ephemeral) reply: in a channel, ``/relbot ask`` and mentions keep their single private message.
The DM qualifies on every surface that arrives there: the agent view (Messages tab), the legacy assistant
panel, and ``/relbot ask`` typed in the DM, whose answer gets a thread of its own under a short message
naming the question (Slack streams in DMs only as thread replies). ``conversations.info`` with the bot's
token answers for a DM only when relbot is one of its two members, so a DM it can inspect is the asker's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.slack.access import AccessDenied
from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import clip, escape

log = logging.getLogger(__name__)
ROOT_QUESTION_CHARS = 300


@dataclass(frozen=True)
class StreamTarget:
    channel_id: str
    thread_ts: str
    fallback: Destination  # the same thread, for the single message sent when the stream fails


def stream_target(rt: Runtime, dest: Destination, request: DraftRequest) -> StreamTarget | None:
    """The thread to stream ``request``'s answer into, or None where only a single private message will do.
    For a slash command in the DM this posts the thread's first message."""
    if not dest.channel_id or not _is_dm(rt, dest.channel_id):
        return None
    if dest.mode == "thread" and dest.thread_ts:
        return StreamTarget(dest.channel_id, dest.thread_ts, dest)
    if dest.mode == "response_url":
        root = _post_root(rt, dest.channel_id, request)
        if root:
            return StreamTarget(dest.channel_id, root, Destination("thread", dest.user_id, dest.channel_id,
                                                                   thread_ts=root))
    return None


def _is_dm(rt: Runtime, channel_id: str) -> bool:
    try:
        return rt.access.check_channel(channel_id).is_im
    except AccessDenied:
        return False


def _post_root(rt: Runtime, channel_id: str, request: DraftRequest) -> str | None:
    question = clip(escape(request.question or ""), ROOT_QUESTION_CHARS)
    text = f":mag: *{escape(request.account)}* · {question}"
    try:
        response = rt.client.chat_postMessage(channel=channel_id, text=text)
    except SlackApiError as exc:
        log.info("chat.postMessage failed: %s", exc.response.get("error", "unknown error"))
        return None
    except (SlackClientError, OSError) as exc:
        log.info("chat.postMessage failed: %s", type(exc).__name__)
        return None
    ts = response.get("ts")
    return str(ts) if ts else None
