"""What relbot does with a message typed in its DM, in a thread it answers in: the agent view (Messages tab)
and the legacy assistant panel alike.

A brief, questions, checklist or digest when asked for one, else ``ask`` (streamed, see ``answer_stream``).
The account is named in the text, else implied by the channel the user is looking at, else asked for.
"""

from __future__ import annotations

import logging

from slack_bolt import SetStatus

from relbot.slack.commands import MAX_QUESTION_CHARS, Digest
from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.flows import deliver_draft
from relbot.slack.intent import choose_account, read_intent
from relbot.slack.runtime import Runtime
from relbot.slack.subcommands import run_subcommand

log = logging.getLogger(__name__)
STATUS = "is reading the account history…"


def answer_in_thread(
    rt: Runtime, dest: Destination, text: str, *, viewing: str | None, set_status: SetStatus | None
) -> None:
    """Call inside ``reporting_errors``: refusals and failures become a reply in the same thread."""
    text = text[:MAX_QUESTION_CHARS]
    rt.access.check_surface(dest.user_id, dest.channel_id)
    if set_status is not None:
        _show_status(set_status)
    kind = read_intent(text)
    if kind == "digest":
        run_subcommand(rt, Digest(), dest)
        return
    account = choose_account(rt, dest.user_id, text, viewing_channel=viewing)
    deliver_draft(rt, DraftRequest(kind, account.name, text if kind == "ask" else None), dest)


def _show_status(set_status: SetStatus) -> None:
    try:  # a status is a nicety: failing to show one must not stop the answer
        set_status(status=STATUS)
    except Exception as exc:
        log.info("assistant.threads.setStatus failed: %s", type(exc).__name__)
