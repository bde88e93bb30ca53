"""The steps every surface shares: draft and deliver privately, share publicly, report failures.

Handlers call these inside ``reporting_errors`` so that whatever goes wrong, the user reads a clear
sentence where the answer would have appeared, and the log gets the exception type (no client text).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk.models.blocks import Block

from relbot.errors import RelbotError
from relbot.slack.answer_stream import answer_streamed
from relbot.slack.blocks import render
from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import DraftRequest, run_draft
from relbot.slack.failures import user_message
from relbot.slack.feedback_ref import feedback_block, ref_for
from relbot.slack.paging import Page, paginate
from relbot.slack.runtime import Runtime
from relbot.slack.shares import decode, encode, share_button
from relbot.slack.stream_target import stream_target

NOT_POSTED = (
    "I couldn't post in this channel. Invite me first (`/invite @relbot`), then press *Share to channel* again."
)
EXPIRED = "This draft has expired. Run the command again to get a fresh one you can share."


@contextmanager
def reporting_errors(rt: Runtime, dest: Destination, where: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # the edge: every failure becomes a message, never a traceback
        rt.delivery.say(dest, user_message(exc, where=where), title="relbot could not do that")


def deliver_draft(rt: Runtime, request: DraftRequest, dest: Destination) -> None:
    """Draft, render and deliver privately; with a Share button where sharing makes sense, and the thumbs
    up/down last (the public copy a Share posts carries neither)."""
    # An answer for the asker's own DM with relbot streams there instead (one message in its thread on failure).
    target = stream_target(rt, dest, request) if request.kind == "ask" else None
    if target is not None:
        answer_streamed(rt, request, target)
        return
    draft = run_draft(rt.services, request)
    rendered = render(draft)
    public = paginate(rendered, cli_hint=request.cli_hint())
    footer: list[Block] = []
    if dest.can_share:
        token = rt.shares.put(request.account, public)
        footer.append(share_button(encode(token, request)))
    footer.append(feedback_block(ref_for(draft)))
    rt.delivery.send(dest, paginate(rendered, footer=footer, cli_hint=request.cli_hint()))


def share(rt: Runtime, *, value: str, user_id: str, channel_id: str) -> None:
    """Post the draft the user reviewed to the channel, if the rules allow it there."""
    ticket = decode(value)
    if ticket is None:
        raise RelbotError(EXPIRED)
    cached = rt.shares.get(ticket.token)
    name = cached[0] if cached else (ticket.request.account if ticket.request else None)
    if name is None:
        raise RelbotError(EXPIRED)
    account = rt.access.resolve(user_id, name)
    rt.access.check_share(user_id, channel_id, account)
    if cached:
        pages = cached[1]
    elif ticket.request:
        request = DraftRequest(ticket.request.kind, account.name, ticket.request.question, ticket.request.as_of)
        pages = paginate(render(run_draft(rt.services, request, fresh=False)), cli_hint=request.cli_hint())
    else:
        raise RelbotError(EXPIRED)
    if not rt.delivery.publish(channel_id, with_attribution(pages, user_id)):
        raise RelbotError(NOT_POSTED)


def with_attribution(pages: list[Page], user_id: str) -> list[Page]:
    """The public copy says who shared it (a context line on the last page; the pager leaves room)."""
    note: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Shared by <@{user_id}>"}]}
    *head, last = pages
    return [*head, Page(text=last.text, blocks=[*last.blocks, note])]
