"""Draft model instances built by hand, for rendering tests (no store, no drafter)."""

from __future__ import annotations

import datetime as dt

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
from relbot.drafting.models import Answer, Brief, Checklist, Question, QuestionSet, Snapshot
from relbot.models import Citation, RelationshipType, SourceKind, Stage, Tier

AS_OF = dt.date(2026, 11, 23)
PERMALINK = "https://brightline.slack.com/archives/C0DEMOLH1/p1790000000000100"


def cite(n: int, *, slack: bool = False) -> Citation:
    source = PERMALINK if slack else f"demo/lumen-health/emails/2026-11-{n % 28 + 1:02d}-status.eml"
    kind = SourceKind.SLACK if slack else SourceKind.EMAIL
    return Citation(record_id=f"rec{n:04d}", source=source, date=dt.date(2026, 11, n % 28 + 1), kind=kind)


def claim(text: str, n: int = 1, *, slack: bool = False) -> Claim:
    return Claim(text=text, citations=[cite(n, slack=slack)])


def brief(*, items: int = 3, text: str = "Rachel asked for the Q4 report by Friday.", account: str = "Lumen Health",
          notice: str | None = None) -> Brief:
    claims = [claim(f"{text} ({i})", i, slack=i % 2 == 0) for i in range(items)]
    return Brief(
        account=account, as_of=AS_OF, notice=notice,
        snapshot=Snapshot(
            account=account, tier=Tier.GOLD, stage=Stage.DEVELOPMENT, relationship_type=RelationshipType.MARRIAGE,
            client_contact="Rachel Adeyemi", account_manager="Maya Chen", last_contact=dt.date(2026, 11, 20),
            days_since_contact=3,
            health=HealthScore(score=72, factors=[
                HealthFactor(name="Contact cadence", points=20, max_points=25, detail="weekly calls"),
            ]),
        ),
        recent_interactions=claims,
        commitments=[Commitment(what=f"Send the Q4 report ({i})", owner="Maya", due=dt.date(2026, 11, 27),
                                status=CommitmentStatus.OPEN, citations=[cite(i)]) for i in range(items)],
        risks=[Concern(topic="Reporting delays", trend=ConcernTrend.GROWING, mentions=claims[:2])],
        decisions=claims, contacts=[Contact(name="Rachel Adeyemi", side="client", role="PM",
                                            last_seen=dt.date(2026, 11, 20), citations=[cite(1)])],
        changes_since_last_brief=claims, talking_points=claims,
    )


def questions(n: int = 3) -> QuestionSet:
    return QuestionSet(account="Lumen Health", as_of=AS_OF, questions=[
        Question(question=f"How is the reporting cadence working for you? ({i})", why="No report since October.",
                 citations=[cite(i)], playbook=Citation(source="knowledge/expectations.md",
                                                        section="expectation-setting#reporting-cadence"))
        for i in range(n)
    ])


def checklist() -> Checklist:
    playbook = Citation(source="knowledge/expectations.md", section="expectation-setting#budget")
    return Checklist(account="Lumen Health", as_of=AS_OF, entries=[
        ChecklistEntry(item_id="budget", label="Budget", status=ChecklistStatus.DOCUMENTED,
                       evidence=[claim("Budget agreed at $40k/quarter.", 3)], playbook=playbook),
        ChecklistEntry(item_id="approvals", label="Approvals", status=ChecklistStatus.CONTRADICTED,
                       evidence=[claim("Rachel approves.", 4), claim("Legal approves.", 5)],
                       question="Who signs off on creative?", playbook=playbook),
        ChecklistEntry(item_id="cadence", label="Reporting cadence", status=ChecklistStatus.MISSING,
                       question="How often should we report?", playbook=playbook),
    ])


def answer(text: str = "We promised the Q4 report by Friday.", *, found: bool = True) -> Answer:
    return Answer(account="Lumen Health", as_of=AS_OF, question="What did we promise?", found=found, answer=text,
                  claims=[claim("Maya: we'll send the Q4 report by Friday.", 7, slack=True)] if found else [])
