"""A message typed in relbot's DM (the agent view's Messages tab): answered in a thread under it.

Replies inside such a thread reach the assistant's user-message listener instead (bolt treats every DM thread
message as an assistant thread message); this one takes the top-level messages only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import SetStatus

from relbot.slack.delivery import Destination
from relbot.slack.dm_answers import answer_in_thread
from relbot.slack.flows import reporting_errors
from relbot.slack.runtime import Runtime


def is_question(event: dict[str, Any]) -> bool:
    """A person's new top-level message in a DM: not an edit, a deletion, a bot's post or a thread reply."""
    return (event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id")
            and not event.get("thread_ts") and bool(event.get("user")))


def runner(rt: Runtime) -> Callable[..., None]:
    def answer_dm(body: dict[str, Any], event: dict[str, Any], set_status: SetStatus | None = None) -> None:
        if not rt.first_delivery(body):
            return
        dest = Destination("thread", str(event["user"]), str(event["channel"]), thread_ts=str(event["ts"]))
        with reporting_errors(rt, dest, "direct message"):
            answer_in_thread(rt, dest, str(event.get("text") or ""), viewing=None, set_status=set_status)

    return answer_dm
