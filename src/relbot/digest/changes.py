"""What moved during the week: health (and which factors moved it), new or growing concerns, stage changes.

Health and concerns compare two analyses of the same records (as of the week's end and seven days
earlier), so a re-run gives the same answer. The stage lives only in the registry, which keeps no history:
it is compared with what an earlier digest recorded (``stages.py``).
"""

from __future__ import annotations

from relbot.analysis import playbook
from relbot.analysis.text import clip, terms
from relbot.digest.evidence import MAX_QUOTES, QUOTE_CHARS, SHORT_QUOTE_CHARS, quoted, said, when
from relbot.digest.models import DigestItem, Severity, SignalKind
from relbot.digest.ranking import concern_weight, health_severity, weight
from relbot.digest.review import Review
from relbot.domain import Claim, ConcernTrend, HealthFactor
from relbot.models import Citation, Stage

HEALTH_STEP = 5  # smaller moves are noise from one more day passing
MAX_FACTORS = 3  # the factors that moved most


def health(r: Review) -> list[DigestItem]:
    """ "Health 80 → 72 (-8 this week). Commitments 20 → 12, 1 kept, …; 2026-10-23 “…”; 2026-10-23 “…”": each
    factor that moved, beside the records its change rests on (those it cites now and did not a week ago, or
    the other way round; else the ones it still cites, such as a last contact growing older)."""
    now, was = r.now.health, r.before.health
    delta = now.score - was.score
    if abs(delta) < HEALTH_STEP:
        return []
    moved = [(b, a) for b, a in zip(was.factors, now.factors, strict=True) if a.points != b.points]
    moved.sort(key=lambda pair: (pair[1].points - pair[0].points) * (1 if delta < 0 else -1))
    moved = moved[:MAX_FACTORS]
    resting = [_rests_on(b, a) for b, a in moved]
    budget = max(MAX_QUOTES, len(moved))
    shown: list[list[Citation]] = [found[:1] for found in resting]  # every factor shows one record first
    spare = budget - sum(len(found) for found in shown)
    for i, found in enumerate(resting):
        extra = found[1:1 + max(0, spare)]
        shown[i] += extra
        spare -= len(extra)
    parts, cites = [], []
    for (b, a), records in zip(moved, shown, strict=True):
        detail = a.detail.rstrip(".")
        if "“" in detail:  # the factor's reason already quotes each record it cites, beside its date
            records, quotes = [c for c in a.citations if c.record_id], []
        else:
            quotes = [quoted(when(c), said(rec, _about(r, c, a.detail), SHORT_QUOTE_CHARS))
                      for c in records if (rec := r.record(c))]
        parts.append("; ".join([f"{a.name} {b.points:g} → {a.points:g}: {detail[:1].lower()}{detail[1:]}", *quotes]))
        cites += records
        cites += [c for c in a.citations if c.section]  # the rule the factor's detail states
    cites = list({c.model_dump_json(): c for c in cites}.values())
    if not any(c.record_id for c in cites):
        return []
    kind = SignalKind.HEALTH_DROP if delta < 0 else SignalKind.HEALTH_RISE
    factors = ", ".join(f"{a.name.lower()} {b.points:g} → {a.points:g}" for b, a in moved)
    return [DigestItem(
        kind=kind, severity=health_severity(delta), weight=max(0.0, float(-delta)),
        text=f"Health {was.score} → {now.score} ({delta:+d} this week). " + ". ".join(parts) + ".", citations=cites,
        headline=factors,
    )]


def _rests_on(before: HealthFactor, after: HealthFactor) -> list[Citation]:
    now = [c for c in after.citations if c.record_id]
    was = [c for c in before.citations if c.record_id]
    new = [c for c in now if c.record_id not in {w.record_id for w in was}]
    gone = [c for c in was if c.record_id not in {n.record_id for n in now}]
    return list({c.record_id: c for c in (new or gone or now)}.values())


def _about(r: Review, cite: Citation, detail: str) -> str:
    """What the analysis found in a record: the promise it holds, the concern it voices, else the factor's detail."""
    for c in [*r.now.ledger, *r.before.ledger]:
        if cite.record_id in {x.record_id for x in [*c.citations, *c.evidence]}:
            return c.what
    for k in [*r.now.concerns, *r.before.concerns]:
        if any(m.citations and m.citations[0].record_id == cite.record_id for m in k.mentions):
            return k.topic
    return detail


def concerns(r: Review) -> list[DigestItem]:
    """ "Growing concern: dashboard (5 mentions): first 2026-10-08 “…”; latest 2026-11-12 “…”; 2026-11-16 “…”":
    the count cites the mentions it shows, each beside its date and the record's own words on the topic."""
    earlier = {c.topic: c.trend for c in r.before.concerns}
    items: list[DigestItem] = []
    for c in r.now.concerns:
        mentions = [m for m in c.mentions if m.citations]
        if c.trend not in (ConcernTrend.NEW, ConcernTrend.GROWING) or not mentions:
            continue
        latest = mentions[-1]
        when_said = latest.citations[0].date
        this_week = when_said is not None and r.since < when_said <= r.as_of
        was = earlier.get(c.topic)
        label = "New concern" if c.trend == ConcernTrend.NEW else "Growing concern"
        change = "" if was in (None, c.trend) else f", {was.value} a week ago"
        shown = mentions if len(mentions) <= MAX_QUOTES else [mentions[0], *mentions[-(MAX_QUOTES - 1):]]
        quotes = [quoted(when(m.citations[0]), _mention(r, m, c.topic)) for m in shown]
        if len(shown) < len(mentions):
            quotes = [f"first {quotes[0]}", f"latest {quotes[1]}", *quotes[2:]]
        count = f"{len(mentions)} mention{'s' * (len(mentions) != 1)}"
        items.append(DigestItem(
            kind=SignalKind.CONCERN, severity=Severity.ATTENTION, weight=concern_weight(c.trend, this_week),
            text=f"{label}: {c.topic} ({count}{change}): " + "; ".join(quotes) + ".",
            citations=list({m.citations[0].record_id: m.citations[0] for m in shown}.values()),
            headline=f"{label}: {c.topic}, latest "
                     + quoted(when(latest.citations[0]), _mention(r, latest, c.topic, SHORT_QUOTE_CHARS)),
            headline_citations=latest.citations[:1],
        ))
    return items


def _mention(r: Review, mention: Claim, topic: str, limit: int = QUOTE_CHARS) -> str:
    """The mention's own sentence when it names the topic, else the sentence of its record that does (an
    escalation e-mail voices several concerns: each is quoted where it speaks of that one)."""
    record = r.record(mention.citations[0])
    wanted = terms(topic)
    own = clip(mention.text, limit)
    if record is None or not wanted or wanted & terms(own):
        return own
    best = said(record, topic, limit)
    return best if wanted & terms(best) else own


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
        headline=f"stage {seen.stage.value} → {current.value}",
    )]
