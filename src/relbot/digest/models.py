"""The digest as data: one recipient, one ISO week, accounts ranked by the attention they need.

Every statement about an account carries at least one citation: a record, or a playbook section for a rule
("iron accounts need contact every 30 days").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from relbot.domain import Claim
from relbot.models import Citation, Stage, Tier


class SignalKind(StrEnum):
    GOING_COLD = "going_cold"
    CADENCE_MISSED = "cadence_missed"
    OVERDUE = "commitment_overdue"
    DUE_SOON = "commitment_due"
    CLIENT_OVERDUE = "client_commitment_overdue"
    CONCERN = "concern"
    HEALTH_DROP = "health_drop"
    HEALTH_RISE = "health_rise"
    STAGE_CHANGE = "stage_change"


class Severity(StrEnum):
    ATTENTION = "attention"  # makes the account an exception
    WATCH = "watch"  # shown, but alone it leaves the account in the quiet list


class DigestItem(BaseModel):
    kind: SignalKind
    severity: Severity
    text: str
    weight: float  # contribution to the account's attention score
    citations: list[Citation] = Field(min_length=1)
    # The item as a quiet account's one line puts it, and the records that back that shorter form.
    headline: str = ""
    headline_citations: list[Citation] = Field(default_factory=list)


class AccountDigest(BaseModel):
    account: str
    tier: Tier
    stage: Stage
    health: int
    health_week_before: int
    last_contact: dt.date | None
    days_since_contact: int | None
    score: float  # attention needed: higher first
    exception: bool
    items: list[DigestItem]
    summary: str  # the one line a quiet account gets
    summary_citations: list[Citation] = Field(default_factory=list)


class NarrativeLine(BaseModel):
    account: str
    text: str
    citations: list[Citation] = Field(min_length=1)


class AccountNarrative(BaseModel):
    """What the LLM fills in for one account (prompts/digest.yaml); its lines are checked like any draft's."""

    account: str
    as_of: dt.date
    lines: list[Claim] = Field(default_factory=list)


class FeedbackTally(BaseModel):
    """The week's thumbs on relbot's drafts, shown to admins (`relbot feedback` lists them with the reasons)."""

    up: int
    down: int
    down_by_kind: dict[str, int] = Field(default_factory=dict)  # "answer": 2, …
    reasons: int = 0  # thumbs down that came with a reason

    def down_on(self) -> list[str]:
        """The thumbs down per kind of draft, most first: ["2 on answers", "1 on briefs"]."""
        ranked = sorted(self.down_by_kind.items(), key=lambda kv: -kv[1])
        return [f"{n} on {_PLURAL.get(kind, kind)}" for kind, n in ranked]


_PLURAL = {"answer": "answers", "brief": "briefs", "checklist": "checklists", "digest": "digests"}


class Digest(BaseModel):
    recipient: str | None  # a Slack user id; None: every account (the operator's view)
    week: str  # "2026-W48"
    week_start: dt.date
    week_end: dt.date
    as_of: dt.date  # the week's Sunday, or today when the week is not over
    compared_with: dt.date  # as_of minus seven days
    generated_by: Literal["extractive", "llm"] = "extractive"
    narrative: list[NarrativeLine] = Field(default_factory=list)
    notice: str | None = None
    dropped_claims: int = 0
    exceptions: list[AccountDigest] = Field(default_factory=list)
    quiet: list[AccountDigest] = Field(default_factory=list)
    feedback: FeedbackTally | None = None  # admins and the operator's view, in a week with ratings

    @property
    def accounts(self) -> list[AccountDigest]:
        return [*self.exceptions, *self.quiet]
