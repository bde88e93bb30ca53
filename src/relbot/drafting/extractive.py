"""The default drafter: offline and deterministic. Every section comes from the account's records (through
relbot.analysis) and the playbook; every statement carries the citations it came from."""

from __future__ import annotations

from relbot.analysis import playbook
from relbot.analysis.gist import gist, kind_label, quoted
from relbot.analysis.since_last_brief import changes_since
from relbot.domain import Claim
from relbot.drafting.brief_parts import decisions, recent_interactions
from relbot.drafting.context import DraftContext
from relbot.drafting.findings import ACTIVE_DAYS, Finding, findings
from relbot.drafting.models import Brief, Checklist, Question, QuestionSet, Snapshot

MAX_QUESTIONS = 8
MIN_QUESTIONS = 5
MAX_MISSING_ITEM_QUESTIONS = 3
TALKING_POINTS = 4
RISKS = 4


def snapshot(ctx: DraftContext) -> Snapshot:
    a = ctx.analysis
    last = a.last_contact
    return Snapshot(
        account=ctx.account.name, tier=ctx.account.tier, stage=ctx.account.stage,
        relationship_type=ctx.account.relationship_type, client_contact=a.points_of_contact.get("client"),
        account_manager=a.points_of_contact.get("agency"), last_contact=last.date if last else None,
        last_contact_citation=last.citation() if last else None,
        days_since_contact=(ctx.as_of - last.date).days if last and last.date else None, health=a.health,
    )


def _recent(mention: Claim, ctx: DraftContext) -> bool:
    when = mention.citations[0].date if mention.citations else None
    return bool(when and (ctx.as_of - when).days <= ACTIVE_DAYS)


def _point(f: Finding) -> Claim:
    cites = f.point_citations if f.point and f.point_citations is not None else [*f.citations, f.playbook]
    return Claim(text=f.point or f.why, citations=cites)


def brief(ctx: DraftContext) -> Brief:
    found = findings(ctx)
    active = [c for c in ctx.analysis.concerns if c.trend.value != "easing" or _recent(c.mentions[-1], ctx)]
    return Brief(
        account=ctx.account.name, as_of=ctx.as_of, snapshot=snapshot(ctx),
        recent_interactions=recent_interactions(ctx.records),
        commitments=ctx.analysis.commitments, risks=active[:RISKS],
        decisions=decisions(ctx.records, ctx.as_of), contacts=ctx.analysis.contacts,
        changes_since_last_brief=changes_since(ctx.previous, ctx.analysis),
        talking_points=_talking_points(found),
    )


def _talking_points(found: list[Finding]) -> list[Claim]:
    """The top findings as things to say, at most two of a kind so one theme does not crowd out the rest."""
    points: list[Claim] = []
    per_kind: dict[str, int] = {}
    for f in found:
        if not f.point or per_kind.get(f.kind, 0) >= 2:
            continue
        per_kind[f.kind] = per_kind.get(f.kind, 0) + 1
        points.append(_point(f))
    return points[:TALKING_POINTS]


def _fallbacks(ctx: DraftContext) -> list[Question]:
    """Open questions for an account with few gaps, each tied to the latest records and a playbook section."""
    last = ctx.analysis.last_contact
    latest = [last] if last else ctx.records[-1:]
    cites = [r.citation() for r in latest]
    stage = f"lifecycle#{ctx.account.stage.value}"
    return [
        Question(question="What is coming up for you in the next three months that we should plan for now?",
                 why=(f"The records run to {latest[0].date}, the latest {kind_label(latest[0])}: "
                      f"{quoted(gist(latest[0]))}; nothing is planned beyond it." if latest
                      else "The records hold nothing yet; nothing is planned."),
                 citations=cites, playbook=playbook.cite(stage)),
        # These two rest on the playbook alone: no record says anything about them, so none is cited.
        Question(question="Are our updates reaching you often enough, and in the format you want?",
                 why="Reporting should follow what the client wants, which is worth checking from time to time.",
                 playbook=playbook.cite(playbook.STATUS_REPORTS)),
        Question(question="Who else on your side should we be hearing from, or keeping informed?",
                 why="Relationships that rest on one person are fragile when that person moves on.",
                 playbook=playbook.cite("communication#client-project-manager")),
    ]


def questions(ctx: DraftContext) -> QuestionSet:
    chosen: list[Question] = []
    missing = 0
    for f in findings(ctx):
        if not f.question or any(q.question == f.question for q in chosen):
            continue
        if f.kind == "missing":
            if missing >= MAX_MISSING_ITEM_QUESTIONS:
                continue
            missing += 1
        chosen.append(Question(question=f.question, why=f.why, citations=f.citations, playbook=f.playbook))
    for fallback in _fallbacks(ctx):
        if len(chosen) >= MIN_QUESTIONS:
            break
        chosen.append(fallback)
    return QuestionSet(account=ctx.account.name, as_of=ctx.as_of, questions=chosen[:MAX_QUESTIONS])


def checklist(ctx: DraftContext) -> Checklist:
    return Checklist(account=ctx.account.name, as_of=ctx.as_of, entries=ctx.checklist)
