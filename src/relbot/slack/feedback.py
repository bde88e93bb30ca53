"""A thumbs up/down on a draft: stored with what it rated when the user may see that account; a thumbs down
then offers an optional "What was wrong?" modal.

The ack path only opens a placeholder modal for a thumbs down (a ``trigger_id`` lives 3 seconds). The worker
checks access, stores the rating, confirms privately and fills the modal in by ``external_id``. The modal
carries the click (what was rated, which message, when) in its ``private_metadata``, so whichever replica takes
the submission can store the reason. Reasons are client text: they are stored, never logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement
from slack_sdk.models.views import View

from relbot.errors import RelbotError
from relbot.slack.blocks import plain
from relbot.slack.delivery import Destination
from relbot.slack.failures import user_message
from relbot.slack.feedback_ref import FeedbackRef, Rating, decode
from relbot.slack.modals import METADATA_LIMIT, external_id, fill
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import escape
from relbot.slack.view_layouts import notice
from relbot.store import feedback

log = logging.getLogger(__name__)
REASON_CALLBACK = "relbot_feedback_reason"
REASON_BLOCK = "reason"
REASON_ACTION = "reason_text"
TITLE = "What was wrong?"
THANKS = "Thanks — noted."
WAIT = ":hourglass_flowing_sand: One moment…"
GONE = "That feedback could not be matched to a draft any more. Thanks all the same."
FIELD_CHARS = 200  # kind, version and account names relbot puts in a ref are far shorter
LABELS = {"brief": "brief", "questions": "feedback questions", "checklist": "expectations checklist",
          "answer": "answer", "digest": "weekly digest"}


@dataclass(frozen=True)
class Click:
    """One press of a feedback button: who, which rating, on which draft and message, when."""

    user_id: str
    rating: Rating
    ref: FeedbackRef
    channel_id: str | None
    ts: str | None
    rated_at: dt.datetime
    response_url: str | None = None

    def entry(self, reason: str | None = None) -> feedback.Entry:
        r = self.ref
        return feedback.Entry(user_id=self.user_id, rating=self.rating, kind=r.kind, account=r.account,
                              as_of=r.as_of, llm=r.llm, version=r.version, rated_at=self.rated_at,
                              channel_id=self.channel_id, ts=self.ts, reason=reason)


def wants_reason(action: dict[str, Any]) -> bool:
    """Cheap enough for the ack path: is this a thumbs down relbot made?"""
    decoded = decode(str(action.get("value") or ""))
    return decoded is not None and decoded[0] == "down"


def parse_click(body: dict[str, Any], action: dict[str, Any]) -> Click | None:
    decoded = decode(str(action.get("value") or ""))
    if decoded is None or not _plausible(decoded[1]):
        return None
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or message.get("ts")
    return Click(user_id=str(body["user"]["id"]), rating=decoded[0], ref=decoded[1],
                 channel_id=str(channel) if channel else None, ts=str(ts) if ts else None,
                 rated_at=_moment(action.get("action_ts")), response_url=body.get("response_url"))


def open_placeholder(rt: Runtime, body: dict[str, Any]) -> None:
    """On the ack path: the modal opens now, its question once the worker has checked access."""
    try:
        rt.ack_client.views_open(trigger_id=body["trigger_id"], view=notice(TITLE, external_id(body), WAIT))
    except (SlackApiError, SlackClientError, OSError, KeyError) as exc:
        log.info("views.open failed: %s", type(exc).__name__)


def handle_click(rt: Runtime, body: dict[str, Any], action: dict[str, Any]) -> None:
    """In the worker: store the rating (or refuse), say so privately, and fill in a thumbs down's modal."""
    click = parse_click(body, action)
    if click is None:
        log.info("feedback ignored: a button value relbot did not make")
        return
    dest = Destination("response_url", click.user_id, click.channel_id, click.response_url)
    try:
        _check(rt, click.user_id, click.ref)
        feedback.record(rt.services.state, click.entry())
    except Exception as exc:  # the edge: a refusal or a failure is a sentence, in the modal too
        text = user_message(exc, where="feedback")
        if click.rating == "down":
            fill(rt, body, notice(TITLE, external_id(body), text))
        rt.delivery.say(dest, text, title="relbot could not note that")
        return
    log.info("feedback stored: %s on %s (%s)", click.rating, click.ref.kind, "llm" if click.ref.llm else "offline")
    if click.rating == "down":
        fill(rt, body, reason_modal(external_id(body), click))
    rt.delivery.say(dest, THANKS, title=THANKS)


def reason_modal(ext: str, click: Click) -> View:
    metadata = pack(click)
    if len(metadata) > METADATA_LIMIT:
        return notice(TITLE, ext, THANKS)
    r = click.ref
    what = LABELS.get(r.kind, "draft") + (f" of *{escape(r.account)}*" if r.account else "")
    made = "the LLM's draft" if r.llm else "the offline draft"
    intro = ContextBlock(elements=[MarkdownTextObject(
        text=f"You rated the {what} as of {escape(r.as_of)} ({made}). A line on what was wrong helps whoever "
             "runs relbot fix it; it is stored with your rating.")])
    field = PlainTextInputElement(action_id=REASON_ACTION, multiline=True, max_length=feedback.REASON_CHARS,
                                  placeholder=plain("e.g. that commitment was kept last week"))
    question = InputBlock(block_id=REASON_BLOCK, label=plain("What was wrong? (optional)"), element=field,
                          optional=True)
    return View(type="modal", callback_id=REASON_CALLBACK, external_id=ext, title=plain(TITLE, 24),
                submit=plain("Send", 24), close=plain("Skip", 24), blocks=[intro, question], private_metadata=metadata)


def save_reason(rt: Runtime, user_id: str, view: dict[str, Any]) -> None:
    """A submitted modal: the reason joins the submitter's rating of that message (access checked again)."""
    reason = submitted_reason(view)
    if not reason:
        return  # skipped: the thumbs down alone is already stored
    click = unpack(user_id, str(view.get("private_metadata") or ""))
    dest = Destination("ephemeral", user_id, click.channel_id) if click.channel_id else Destination("dm", user_id)
    try:
        _check(rt, user_id, click.ref)
        feedback.record(rt.services.state, click.entry(reason))
    except Exception as exc:
        rt.delivery.say(dest, user_message(exc, where="feedback reason"), title="relbot could not note that")
        return
    log.info("feedback reason stored on %s (%s)", click.ref.kind, "llm" if click.ref.llm else "offline")


def submitted_reason(view: dict[str, Any]) -> str | None:
    values = (view.get("state") or {}).get("values") or {}
    text = (values.get(REASON_BLOCK, {}).get(REASON_ACTION) or {}).get("value")
    return (text.strip() or None) if isinstance(text, str) else None


def pack(click: Click) -> str:
    return json.dumps({"v": click.ref.encode(click.rating), "c": click.channel_id, "ts": click.ts,
                       "at": click.rated_at.isoformat()}, separators=(",", ":"), ensure_ascii=False)


def unpack(user_id: str, metadata: str) -> Click:
    """The click a modal was opened for, rated by the user submitting it (whatever the metadata claims)."""
    try:
        data = json.loads(metadata)
        decoded = decode(str(data["v"]))
        rated_at = dt.datetime.fromisoformat(str(data["at"]))
    except (ValueError, KeyError, TypeError):
        raise RelbotError(GONE) from None
    if decoded is None or not _plausible(decoded[1]) or rated_at.tzinfo is None:
        raise RelbotError(GONE)
    return Click(user_id=user_id, rating=decoded[0], ref=decoded[1], channel_id=_text(data.get("c")),
                 ts=_text(data.get("ts")), rated_at=rated_at)


def _check(rt: Runtime, user_id: str, ref: FeedbackRef) -> None:
    """Only someone who may see the account may rate its drafts (a draft of no account: any full member)."""
    rt.access.check_user(user_id)
    if ref.account:
        rt.access.resolve(user_id, ref.account)


def _plausible(ref: FeedbackRef) -> bool:
    if ref.account is not None and not isinstance(ref.account, str):
        return False
    try:
        dt.date.fromisoformat(ref.as_of)
    except ValueError:
        return False
    return all(len(v) <= FIELD_CHARS for v in (ref.kind, ref.version, ref.account or "")) and bool(ref.kind)


def _moment(action_ts: object) -> dt.datetime:
    """When Slack says the button was pressed (so a late worker cannot undo a later click); else now."""
    try:
        return dt.datetime.fromtimestamp(float(str(action_ts)), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return dt.datetime.now(dt.UTC)


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, str) and value else None
