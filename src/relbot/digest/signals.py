"""Contact and commitment signals for one account: going cold, cadence missed, commitments overdue or due.

Cold and cadence both read the last client contact; cold is the stronger signal (twice the tier's cadence),
and it cites the records where replies were already slowing, since those are what a manager acts on.
"""

from __future__ import annotations

import datetime as dt

from relbot.analysis import playbook
from relbot.analysis.activity import cooling_signs
from relbot.analysis.gist import gist
from relbot.digest.models import DigestItem, Severity, SignalKind
from relbot.digest.ranking import cadence_weight, overdue_weight, weight
from relbot.digest.review import Review
from relbot.drafting.models import Commitment, CommitmentStatus

COLD_FACTOR = 2  # no contact for twice the tier's cadence: the relationship is cooling, not just late


def contact(r: Review) -> list[DigestItem]:
    days = r.cadence.contact_days[r.account.tier]
    rule = f"{r.account.tier.value} accounts need contact at least every {days} days"
    last = r.now.last_contact
    if last is None or last.date is None:
        return [DigestItem(kind=SignalKind.CADENCE_MISSED, severity=Severity.ATTENTION,
                           text=f"No client contact on record; {rule}.", weight=cadence_weight(days, days),
                           citations=[playbook.cite(playbook.CADENCE)])]
    gap = (r.as_of - last.date).days
    if gap <= days:
        return []
    items = [DigestItem(
        kind=SignalKind.CADENCE_MISSED, severity=Severity.ATTENTION, weight=cadence_weight(gap, days),
        text=f"Contact cadence missed: last client contact {last.date} ({gap} days ago); {rule}.",
        citations=[last.citation(), playbook.cite(playbook.CADENCE)],
    )]
    if gap >= COLD_FACTOR * days:
        slowing = [s for s in cooling_signs(r.now.records, r.as_of) if s.id != last.id]
        before = ", after replies had slowed" if slowing else ""
        items.insert(0, DigestItem(
            kind=SignalKind.GOING_COLD, severity=Severity.ATTENTION, weight=weight(SignalKind.GOING_COLD),
            text=f"Going cold: nothing from the client for {gap} days{before}. Last word, {last.date}: "
                 f"“{gist(last, 160)}”",
            citations=[last.citation(), *(s.citation() for s in slowing), playbook.cite(playbook.GOING_COLD)],
        ))
    return items


def _due(c: Commitment) -> str:
    return f"due {c.due}" if c.due else "no date"


def _owner(c: Commitment) -> str:
    return f" — {c.owner}" if c.owner else ""


def commitments(r: Review) -> list[DigestItem]:
    items: list[DigestItem] = []
    horizon = r.week.end + dt.timedelta(days=7)  # this week and next
    for c in r.now.commitments:
        promised = c.citations  # where it was promised comes first: that is what the reader checks
        if c.status == CommitmentStatus.OVERDUE and c.side != "client" and c.due:
            late = (r.as_of - c.due).days
            chased = f"; the client has chased it {c.chases}×" if c.chases else ""
            items.append(DigestItem(
                kind=SignalKind.OVERDUE, severity=Severity.ATTENTION, weight=overdue_weight(c.chases),
                text=f"Overdue commitment: {c.what}{_owner(c)}, {_due(c)} ({late} days late{chased}).",
                citations=[*promised, *c.evidence[-2:]],
            ))
        elif c.status == CommitmentStatus.OVERDUE and c.due:
            items.append(DigestItem(
                kind=SignalKind.CLIENT_OVERDUE, severity=Severity.WATCH, weight=weight(SignalKind.CLIENT_OVERDUE),
                text=f"Waiting on the client: {c.what}{_owner(c)}, {_due(c)}.", citations=[*promised, *c.evidence[-1:]],
            ))
        elif c.status == CommitmentStatus.OPEN and c.due and r.week.start <= c.due <= horizon:
            when = "this week" if c.due <= r.week.end else "next week"
            whose = "the client's promise" if c.side == "client" else "our promise"
            items.append(DigestItem(
                kind=SignalKind.DUE_SOON, severity=Severity.WATCH,
                weight=weight(SignalKind.DUE_SOON) / (1 if when == "this week" else 2),
                text=f"Due {when}: {c.what}{_owner(c)}, {_due(c)} ({whose}).", citations=list(promised),
            ))
    return items
