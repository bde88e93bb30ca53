"""The account-analysis domain: what relbot finds in an account's records (claims, commitments, concerns,
contacts, health, checklist findings) and the meetings on its calendars. Core types: ``analysis/`` produces
them, ``drafting/``, ``digest/``, ``calendar/`` and the Slack layer read them; this module imports only
``relbot.models``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from relbot.models import Citation


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


# -- meetings (what a calendar feed says, once parsed; stored by store/meetings.py) -------------------------
@dataclass(frozen=True)
class Attendee:
    email: str  # lower-case addr-spec, "mailto:" removed
    name: str | None = None
    partstat: str | None = None  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, DELEGATED (upper-case)


@dataclass(frozen=True)
class Occurrence:
    """One instance of a meeting. ``key`` is stable when the instance moves (a new DTSTART, a RECURRENCE-ID
    override): ``uid`` for a one-off event, ``uid`` + ``/`` + the instance's original start (UTC, ISO) for an
    instance of a recurring one."""

    uid: str
    key: str
    start: dt.datetime  # timezone-aware, UTC
    end: dt.datetime  # timezone-aware, UTC
    all_day: bool
    title: str
    description: str = ""
    location: str = ""
    organizer: str | None = None  # lower-case e-mail
    attendees: tuple[Attendee, ...] = ()
    sequence: int = 0
    status: str = "CONFIRMED"  # CONFIRMED or TENTATIVE; cancelled events and instances are never returned

    def partstat_of(self, emails: frozenset[str]) -> str | None:
        """The participation status of whichever of ``emails`` is invited (the calendar's owner)."""
        return next((a.partstat for a in self.attendees if a.email in emails), None)

    def emails(self) -> list[str]:
        """Everyone on the invitation, organizer included, once each, in order."""
        found = [a.email for a in self.attendees]
        if self.organizer:
            found.insert(0, self.organizer)
        return list(dict.fromkeys(found))
