"""A new assistant thread: a greeting and suggested prompts naming one of the user's own accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import SaveThreadContext, SetSuggestedPrompts

from relbot.slack.delivery import Destination
from relbot.slack.flows import reporting_errors
from relbot.slack.runtime import Runtime

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
            visible = rt.access.visible_accounts(dest.user_id)
            name = visible[0].name if visible else "an account"
            set_suggested_prompts(prompts=[
                {"title": "Brief me on …", "message": f"Brief me on {name}"},
                {"title": "What did we promise …", "message": f"What did we promise {name}?"},
                {"title": "This week's digest", "message": "This week's digest"},
            ])
            rt.delivery.say(dest, GREETING)

    return greet
