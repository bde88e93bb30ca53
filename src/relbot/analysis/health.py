"""Relationship health, 0-100, as the sum of explainable factors the playbook names; each factor carries its
points, the reason in words and the records and playbook section behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relbot.analysis import playbook
from relbot.analysis.activity import last_contact, report_chases, report_deliveries
from relbot.analysis.gist import dated, kind_label, quoted, said
from relbot.domain import Commitment, CommitmentStatus, Concern, ConcernTrend, HealthFactor, HealthScore
from relbot.knowledge import Cadence
from relbot.models import Account, Citation, Record, SourceKind

# Points per factor (they sum to 100). Keeping in touch weighs most: a silent account cools before it ends
# (playbook: staying in touch); promises and the client's own concerns come next.
WEIGHTS = {
    "Contact cadence": 30.0,
    "Points of contact": 10.0,
    "Status reports": 20.0,
    "Commitments": 20.0,
    "Concern signals": 20.0,
}
OVERDUE_COST = 8.0  # per overdue agency commitment
CHASED_COST = 4.0  # more when the client had to chase it
UNDATED_OPEN_COST = 4.0  # an undated promise still open after UNDATED_GRACE_DAYS
UNDATED_GRACE_DAYS = 30
CONCERN_COST = {ConcernTrend.GROWING: 10.0, ConcernTrend.NEW: 6.0, ConcernTrend.STEADY: 4.0, ConcernTrend.EASING: 0.0}
REPORT_CHASE_COST = 5.0
RECENT_DAYS = 90
FACTOR_QUOTE = 70  # a factor's reason quotes each record it cites, briefly: it sits in a table cell


@dataclass(frozen=True)
class HealthInputs:
    records: list[Record]
    account: Account
    as_of: dt.date
    cadence: Cadence
    commitments: list[Commitment]
    concerns: list[Concern]
    points_of_contact: dict[str, str | None]  # side -> name
    contact_evidence: list[Citation]  # where the points of contact are stated or changed


def _on_cadence(gap: int, days: int) -> float:
    """1.0 within the cadence, falling to 0 at twice the cadence."""
    return max(0.0, min(1.0, (2 * days - gap) / days))


def contact_cadence(x: HealthInputs) -> HealthFactor:
    name, days = "Contact cadence", x.cadence.contact_days[x.account.tier]
    last = last_contact(x.records, x.as_of)
    rule = f"{x.account.tier.value} accounts need contact at least every {days} days"
    if last is None or last.date is None:
        return HealthFactor(name=name, points=0, max_points=WEIGHTS[name], detail=f"No contact on record; {rule}.",
                            citations=[playbook.cite(playbook.CADENCE)])
    gap = (x.as_of - last.date).days
    points = round(WEIGHTS[name] * _on_cadence(gap, days), 1)
    by = f" from {last.author}" if last.author and last.kind in (SourceKind.EMAIL, SourceKind.SLACK) else ""
    return HealthFactor(name=name, points=points, max_points=WEIGHTS[name],
                        detail=f"Last contact {_days_ago(gap)}; {last.date} {kind_label(last)}{by}: "
                               f"{said(last, limit=FACTOR_QUOTE)}; {rule}.",
                        citations=[last.citation(), playbook.cite(playbook.CADENCE)])


def points_of_contact(x: HealthInputs) -> HealthFactor:
    name = "Points of contact"
    named = {side: who for side, who in x.points_of_contact.items() if who}
    points = WEIGHTS[name] * len(named) / 2
    parts = [f"{side}: {who}" for side, who in sorted(named.items())] or ["none named"]
    missing = [side for side in ("client", "agency") if side not in named]
    detail = "; ".join(parts) + (f"; no {' or '.join(missing)} point of contact recorded" if missing else "")
    detail = detail[:1].upper() + detail[1:]
    return HealthFactor(name=name, points=points, max_points=WEIGHTS[name], detail=detail + ".",
                        citations=[*x.contact_evidence[:3], playbook.cite(playbook.POINT_OF_CONTACT)])


def status_reports(x: HealthInputs) -> HealthFactor:
    name, days = "Status reports", x.cadence.status_report_days[x.account.tier]
    sent = report_deliveries(x.records, x.as_of)
    chased = report_chases(x.records, x.as_of, since=x.as_of - dt.timedelta(days=RECENT_DAYS))
    guide = [playbook.cite(playbook.STATUS_REPORTS), playbook.cite(playbook.CADENCE)]
    if not sent:
        return HealthFactor(name=name, points=0, max_points=WEIGHTS[name],
                            detail=f"No status report found in the records; the tier asks for one every {days} days.",
                            citations=guide)
    last, record = sent[-1]
    gap = (x.as_of - last).days
    chase_days = sorted({r.date for r in chased if r.date})
    points = max(0.0, WEIGHTS[name] * _on_cadence(gap, days) - REPORT_CHASE_COST * len(chase_days))
    # Each record cited stands beside its own date and words: the report sent, then the chases shown.
    detail = (f"Last report sent {_days_ago(gap)}; {last} {said(record, 'report sent', FACTOR_QUOTE)}; "
              f"the tier asks for one every {days} days")
    by_day: dict[dt.date | None, Record] = {}
    for r in sorted(chased, key=lambda r: r.kind == SourceKind.CRM):  # a day's own words before its CRM row
        by_day.setdefault(r.date, r)
    shown = sorted(by_day.values(), key=lambda r: r.date or dt.date.min)[-2:]
    if shown:
        detail += "; the client had to chase a report: " + "; ".join(
            dated(r, "report", FACTOR_QUOTE) for r in shown)
        others = [d for d in chase_days if d not in {r.date for r in shown}]
        if others:
            detail += "; and on " + ", ".join(str(d) for d in others)
    return HealthFactor(name=name, points=round(points, 1), max_points=WEIGHTS[name], detail=detail + ".",
                        citations=[record.citation(), *(r.citation() for r in shown), *guide])


def commitments(x: HealthInputs) -> HealthFactor:
    name = "Commitments"
    ours = [c for c in x.commitments if c.side != "client"]
    overdue = [c for c in ours if c.status == CommitmentStatus.OVERDUE]
    stale = [c for c in ours if c.status == CommitmentStatus.OPEN and c.due is None and c.citations[0].date
             and (x.as_of - c.citations[0].date).days > UNDATED_GRACE_DAYS]
    kept = [c for c in ours if c.status == CommitmentStatus.KEPT]
    cost = sum(OVERDUE_COST + (CHASED_COST if c.chases else 0) for c in overdue) + UNDATED_OPEN_COST * len(stale)
    detail = f"{len(kept)} kept, {len(overdue)} overdue, {len(stale)} undated and still open"
    records = {r.id: r for r in x.records}
    cites: list[Citation] = []
    for label, shown in (("overdue", overdue), ("undated", stale)):
        if not shown:
            continue
        parts = []
        for c in shown:
            # Where it was promised and, when overdue, the latest chase, each beside its date and words.
            backing = [c.citations[0], *(c.evidence[-1:] if c.status == CommitmentStatus.OVERDUE else [])]
            found = [records[b.record_id] for b in backing if b.record_id in records]
            due = f", due {c.due}" if c.due else ""
            parts.append(f"{c.what}{due}: " + "; ".join(dated(r, c.what, FACTOR_QUOTE) for r in found))
            cites += [records[r.id].citation() for r in found]
        detail += f". {label.capitalize()}: " + "; ".join(parts)
    return HealthFactor(name=name, points=max(0.0, WEIGHTS[name] - cost), max_points=WEIGHTS[name],
                        detail=detail + ".", citations=[*cites, playbook.cite(playbook.PROMISES)])


def concern_signals(x: HealthInputs) -> HealthFactor:
    name = "Concern signals"
    active = [c for c in x.concerns if CONCERN_COST[c.trend]]
    cost = sum(CONCERN_COST[c.trend] for c in active)
    # Topics whose latest mention is the same record share one quote of it, so it is not repeated.
    by_latest: dict[str, list[Concern]] = {}
    for c in active:
        by_latest.setdefault(c.mentions[-1].citations[0].record_id or "", []).append(c)
    parts, cites = [], []
    for group in by_latest.values():
        latest = group[0].mentions[-1]
        topics = ", ".join(f"{c.topic} ({c.trend.value}, {_times(len(c.mentions), 'mention')})" for c in group)
        parts.append(f"{topics}: latest {latest.citations[0].date} {quoted(latest.text, FACTOR_QUOTE)}")
        cites.append(latest.citations[0])
    return HealthFactor(name=name, points=max(0.0, WEIGHTS[name] - cost), max_points=WEIGHTS[name],
                        detail=("; ".join(parts) or "No active concern in the records") + ".",
                        citations=[*cites, playbook.cite(playbook.SATISFACTION)])


def _days_ago(n: int) -> str:
    return "today" if n == 0 else f"{n} day{'' if n == 1 else 's'} ago"


def _times(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


FACTORS = (contact_cadence, points_of_contact, status_reports, commitments, concern_signals)


def health(inputs: HealthInputs) -> HealthScore:
    factors = [factor(inputs) for factor in FACTORS]
    return HealthScore(score=round(sum(f.points for f in factors)), factors=factors)
