"""What relbot says about a meeting, as data (the Slack layer renders it): the brief before the call, the recap
after it, and the nudge when no notes came. Every account fact is a draft's own cited line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relbot.calendar.upcoming import Meeting
from relbot.domain import ChecklistEntry, ChecklistStatus, Claim, Commitment, CommitmentStatus, Concern
from relbot.drafting.models import Brief, Question

if TYPE_CHECKING:
    from relbot.drafting.service import DraftService

DUE_SOON = dt.timedelta(days=7)  # commitments due by a week after the meeting are worth raising in it
QUESTIONS = 3


@dataclass(frozen=True)
class PrecallBrief:
    meeting: Meeting
    tz: str
    brief: Brief
    since: dt.date | None  # the user's last meeting with this client; None: changes since the last brief
    due: list[Commitment]  # open commitments due before or soon after the meeting, soonest first
    questions: list[Question]

    @property
    def changes(self) -> list[Claim]:
        return self.brief.changes_since_last_brief


@dataclass(frozen=True)
class Recap:
    meeting: Meeting
    tz: str
    account: str
    new_records: list[Claim]  # the notes or transcript that arrived, each cited
    commitments: list[Commitment] = field(default_factory=list)  # promised in those records
    concerns: list[tuple[Concern, list[Claim]]] = field(default_factory=list)  # raised there, with the mentions
    documented: list[ChecklistEntry] = field(default_factory=list)  # playbook items the call documented
    health_before: int | None = None
    health_after: int | None = None


@dataclass(frozen=True)
class Nudge:
    meeting: Meeting
    tz: str
    account: str


MeetingMessage = PrecallBrief | Recap | Nudge


class MeetingContent:
    """Builds the messages from the same drafts `/relbot brief`, `questions` and `checklist` show."""

    def __init__(self, drafts: DraftService, *, use_llm: bool | None = None) -> None:
        self._drafts = drafts
        self._use_llm = use_llm

    def precall(self, meeting: Meeting, *, tz: str, last_met: dt.date | None, today: dt.date) -> PrecallBrief:
        account = _account(meeting)
        brief = self._drafts.brief(account, as_of=today, use_llm=self._use_llm, save_snapshot=False,
                                   since=last_met if last_met and last_met < today else None)
        by = meeting.occurrence.start.date() + DUE_SOON
        due = sorted((c for c in brief.commitments
                      if c.status is not CommitmentStatus.KEPT and c.due is not None and c.due <= by),
                     key=lambda c: c.due or dt.date.max)
        questions = self._drafts.questions(account, as_of=today, use_llm=False).questions[:QUESTIONS]
        return PrecallBrief(meeting=meeting, tz=tz, brief=brief, since=last_met, due=due, questions=questions)

    def recap(self, meeting: Meeting, *, tz: str, new_ids: set[str], today: dt.date) -> Recap:
        account = _account(meeting)
        day = meeting.occurrence.start.date()
        after = self._drafts.brief(account, as_of=today, use_llm=False, save_snapshot=False)
        before = self._drafts.brief(account, as_of=day - dt.timedelta(days=1), use_llm=False, save_snapshot=False)
        ctx = self._drafts.context(account, as_of=today)
        new_records = [Claim(text=_record_line(r.title, r.kind.value, r.date), citations=[r.citation()])
                       for r in ctx.records if r.id in new_ids]
        was_documented = {e.item_id for e in self._drafts.checklist(account, as_of=day - dt.timedelta(days=1),
                                                                    use_llm=False).entries
                          if e.status is ChecklistStatus.DOCUMENTED}
        checklist = self._drafts.checklist(account, as_of=today, use_llm=False)
        return Recap(
            meeting=meeting, tz=tz, account=account, new_records=new_records,
            commitments=[c for c in after.commitments if _cites(c.citations, new_ids)],
            concerns=[(c, hits) for c in after.risks
                      if (hits := [m for m in c.mentions if _cites(m.citations, new_ids)])],
            documented=[e for e in checklist.entries if e.status is ChecklistStatus.DOCUMENTED
                        and e.item_id not in was_documented and any(_cites(x.citations, new_ids) for x in e.evidence)],
            health_before=before.snapshot.health.score, health_after=after.snapshot.health.score,
        )


def _account(meeting: Meeting) -> str:
    if meeting.account is None:
        raise ValueError("only a client meeting has a brief or a recap")
    return meeting.account


def _cites(citations: Sequence[object], ids: set[str]) -> bool:
    return any(getattr(c, "record_id", None) in ids for c in citations)


def _record_line(title: str | None, kind: str, day: dt.date | None) -> str:
    what = {"transcript": "Transcript", "note": "Notes"}.get(kind, kind.capitalize())
    line = f"{what} ({day.isoformat()})" if day else what
    return f"{line}: {title}" if title else line
