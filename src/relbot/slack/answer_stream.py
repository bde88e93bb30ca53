"""An `ask` answer streamed into a thread: the plan while relbot drafts, the answer's text, then its sources
and the feedback thumbs; one ordinary message in the same thread wherever the stream fails.

Calls per answer: ``chat.startStream`` (the plan), one ``chat.appendStream`` as drafting starts, one with
the answer's markdown, and ``chat.stopStream`` with the sources and buttons. The stream client never retries:
a refused start (an older client, a rate limit, an error) falls back at once to a single message sent
through the ordinary, retrying client. A stream that breaks later is stopped where it is, and the whole
answer follows as that single message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import ContextActionsBlock
from slack_sdk.models.messages.chunk import MarkdownTextChunk
from slack_sdk.web.chat_stream import ChatStream

from relbot.drafting.models import Answer
from relbot.drafting.progress import Progress, ignore
from relbot.slack.answer_markdown import answer_markdown
from relbot.slack.blocks import Rendered, answer_sources, render
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.feedback_ref import feedback_block, ref_for
from relbot.slack.paging import paginate
from relbot.slack.runtime import Runtime
from relbot.slack.stream_plan import PlanUpdates
from relbot.slack.stream_target import StreamTarget

log = logging.getLogger(__name__)
STREAM_TEXT = 11_000  # Slack takes 12,000 characters of markdown per stream; the rest is headroom


def answer_streamed(rt: Runtime, request: DraftRequest, target: StreamTarget) -> None:
    stream = _Stream.open(_stream_client(rt.client), target, PlanUpdates(request.account))
    try:
        draft = rt.services.drafts.ask(request.account, request.question or "", as_of=request.as_of,
                                       progress=stream.report if stream else ignore)
    except Exception:
        if stream:
            stream.abort()
        raise  # the caller's reporting_errors says what went wrong, in the same thread
    feedback = feedback_block(ref_for(draft))
    if stream and stream.finish(answer_markdown(draft, STREAM_TEXT), closing_blocks(request, draft, feedback)):
        return
    pages = paginate(render(draft), footer=[feedback], cli_hint=request.cli_hint())
    rt.delivery.send(target.fallback, pages)


def closing_blocks(request: DraftRequest, draft: Answer, feedback: ContextActionsBlock) -> list[dict[str, Any]]:
    """The sources and the thumbs, within one message's 50 blocks (a note says what did not fit)."""
    [page] = paginate(Rendered(title=draft.question, units=answer_sources(draft)), footer=[feedback], max_pages=1,
                      cli_hint=request.cli_hint())
    return page.blocks


class _Stream:
    """One chat stream; after the first failed call it sends nothing more but its stop."""

    def __init__(self, stream: ChatStream, plan: PlanUpdates) -> None:
        self._stream = stream
        self._plan = plan
        self._ok = True

    @classmethod
    def open(cls, client: WebClient, target: StreamTarget, plan: PlanUpdates) -> _Stream | None:
        stream = client.chat_stream(channel=target.channel_id, thread_ts=target.thread_ts, task_display_mode="plan",
                                    buffer_size=STREAM_TEXT)
        if not _sent("chat.startStream", lambda: stream.append(chunks=plan.opening())) or not stream.ts:
            return None
        return cls(stream, plan)

    def report(self, progress: Progress) -> None:
        if self._plan.add(progress) and self._ok:
            chunks = self._plan.take()
            self._ok = _sent("chat.appendStream", lambda: self._stream.append(chunks=chunks))

    def finish(self, markdown: str, blocks: list[dict[str, Any]]) -> bool:
        """Stream the answer and stop with ``blocks``; False when the answer must be sent again as a message."""
        if self._ok:
            chunks = [*self._plan.take(), MarkdownTextChunk(text=markdown)]
            self._ok = _sent("chat.appendStream", lambda: self._stream.append(chunks=chunks))
        if self._ok:
            self._ok = _sent("chat.stopStream", lambda: self._stream.stop(blocks=blocks))
            return self._ok
        _sent("chat.stopStream", lambda: self._stream.stop(chunks=self._plan.take()))  # don't leave it spinning
        return False

    def abort(self) -> None:
        _sent("chat.stopStream", lambda: self._stream.stop(chunks=self._plan.failed()))


def _sent(method: str, call: Callable[[], object]) -> bool:
    try:
        call()
    except SlackApiError as exc:
        log.info("%s failed: %s", method, exc.response.get("error", "unknown error"))
        return False
    except (SlackClientError, OSError) as exc:  # SlackRequestError too: a stream Slack no longer knows
        log.info("%s failed: %s", method, type(exc).__name__)
        return False
    return True


def _stream_client(client: WebClient) -> WebClient:
    # No retries: a rate-limited or refused stream is answered with a single message now, not after a wait, and
    # a repeated start or append could show the same text twice.
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[])
