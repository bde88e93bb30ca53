"""A new assistant thread (the legacy assistant panel): a greeting and suggested prompts naming the user's own
accounts. The agent view sends no such event; its prompts come with the Messages tab (``messages_tab_opened``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import SaveThreadContext, SetSuggestedPrompts

from relbot.slack.delivery import Destination
from relbot.slack.flows import reporting_errors
from relbot.slack.runtime import Runtime
from relbot.slack.suggestions import TITLE, suggested_prompts

GREETING = "Hi! Ask me about any of your accounts: a brief, what we promised, what the client expects."


def runner(rt: Runtime) -> Callable[..., None]:
    def greet(
        body: dict[str, Any], event: dict[str, Any], set_suggested_prompts: SetSuggestedPrompts,
        save_thread_context: SaveThreadContext,
    ) -> None:
        thread = event.get("assistant_thread") or {}
        if not rt.first_delivery(body) or not thread.get("user_id"):
            return
        dest = Destination("thread", str(thread["user_id"]), thread.get("channel_id"),
                           thread_ts=thread.get("thread_ts"))
        with reporting_errors(rt, dest, "assistant greeting"):
            if thread.get("context"):
                save_thread_context(thread["context"])
            rt.access.check_user(dest.user_id)
            prompts = suggested_prompts(dest.user_id, rt.access.visible_accounts(dest.user_id))
            if prompts:
                set_suggested_prompts(prompts=prompts, title=TITLE)
            rt.delivery.say(dest, GREETING)

    return greet
