"""The Messages tab opened (the agent view): suggested prompts above the composer, naming the user's accounts.

Agent-view prompts belong to the DM, not a thread: ``assistant.threads.setSuggestedPrompts`` without
``thread_ts`` (Slack ignores a call that names one). Guests and external users get none, and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.slack.access import AccessDenied
from relbot.slack.runtime import Runtime
from relbot.slack.suggestions import TITLE, suggested_prompts

log = logging.getLogger(__name__)


def is_messages_tab(event: dict[str, Any]) -> bool:
    return event.get("tab") == "messages"


def runner(rt: Runtime) -> Callable[..., None]:
    def suggest_prompts(body: dict[str, Any], event: dict[str, Any]) -> None:
        channel_id, user_id = event.get("channel"), str(event.get("user") or "")
        if not channel_id or not user_id or not rt.first_delivery(body):
            return
        try:
            rt.access.check_user(user_id)
        except AccessDenied:
            return  # nothing to suggest to someone who may see nothing
        prompts = suggested_prompts(user_id, rt.access.visible_accounts(user_id))
        if not prompts:
            return
        try:
            rt.client.assistant_threads_setSuggestedPrompts(channel_id=str(channel_id), prompts=prompts, title=TITLE)
        except SlackApiError as exc:
            log.info("assistant.threads.setSuggestedPrompts failed: %s", exc.response.get("error", "unknown error"))
        except (SlackClientError, OSError) as exc:
            log.info("assistant.threads.setSuggestedPrompts failed: %s", type(exc).__name__)

    return suggest_prompts
