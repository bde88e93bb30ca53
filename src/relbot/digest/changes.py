"""What moved during the week: health (and which factors moved it), new or growing concerns, stage changes.

Health and concerns compare two analyses of the same records (as of the week's end and seven days
earlier), so a re-run gives the same answer. The stage lives only in the registry, which keeps no history:
it is compared with what an earlier digest recorded (``stages.py``).
"""

from __future__ import annotations

from relbot.analysis import playbook
from relbot.digest.models import DigestItem, Severity, SignalKind
from relbot.digest.ranking import concern_weight, health_severity, weight
from relbot.digest.review import Review
from relbot.drafting.models import ConcernTrend
from relbot.models import Citation, Stage

HEALTH_STEP = 5  # smaller moves are noise from one more day passing
MENTION_CHARS = 160


def health(r: Review) -> list[DigestItem]:
    now, was = r.now.health, r.before.health
    delta = now.score - was.score
    if abs(delta) < HEALTH_STEP:
        return []
    moved = [(b, a) for b, a in zip(was.factors, now.factors, strict=True) if a.points != b.points]
    moved.sort(key=lambda pair: (pair[1].points - pair[0].points) * (1 if delta < 0 else -1))
    reasons = "; ".join(f"{a.name} {b.points:g} → {a.points:g} ({a.detail.rstrip('.')})" for b, a in moved[:3])
    cites: list[Citation] = list({c.model_dump_json(): c for _, a in moved[:3] for c in a.citations}.values())
    if not cites:
        return []
    kind = SignalKind.HEALTH_DROP if delta < 0 else SignalKind.HEALTH_RISE
    return [DigestItem(
        kind=kind, severity=health_severity(delta), weight=max(0.0, float(-delta)),
        text=f"Health {was.score} → {now.score} ({delta:+d} this week): {reasons}.", citations=cites,
    )]


def concerns(r: Review) -> list[DigestItem]:
    earlier = {c.topic: c.trend for c in r.before.concerns}
    items: list[DigestItem] = []
    for c in r.now.concerns:
        if c.trend not in (ConcernTrend.NEW, ConcernTrend.GROWING) or not c.mentions:
            continue
        latest = c.mentions[-1]
        when = latest.citations[0].date if latest.citations else None
        this_week = when is not None and r.since < when <= r.as_of
        was = earlier.get(c.topic)
        label = "New concern" if c.trend == ConcernTrend.NEW else "Growing concern"
        since = f"{c.mentions[0].citations[0].date}" if c.mentions[0].citations else "undated"
        change = "" if was in (None, c.trend) else f"; it was {was.value} a week ago"
        quote = latest.text if len(latest.text) <= MENTION_CHARS else latest.text[: MENTION_CHARS - 1] + "…"
        cites = list({m.citations[0].record_id: m.citations[0] for m in c.mentions if m.citations}.values())
        items.append(DigestItem(
            kind=SignalKind.CONCERN, severity=Severity.ATTENTION, weight=concern_weight(c.trend, this_week),
            text=f"{label}: {c.topic} ({len(c.mentions)} mention(s) since {since}{change}). "
                 f"Latest, {when or 'undated'}: “{quote}”",
            citations=cites,
        ))
    return items


def stage(r: Review) -> list[DigestItem]:
    seen, current = r.previous_stage, r.account.stage
    if seen is None or seen.stage == current:
        return []
    to_end = current == Stage.DISSOLUTION
    return [DigestItem(
        kind=SignalKind.STAGE_CHANGE, severity=Severity.ATTENTION,
        weight=weight(SignalKind.STAGE_CHANGE) * (2 if to_end else 1),
        text=f"Stage changed: {seen.stage.value} → {current.value} (account registry; the {seen.week} digest saw "
             f"{seen.stage.value}).",
        citations=[playbook.cite(f"lifecycle#{current.value}")],
    )]
