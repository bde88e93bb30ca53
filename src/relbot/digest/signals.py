"""Contact and commitment signals for one account: going cold, cadence missed, commitments overdue or due.

Cold and cadence both read the last client contact; cold is the stronger signal (twice the tier's cadence),
and it cites the records where replies were already slowing, since those are what a manager acts on.
"""

from __future__ import annotations

import datetime as dt

from relbot.analysis import playbook
from relbot.analysis.activity import cooling_signs
from relbot.analysis.gist import named_as
from relbot.digest.evidence import MAX_QUOTES, QUOTE_CHARS, SHORT_QUOTE_CHARS, quoted, said, sentence_where, when
from relbot.digest.models import DigestItem, Severity, SignalKind
from relbot.digest.ranking import cadence_weight, overdue_weight, weight
from relbot.digest.review import Review
from relbot.domain import Commitment, CommitmentStatus
from relbot.models import Citation, SourceKind

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
        text=f"Contact cadence missed: last client contact {last.date} ({gap} days ago), "
             f"“{said(last, limit=SHORT_QUOTE_CHARS).rstrip('. ')}”; {rule}.",
        citations=[last.citation(), playbook.cite(playbook.CADENCE)],
        headline=f"past the {days}-day {r.account.tier.value} cadence",
    )]
    if gap >= COLD_FACTOR * days:
        slowing = [s for s in cooling_signs(r.now.records, r.as_of) if s.id != last.id][-(MAX_QUOTES - 1):]
        before = "; replies had slowed before: " + "; ".join(
            quoted(when(s), sentence_where(s, lambda one: bool(cooling_signs([one], r.as_of)), SHORT_QUOTE_CHARS))
            for s in slowing
        ) if slowing else ""
        items.insert(0, DigestItem(
            kind=SignalKind.GOING_COLD, severity=Severity.ATTENTION, weight=weight(SignalKind.GOING_COLD),
            text=f"Going cold: nothing from the client for {gap} days. Last word, {quoted(when(last), said(last))}"
                 f"{before}.",
            citations=[last.citation(), *(s.citation() for s in slowing), playbook.cite(playbook.GOING_COLD)],
            headline="going cold",
        ))
    return items


def _due(c: Commitment) -> str:
    return f"due {c.due}" if c.due else "no date"


_OWN_WORDS = {SourceKind.TRANSCRIPT: 0, SourceKind.EMAIL: 1, SourceKind.SLACK: 2, SourceKind.NOTE: 3,
              SourceKind.CRM: 4}


def _owner(r: Review, c: Commitment, cites: list[Citation]) -> str:
    """ " — Maya Chen", as the cited records name the owner (analysis/gist.named_as)."""
    if not c.owner:
        return ""
    return f" — {named_as(c.owner, [rec for cite in cites if (rec := r.record(cite))])}"


def _shown(r: Review, c: Commitment, label: str, cites: list[Citation], limit: int = QUOTE_CHARS) -> str:
    """ "promised 2026-09-08 “Maya Chen: I'll get you the dashboard by October 15”": each cited record beside the
    sentence of it that names the commitment."""
    found = [(cite, r.record(cite)) for cite in cites]
    shown = [quoted(when(cite), said(record, c.what, limit)) for cite, record in found if record]
    return f"{label} {'; '.join(shown)}" if shown else ""


def _line(*parts: str) -> str:
    return "; ".join(p for p in parts if p) + "."


def commitments(r: Review) -> list[DigestItem]:
    items: list[DigestItem] = []
    horizon = r.week.end + dt.timedelta(days=7)  # this week and next
    for c in r.now.commitments:
        # Where it was promised comes first: that is what the reader checks. One promise is often in several
        # records of a day (the call, the recap e-mail, the CRM row): the line quotes, and cites, the two that
        # give the promiser's own words first.
        promised = sorted(c.citations, key=lambda x: _OWN_WORDS.get(x.kind, len(_OWN_WORDS)) if x.kind else 9)
        promised = promised[:MAX_QUOTES - 1]
        head = f"{c.what}{_owner(r, c, promised)}, {_due(c)}"
        first = [*promised[:1]]
        if c.status == CommitmentStatus.OVERDUE and c.side != "client" and c.due:
            late = (r.as_of - c.due).days
            chased = f", chased {c.chases}× by the client" if c.chases else ""
            latest = c.evidence[-1:]
            items.append(DigestItem(
                kind=SignalKind.OVERDUE, severity=Severity.ATTENTION, weight=overdue_weight(c.chases),
                text=_line(f"Overdue commitment: {head} ({late} days late{chased})",
                           _shown(r, c, "promised", promised, SHORT_QUOTE_CHARS),
                           _shown(r, c, "latest:", latest, SHORT_QUOTE_CHARS)),
                citations=[*promised, *latest], headline=f"Overdue: {head}", headline_citations=first,
            ))
        elif c.status == CommitmentStatus.OVERDUE and c.due:
            latest = c.evidence[-1:]
            items.append(DigestItem(
                kind=SignalKind.CLIENT_OVERDUE, severity=Severity.WATCH, weight=weight(SignalKind.CLIENT_OVERDUE),
                text=_line(f"Waiting on the client: {head}", _shown(r, c, "promised", first),
                           _shown(r, c, "latest:", latest, SHORT_QUOTE_CHARS)),
                citations=[*promised, *latest], headline=f"Waiting on the client: {head}", headline_citations=first,
            ))
        elif c.status == CommitmentStatus.OPEN and c.due and r.week.start <= c.due <= horizon:
            when_due = "this week" if c.due <= r.week.end else "next week"
            whose = "the client's promise" if c.side == "client" else "our promise"
            items.append(DigestItem(
                kind=SignalKind.DUE_SOON, severity=Severity.WATCH,
                weight=weight(SignalKind.DUE_SOON) / (1 if when_due == "this week" else 2),
                text=_line(f"Due {when_due}: {head} ({whose})",
                           _shown(r, c, "promised", promised[:MAX_QUOTES - 1], SHORT_QUOTE_CHARS)),
                citations=list(promised), headline=f"Due {when_due}: {head}", headline_citations=first,
            ))
    return items
