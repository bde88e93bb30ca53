"""Where an account needs attention, each finding with its evidence: the common source of the feedback
questions (what to ask) and the brief's talking points (what to say)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from relbot.analysis import playbook
from relbot.analysis.activity import cooling_signs, cooling_words
from relbot.analysis.gist import QUOTE, dated, gist, kind_label, named_as, quoted
from relbot.analysis.praise import praise
from relbot.analysis.text import clip
from relbot.domain import ChecklistEntry, ChecklistStatus, Claim, Commitment, CommitmentStatus, ConcernTrend
from relbot.drafting.context import DraftContext
from relbot.models import Citation, SourceKind

ACTIVE_DAYS = 60  # a concern or a piece of praise older than this is not "lately"
CHANGE_DAYS = 120  # a new point of contact is still new for this long
SOON_DAYS = 14
SHOWN = 3  # mentions quoted beside a count; the rest are counted, not cited
POINT_QUOTE = 50  # talking points are things to say: their quotes only remind; the reasons quote at length
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
    point_citations: list[Citation] | None = None  # what the talking point cites, when not the same as `why`


# Every clause of a finding carries the record it rests on, as "date “its words”": a count quotes the mentions
# it counts, a recommendation is worded as the playbook's (which the finding cites), and a citation that would
# only show relevance is left out.


def _dated(ctx: DraftContext, cites: list[Citation], about: str, limit: int = QUOTE) -> tuple[str, list[Citation]]:
    """("2026-11-03 “…”; 2026-11-16 “…”", the citations quoted): each cited record beside its date and words."""
    records = [r for c in cites if (r := ctx.record(c.record_id or "")) is not None]
    return "; ".join(dated(r, about, limit) for r in records), [r.citation() for r in records]


def _owner(ctx: DraftContext, c: Commitment) -> str | None:
    """The owner as the records that promised it name them."""
    return named_as(c.owner, [r for x in c.citations if (r := ctx.record(x.record_id or ""))]) if c.owner else None


def _mentions(mentions: list[Claim]) -> tuple[str, list[Citation]]:
    """The first mention and the latest ones, each beside its date and words, and how many more there were."""
    shown = mentions if len(mentions) <= SHOWN else [mentions[0], *mentions[-(SHOWN - 1):]]
    text = "; ".join(f"{m.citations[0].date} {quoted(m.text)}" for m in shown)
    more = len(mentions) - len(shown)
    return text + (f"; and {more} more in between" if more else ""), [m.citations[0] for m in shown]


def _times(n: int, word: str = "time") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _cold(ctx: DraftContext) -> list[Finding]:
    factor = next(f for f in ctx.analysis.health.factors if f.name == "Contact cadence")
    last = ctx.analysis.last_contact
    if last is None or last.date is None or factor.points > factor.max_points / 2:
        return []
    days = (ctx.as_of - last.date).days
    who = ctx.analysis.points_of_contact.get("client") or "the client"
    quiet = [r for r in cooling_signs(ctx.records, ctx.as_of) if r.id != last.id]
    why = f"{factor.detail} Signs of the account going quiet"
    if quiet:
        why += ": " + "; ".join(f"{r.date} {quoted(cooling_words(r))}" for r in quiet)
    return [Finding(
        # The factor's detail states the tier's cadence: the cadence section backs that clause.
        "cold", 0, why + ".", [last.citation(), *(r.citation() for r in quiet), playbook.cite(playbook.CADENCE)],
        playbook.cite(playbook.GOING_COLD),
        question=f"It has been a while since we last spoke ({last.date}): has anything changed in your "
                 "priorities, your team or your plans for the rest of the year?",
        point=f"Contact {who} directly to ask how things are going: last contact was {last.date}, {days} days "
              f"ago, {kind_label(last)}: {quoted(gist(last), POINT_QUOTE)}.",
        point_citations=[last.citation(), playbook.cite(playbook.GOING_COLD)],
    )]


def _commitments(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    promises = playbook.cite(playbook.PROMISES)
    for c in ctx.analysis.commitments:
        if c.side == "client":
            continue
        promised, promised_at = _dated(ctx, c.citations[:1], c.what)
        said_short, _ = _dated(ctx, c.citations[:1], c.what, POINT_QUOTE)
        if c.status == CommitmentStatus.OVERDUE:
            chased, chased_at = _dated(ctx, c.evidence[-2:], c.what)
            why = f"{c.what} was promised for {c.due}, on {promised}; it has not been delivered"
            if c.chases and chased:
                why += f"; the client has chased it {_times(c.chases)}, latest {chased}"
            latest, latest_at = _dated(ctx, c.evidence[-1:], c.what, POINT_QUOTE)
            out.append(Finding(
                "overdue", 1, why + ".", [*promised_at, *(chased_at if c.chases else [])], promises,
                question=f"On {inline(c.what)}: what do you need from it now, and which date should we plan around?",
                point=f"Own the missed delivery of {inline(c.what)}, due {c.due}: promised {said_short}"
                      + (f"; chased {latest}" if c.chases and latest else "")
                      + ". Offer a new date you are confident about, checked with the people who will do the work.",
                point_citations=[*promised_at, *(latest_at if c.chases else []), promises],
            ))
        elif c.status == CommitmentStatus.OPEN and c.due and (c.due - ctx.as_of).days <= SOON_DAYS:
            owner = _owner(ctx, c) or "owner unknown"
            out.append(Finding("due_soon", 5, f"{c.what} is due {c.due} ({owner}): promised {promised}.",
                               promised_at, promises,
                               point=f"Check it is on track: {inline(c.what)} ({owner}, due {c.due}), promised "
                                     f"{promised}."))
        elif c.status == CommitmentStatus.OPEN and c.due is None:
            owed, told = _owed(c.what)
            out.append(Finding(
                "undated", 4, f"{_owner(ctx, c) or 'We'} {told} on {promised}; it is still open, with no date.",
                promised_at, promises,
                question=f"We still owe you {owed}: is it still useful, and by when would you like it?",
                point=f"Deliver {owed}, or agree a date for it: promised {promised}, and still outstanding.",
            ))
        elif c.status == CommitmentStatus.KEPT and c.fulfilled_on and (ctx.as_of - c.fulfilled_on).days <= ACTIVE_DAYS:
            kept, kept_at = _dated(ctx, c.evidence[:1], c.what)
            out.append(Finding("kept", 8, f"{c.what} was delivered on {kept}.", kept_at, promises,
                               point=f"Build on {inline(c.what)}, delivered on {kept}. Share the success with the "
                                     "client: ask how it landed."))
    return out


def _concerns(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for concern in ctx.analysis.concerns:
        last = concern.mentions[-1].citations[0].date
        if concern.trend == ConcernTrend.EASING or (last and (ctx.as_of - last).days > ACTIVE_DAYS):
            continue
        first = concern.mentions[0].citations[0].date
        n = len(concern.mentions)
        shown, cites = _mentions(concern.mentions)
        latest = concern.mentions[-1]
        out.append(Finding(
            "concern", 2 if concern.trend == ConcernTrend.GROWING else 3,
            f"Concern about {concern.topic} is {concern.trend.value}, {_times(n, 'mention')} since {first}. {shown}.",
            cites, playbook.cite(playbook.SATISFACTION),
            question=f"On {concern.topic}: what would you need to see from us, and by when, to feel it is back on "
                     "track?",
            # The brief's risks list every mention already: the talking point quotes the latest and cites it.
            point=f"Act on what the client said about {concern.topic} ({_times(n, 'mention')}, "
                  f"{concern.trend.value}): " + (
                      f"first {first} {quoted(concern.mentions[0].text, POINT_QUOTE)}; latest "
                      f"{latest.citations[0].date} " if n > 1 else f"{first} ")
                  + f"{quoted(latest.text, POINT_QUOTE)}. Tell the client what you changed as a "
                  "result.",
            point_citations=[concern.mentions[0].citations[0],
                             *([latest.citations[0]] if n > 1 else []), playbook.cite(playbook.SATISFACTION)],
        ))
    return out


def _contact_change(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for change in ctx.analysis.changes:
        if change.side != "client" or not change.effective or (ctx.as_of - change.effective).days > CHANGE_DAYS:
            continue
        since = f"{change.new} took over from {change.old} on {change.effective}" if change.old else (
            f"{change.new} became the point of contact on {change.effective}")
        shown, cites = _dated(ctx, change.citations[-2:], f"{change.new} {change.old or ''}")
        out.append(Finding(
            "contact_change", 3, f"{since}: {shown}.", cites, playbook.cite(playbook.CONTACT_CHANGE),
            question=f"Now that {change.new} leads on your side, is there anything about how we work together "
                     "(reports, approvals, meetings) you would like to change?",
            point=f"Re-confirm the working agreement with {change.new}, the new contact: {since}, {shown}.",
        ))
    return out


def _evidence(entry: ChecklistEntry) -> tuple[str, list[Citation]]:
    """A checklist entry's quotes, each beside its date and the kind of record it is in."""
    shown = [claim for claim in entry.evidence if claim.citations]
    text = "; ".join(f"{c.citations[0].date} {quoted(c.text)}" for c in shown)
    return text, [c.citations[0] for c in shown]


def _checklist(ctx: DraftContext) -> list[Finding]:
    out: list[Finding] = []
    for entry in ctx.checklist:
        shown, cites = _evidence(entry)
        if entry.status == ChecklistStatus.CONTRADICTED:
            out.append(Finding("contradiction", 2, f"The records disagree on the {entry.label.lower()}. {shown}.",
                               cites, entry.playbook, question=entry.question,
                               point=f"Settle the {entry.label.lower()} with the client and confirm it in writing: "
                                     f"the records disagree. {shown}."))
        elif entry.status == ChecklistStatus.MISSING:
            success = entry.item_id == "success_metrics"
            order = ITEM_ORDER.index(entry.item_id) if entry.item_id in ITEM_ORDER else len(ITEM_ORDER)
            # A gap the client has raised, or that the team saw still open, comes before a silent one.
            rank = 3.0 if success or cites else 6 + order / 10
            why = f"Nothing in the records settles “{entry.label}”" + (
                f", and the latest mentions show it still open. {shown}." if cites else ".")
            point = (f"Agree “{entry.label}”, still open in the latest mentions. {shown}. Ask: {entry.question}"
                     if cites else f"Agree “{entry.label}”: {entry.question}")
            out.append(Finding("success" if success else "missing", rank, why, cites, entry.playbook,
                               question=entry.question, point=point))
    return out


def _praise(ctx: DraftContext) -> list[Finding]:
    said_ = praise(ctx.records, ctx.analysis.people, ctx.as_of)
    recent = [s for s in said_ if s.record.date and (ctx.as_of - s.record.date).days <= ACTIVE_DAYS]
    if recent:
        s = recent[-1]
        who = f"{s.speaker}: " if s.speaker and s.record.kind == SourceKind.TRANSCRIPT else ""
        return [Finding("praise", 7, f"Latest sign of satisfaction, {s.record.date}: {clip(s.text, 140)}",
                        [s.record.citation()], playbook.cite(playbook.SATISFACTION),
                        point=f"Build on the positive ({s.record.date}): {who}{clip(s.text, 140)}")]
    before = said_[-1] if said_ else None
    why = (f"No record since {before.record.date} shows the client saying they are pleased; the last that does, "
           f"{before.record.date} {quoted(before.text)}." if before
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

