"""A message in an assistant thread, or a reply in a thread of the agent view (both are DM thread messages to
bolt): answered in that thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import SetStatus
from slack_bolt.context.get_thread_context import GetThreadContext

from relbot.slack.delivery import Destination
from relbot.slack.dm_answers import answer_in_thread
from relbot.slack.flows import reporting_errors
from relbot.slack.runtime import Runtime


def runner(rt: Runtime) -> Callable[..., None]:
    def answer_thread_message(
        body: dict[str, Any], payload: dict[str, Any], set_status: SetStatus, get_thread_context: GetThreadContext
    ) -> None:
        if not rt.first_delivery(body):
            return
        dest = Destination("thread", str(payload["user"]), str(payload["channel"]), thread_ts=payload["thread_ts"])
        with reporting_errors(rt, dest, "assistant"):
            context = get_thread_context()
            answer_in_thread(rt, dest, str(payload.get("text") or ""), set_status=set_status,
                             viewing=context.get("channel_id") if context else None)

    return answer_thread_message
