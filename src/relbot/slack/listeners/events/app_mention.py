"""@relbot in a channel: answered as `ask`, privately to the person who asked, in the thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relbot.slack.account_match import strip_mentions
from relbot.slack.commands import MAX_QUESTION_CHARS
from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.flows import deliver_draft, reporting_errors
from relbot.slack.intent import choose_account
from relbot.slack.runtime import Runtime


def runner(rt: Runtime) -> Callable[..., None]:
    def answer_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        if not rt.first_delivery(body) or not event.get("user"):
            return
        channel_id = str(event["channel"])
        thread_ts = event.get("thread_ts") or event.get("ts")
        dest = Destination("ephemeral", str(event["user"]), channel_id, thread_ts=thread_ts)
        question = strip_mentions(str(event.get("text") or ""))
        with reporting_errors(rt, dest, "mention"):
            rt.access.check_surface(dest.user_id, channel_id)
            account = choose_account(rt, dest.user_id, question, viewing_channel=channel_id)
            question = question[:MAX_QUESTION_CHARS] or "What is the latest?"
            deliver_draft(rt, DraftRequest("ask", account.name, question), dest)

    return answer_mention
