"""What a thumbs up/down rates: the draft it sits under, carried in the feedback buttons' values.

Shared by the surfaces that end a draft with feedback buttons (streamed answers, the agent view, briefs) and
by the listener that stores the rating. A button value holds at most 2,000 characters; a ref is far smaller.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

from slack_sdk.models.blocks import ContextActionsBlock, FeedbackButtonsElement, PlainTextObject

from relbot import __version__
from relbot.drafting.models import DraftBase

FEEDBACK_ACTION = "relbot_feedback"
Rating = Literal["up", "down"]


@dataclass(frozen=True)
class FeedbackRef:
    kind: str  # "brief", "questions", "checklist", "answer", "digest"
    account: str | None
    as_of: str  # ISO date the draft was made as of
    llm: bool  # drafted by the LLM (True) or offline
    version: str  # relbot's version

    def encode(self, rating: Rating) -> str:
        return json.dumps({"r": rating, **asdict(self)}, separators=(",", ":"), ensure_ascii=False)


def ref_for(draft: DraftBase) -> FeedbackRef:
    """What a thumbs up/down under ``draft`` rates (a brief, questions, a checklist, an answer)."""
    return FeedbackRef(kind=str(getattr(draft, "kind", "draft")), account=draft.account,
                       as_of=draft.as_of.isoformat(), llm=draft.generated_by == "llm", version=__version__)


def decode(value: str) -> tuple[Rating, FeedbackRef] | None:
    """(rating, ref) from a button value; None for a value relbot did not make."""
    try:
        data = json.loads(value)
        rating = data.pop("r")
        if rating not in ("up", "down"):
            return None
        ref = FeedbackRef(kind=str(data["kind"]), account=data.get("account"), as_of=str(data["as_of"]),
                          llm=bool(data["llm"]), version=str(data["version"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return rating, ref


def feedback_block(ref: FeedbackRef) -> ContextActionsBlock:
    """The thumbs at the end of a draft (Slack's feedback_buttons in a context_actions block)."""
    buttons = FeedbackButtonsElement(
        action_id=FEEDBACK_ACTION,
        positive_button={"text": PlainTextObject(text="Good answer"), "value": ref.encode("up"),
                         "accessibility_label": "This draft was useful"},
        negative_button={"text": PlainTextObject(text="Something's wrong"), "value": ref.encode("down"),
                         "accessibility_label": "Something in this draft is wrong"},
    )
    return ContextActionsBlock(elements=[buttons])
