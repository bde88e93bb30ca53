"""The drafts relbot produces. Every statement about an account carries at least one citation."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from relbot.models import Citation, RelationshipType, Stage, Tier

Drafter = Literal["extractive", "llm"]


class Claim(BaseModel):
    """One statement, with the records (or playbook sections) it came from."""

    text: str
    citations: list[Citation] = Field(default_factory=list)


class HealthFactor(BaseModel):
    name: str  # e.g. "Contact cadence"
    points: float  # earned
    max_points: float
    detail: str  # why, in words
    citations: list[Citation] = Field(default_factory=list)  # evidence records + the playbook section


class HealthScore(BaseModel):
    score: int = Field(ge=0, le=100)
    factors: list[HealthFactor]


class CommitmentStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    OVERDUE = "overdue"


class Commitment(BaseModel):
    what: str
    owner: str | None = None
    due: dt.date | None = None
    status: CommitmentStatus
    citations: list[Citation]  # where it was promised
    evidence: list[Citation] = Field(default_factory=list)  # where it was fulfilled (or chased)
    side: Literal["agency", "client"] | None = None  # whose promise it is
    fulfilled_on: dt.date | None = None  # date of the first fulfilment evidence, when kept
    chases: int = 0  # later records where the client asked for it again or it slipped
    asked_by: str | None = None  # set when the owner was asked for it (a request) rather than offered it


class ConcernTrend(StrEnum):
    NEW = "new"
    GROWING = "growing"
    STEADY = "steady"
    EASING = "easing"


class Concern(BaseModel):
    topic: str
    trend: ConcernTrend
    mentions: list[Claim]  # oldest first, each cited


class Contact(BaseModel):
    name: str
    side: Literal["client", "agency", "unknown"]  # unknown: neither a domain nor the registry says
    role: str | None = None
    last_seen: dt.date | None = None
    citations: list[Citation] = Field(default_factory=list)


class Snapshot(BaseModel):
    account: str
    tier: Tier
    stage: Stage
    relationship_type: RelationshipType
    client_contact: str | None
    account_manager: str | None
    last_contact: dt.date | None
    last_contact_citation: Citation | None = None
    days_since_contact: int | None = None
    health: HealthScore


class DraftBase(BaseModel):
    account: str
    as_of: dt.date
    generated_by: Drafter = "extractive"
    notice: str | None = None  # e.g. "The LLM timed out; this is the extractive draft."
    dropped_claims: int = 0  # LLM claims removed for lacking a valid citation


class Brief(DraftBase):
    kind: Literal["brief"] = "brief"
    snapshot: Snapshot
    recent_interactions: list[Claim]
    commitments: list[Commitment]
    risks: list[Concern]
    decisions: list[Claim]
    contacts: list[Contact]
    changes_since_last_brief: list[Claim]
    talking_points: list[Claim]


class Question(BaseModel):
    question: str
    why: str
    citations: list[Citation] = Field(default_factory=list)  # records showing the gap or signal
    playbook: Citation | None = None


class QuestionSet(DraftBase):
    kind: Literal["questions"] = "questions"
    questions: list[Question]


class ChecklistStatus(StrEnum):
    DOCUMENTED = "documented"
    CONTRADICTED = "contradicted"
    MISSING = "missing"


class ChecklistEntry(BaseModel):
    item_id: str
    label: str
    status: ChecklistStatus
    evidence: list[Claim] = Field(default_factory=list)  # quotes, each cited; two or more if contradicted
    question: str | None = None  # what to ask when missing or contradicted
    playbook: Citation


class Checklist(DraftBase):
    kind: Literal["checklist"] = "checklist"
    entries: list[ChecklistEntry]


class Answer(DraftBase):
    kind: Literal["answer"] = "answer"
    question: str
    found: bool
    answer: str
    claims: list[Claim] = Field(default_factory=list)
