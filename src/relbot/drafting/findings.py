"""Where an account needs attention, each finding with its evidence: the common source of the feedback
questions (what to ask) and the brief's talking points (what to say)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from relbot.analysis import playbook
from relbot.analysis.activity import cooling_signs
from relbot.analysis.praise import praise
from relbot.analysis.text import clip
from relbot.drafting.context import DraftContext
from relbot.drafting.models import ChecklistStatus, CommitmentStatus, ConcernTrend
from relbot.models import Citation, SourceKind

ACTIVE_DAYS = 60  # a concern or a piece of praise older than this is not "lately"
CHANGE_DAYS = 120  # a new point of contact is still new for this long
SOON_DAYS = 14
# Missing checklist items worth a question, most important first.
ITEM_ORDER = ("reporting_cadence", "objectives", "approvals", "budget", "points_of_contact", "timeline",
              "deliverables", "metrics", "brief")


@dataclass
class Finding:
    kind: str
    priority: float  # lower first
    why: str
    citations: list[Citation]
    playbook: Citation
    question: str | None = None
    point: str | None = None  # a talking point for the brief
    extra: list[Citation] = field(default_factory=list)


def _cold(ctx: DraftContext) -> list[Finding]:
    factor = next(f for f in ctx.analysis.health.factors if f.name == "Contact cadence")
    last = ctx.analysis.last_contact
    if last is None or last.date is None or factor.points > factor.max_points / 2:
        return []
    days = (ctx.as_of - last.date).days
    who = ctx.analysis.points_of_contact.get("client") or "the client"
    cites = [last.citation(), *(r.citation() for r in cooling_signs(ctx.records, ctx.as_of) if r.id != last.id)]
    return [Finding(
        "cold", 0, f"{factor.detail} The account is going quiet.", cites, playbook.cite(playbook.GOING_COLD),
        question=f"It has been a while since we last spoke ({last.date}): has anything changed in your "
                 "priorities, your team or your plans for the rest of the year?",
        point=f"Reach out to {who} now: last contact was {last.date}, {days} days ago.",
    )]


def _commitments(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for c in ctx.analysis.commitments:
        if c.side == "client":
            continue
        if c.status == CommitmentStatus.OVERDUE:
            chased = f"; the client has chased it {c.chases} time(s)" if c.chases else ""
            out.append(Finding(
                "overdue", 1, f"{c.what} was promised for {c.due} and has not been delivered{chased}.",
                [*c.citations[:2], *c.evidence[-2:]], playbook.cite(playbook.PROMISES),
                question=f"On {inline(c.what)}: what do you need from it now, and which date should we plan around?",
                point=f"Own the missed delivery of {inline(c.what)} (due {c.due}); give a date the team has "
                      "checked, and keep it.",
            ))
        elif c.status == CommitmentStatus.OPEN and c.due and (c.due - ctx.as_of).days <= SOON_DAYS:
            out.append(Finding("due_soon", 5, f"{c.what} is due {c.due} ({c.owner or 'owner unknown'}).",
                               c.citations[-2:], playbook.cite(playbook.PROMISES),
                               point=f"Check it is on track: {inline(c.what)} ({c.owner or 'owner unknown'}, "
                                     f"due {c.due})."))
        elif c.status == CommitmentStatus.OPEN and c.due is None:
            owed, said = _owed(c.what)
            out.append(Finding(
                "undated", 4, f"{c.owner or 'We'} {said} and it is still open, with no date.",
                c.citations[-2:], playbook.cite(playbook.PROMISES),
                question=f"We still owe you {owed}: is it still useful, and by when would you like it?",
                point=f"Deliver {owed}, or agree a date for it: it is still outstanding.",
            ))
        elif c.status == CommitmentStatus.KEPT and c.fulfilled_on and (ctx.as_of - c.fulfilled_on).days <= ACTIVE_DAYS:
            out.append(Finding("kept", 8, f"{c.what} was delivered on {c.fulfilled_on}.", c.evidence[:2],
                               playbook.cite(playbook.PROMISES),
                               point=f"Build on {inline(c.what)}, delivered {c.fulfilled_on}: ask how it landed."))
    return out


def _concerns(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for concern in ctx.analysis.concerns:
        last = concern.mentions[-1].citations[0].date
        if concern.trend == ConcernTrend.EASING or (last and (ctx.as_of - last).days > ACTIVE_DAYS):
            continue
        first = concern.mentions[0].citations[0].date
        cites = [c for m in concern.mentions[-3:] for c in m.citations]
        out.append(Finding(
            "concern", 2 if concern.trend == ConcernTrend.GROWING else 3,
            f"Concern about {concern.topic} is {concern.trend.value}: {len(concern.mentions)} mention(s) since "
            f"{first}, latest {last}.", cites, playbook.cite(playbook.SATISFACTION),
            question=f"On {concern.topic}: what would you need to see from us, and by when, to feel it is back on "
                     "track?",
            point=f"Address {concern.topic} head-on: raised {len(concern.mentions)} time(s) since {first}, "
                  f"{concern.trend.value}. Come with a plan and numbers.",
        ))
    return out


def _contact_change(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for change in ctx.analysis.changes:
        if change.side != "client" or not change.effective or (ctx.as_of - change.effective).days > CHANGE_DAYS:
            continue
        since = f"{change.new} took over from {change.old} on {change.effective}" if change.old else (
            f"{change.new} became the point of contact on {change.effective}")
        out.append(Finding(
            "contact_change", 3, f"{since}.", change.citations[-3:], playbook.cite(playbook.CONTACT_CHANGE),
            question=f"Now that {change.new} leads on your side, is there anything about how we work together "
                     "(reports, approvals, meetings) you would like to change?",
            point=f"Re-confirm the working agreement with {change.new} ({since}).",
        ))
    return out


def _checklist(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for entry in ctx.checklist:
        cites = [c for claim in entry.evidence for c in claim.citations]
        if entry.status == ChecklistStatus.CONTRADICTED:
            out.append(Finding("contradiction", 2, entry.question or "", cites, entry.playbook,
                               question=entry.question,
                               point=f"{entry.question} Settle it with the client and confirm it in writing."))
        elif entry.status == ChecklistStatus.MISSING:
            success = entry.item_id == "success_metrics"
            order = ITEM_ORDER.index(entry.item_id) if entry.item_id in ITEM_ORDER else len(ITEM_ORDER)
            # A gap the client has raised, or that the team saw still open, comes before a silent one.
            rank = 3.0 if success or cites else 6 + order / 10
            why = f"Nothing in the records settles “{entry.label}”" + (
                "; the latest mentions show it is still open." if cites else ".")
            out.append(Finding("success" if success else "missing", rank, why, cites, entry.playbook,
                               question=entry.question, point=f"Agree “{entry.label}”: {entry.question}"))
    return out


def _praise(ctx: DraftContext) -> list[Finding]:
    said = praise(ctx.records, ctx.analysis.people, ctx.as_of)
    recent = [s for s in said if s.record.date and (ctx.as_of - s.record.date).days <= ACTIVE_DAYS]
    if recent:
        s = recent[-1]
        who = f"{s.speaker}: " if s.speaker and s.record.kind == SourceKind.TRANSCRIPT else ""
        return [Finding("praise", 7, f"Latest sign of satisfaction, {s.record.date}: {clip(s.text, 140)}",
                        [s.record.citation()], playbook.cite(playbook.SATISFACTION),
                        point=f"Build on the positive ({s.record.date}): {who}{clip(s.text, 140)}")]
    before = said[-1] if said else None
    why = (f"No record since {before.record.date} shows the client saying they are pleased." if before
           else "No record shows the client saying they are pleased with the work.")
    # An absence has no record to show; only the last praise, when there was one, dates it.
    cites = [before.record.citation()] if before else []
    return [Finding("no_praise", 4, why, cites, playbook.cite(playbook.SATISFACTION),
                    question="Looking back at the last couple of months, what has worked well for you, and what "
                             "would you like us to do differently?")]


_ACTION_START = re.compile(
    r"^(?:\w+ing|send|share|forward|file|make|respond|prepare|review|call|get|set|finali[sz]e|add|have|hold|"
    r"confirm|check|adjust|look|tell|contact|verify|schedule|arrange|provide|deliver|circulate|put|sign|do|"
    r"update|take|give|follow|draft|revise|fax|email|e-mail|let|come|go|talk|meet|handle|pull|ask)\b", re.I)


def _owed(what: str) -> tuple[str, str]:
    """(what we owe, what was promised) worded for a sentence, whether the commitment names a thing ("the
    analytics dashboard") or an action ("send you the entire package"): "we owe you the action of …" reads badly."""
    if _ACTION_START.match(what):
        action = inline(what)
        return f"what we said we would do (“{action}”)", f"said they would {action}" if not action.split(" ", 1)[
            0].endswith("ing") else f"said they were {action}"
    return inline(what), f"promised {inline(what)}"


def inline(what: str) -> str:
    """A commitment's wording inside a sentence: "The analytics dashboard" -> "the analytics dashboard"."""
    first = what.split(" ", 1)[0]
    return what if first.isupper() or any(ch.isdigit() for ch in first) or first[1:] != first[1:].lower() \
        else what[:1].lower() + what[1:]


def findings(ctx: DraftContext) -> list[Finding]:
    found = [*_cold(ctx), *_commitments(ctx), *_concerns(ctx), *_contact_change(ctx), *_checklist(ctx),
             *_praise(ctx)]
    return sorted(found, key=lambda f: (f.priority, f.kind))

