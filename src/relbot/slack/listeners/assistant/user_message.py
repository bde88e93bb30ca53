"""A message in an assistant thread: a brief, questions, checklist or digest if asked for, else `ask`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import SetStatus
from slack_bolt.context.get_thread_context import GetThreadContext

from relbot.slack.commands import MAX_QUESTION_CHARS, Digest
from relbot.slack.delivery import Destination
from relbot.slack.drafts import DraftRequest
from relbot.slack.flows import deliver_draft, reporting_errors
from relbot.slack.intent import choose_account, read_intent
from relbot.slack.runtime import Runtime
from relbot.slack.subcommands import run_subcommand

log = logging.getLogger(__name__)


def runner(rt: Runtime) -> Callable[..., None]:
    def answer_in_thread(
        body: dict[str, Any], payload: dict[str, Any], set_status: SetStatus, get_thread_context: GetThreadContext
    ) -> None:
        if not rt.first_delivery(body):
            return
        text = str(payload.get("text") or "")[:MAX_QUESTION_CHARS]
        dest = Destination("thread", str(payload["user"]), str(payload["channel"]), thread_ts=payload["thread_ts"])
        with reporting_errors(rt, dest, "assistant"):
            rt.access.check_surface(dest.user_id, dest.channel_id)
            _status(set_status)
            kind = read_intent(text)
            if kind == "digest":
                return run_subcommand(rt, Digest(), dest)
            context = get_thread_context()
            viewing = context.get("channel_id") if context else None
            account = choose_account(rt, dest.user_id, text, viewing_channel=viewing)
            deliver_draft(rt, DraftRequest(kind, account.name, text if kind == "ask" else None), dest)

    return answer_in_thread


def _status(set_status: SetStatus) -> None:
    try:  # a status is a nicety: failing to show one must not stop the answer
        set_status(status="is reading the account history…")
    except Exception as exc:
        log.info("assistant.threads.setStatus failed: %s", type(exc).__name__)
