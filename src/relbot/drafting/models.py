"""The drafts relbot produces. Every statement about an account carries at least one citation."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from relbot.domain import (
    ChecklistEntry,
    ChecklistStatus,
    Claim,
    Commitment,
    CommitmentStatus,
    Concern,
    ConcernTrend,
    Contact,
    HealthFactor,
    HealthScore,
)
from relbot.models import Citation, RelationshipType, Stage, Tier

# The findings (Claim, Commitment, Concern, Contact, HealthScore, checklist entries) are core types in
# relbot.domain; they are re-exported here because every draft is made of them.
__all__ = [
    "Answer", "Brief", "Checklist", "ChecklistEntry", "ChecklistStatus", "Citation", "Claim", "Commitment",
    "CommitmentStatus", "Concern", "ConcernTrend", "Contact", "DraftBase", "Drafter", "HealthFactor", "HealthScore",
    "Question", "QuestionSet", "Snapshot",
]

Drafter = Literal["extractive", "llm"]


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


class Checklist(DraftBase):
    kind: Literal["checklist"] = "checklist"
    entries: list[ChecklistEntry]


class Answer(DraftBase):
    kind: Literal["answer"] = "answer"
    question: str
    found: bool
    answer: str
    claims: list[Claim] = Field(default_factory=list)
