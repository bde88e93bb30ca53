"""One account's part of a digest: its signals, ranked, and the one line it gets when nothing is wrong."""

from __future__ import annotations

from relbot.digest import changes, signals
from relbot.digest.evidence import title_or_gist
from relbot.digest.models import AccountDigest, DigestItem, SignalKind
from relbot.digest.ranking import is_exception, ordered, score
from relbot.digest.review import Review
from relbot.models import Citation

_HEALTH = (SignalKind.HEALTH_DROP, SignalKind.HEALTH_RISE)


def account_digest(r: Review) -> AccountDigest:
    items = ordered([
        *signals.contact(r), *signals.commitments(r), *changes.health(r), *changes.concerns(r), *changes.stage(r),
    ])
    now = r.now.health.score
    last = r.now.last_contact
    days = (r.as_of - last.date).days if last and last.date else None
    summary, cites = _summary(r, items, days)
    return AccountDigest(
        account=r.account.name, tier=r.account.tier, stage=r.account.stage, health=now,
        health_week_before=r.before.health.score, last_contact=last.date if last else None,
        days_since_contact=days, score=score(items, now), exception=is_exception(items), items=items,
        summary=summary, summary_citations=cites,
    )


def _summary(r: Review, items: list[DigestItem], days: int | None) -> tuple[str, list[Citation]]:
    """"health 100 · last contact 4 days ago; 2026-11-19 Sam Ortega: “Holiday Table — readiness” · Due this
    week: …": each item in its short form, cited by the records that form rests on (the last contact by its
    own record, beside its author and subject)."""
    delta = r.now.health.score - r.before.health.score
    moved = next((i.headline for i in items if i.kind in _HEALTH and i.headline), "")
    change = ": ".join(filter(None, [f"{delta:+d} this week" if delta else "", moved]))
    parts = [f"health {r.now.health.score}" + (f" ({change})" if change else "")]
    cites: list[Citation] = []
    last = r.now.last_contact
    if last and last.date:
        who = f"{last.author}: " if last.author else ""
        # Two clauses: the gap is relbot's count, the date, author and subject are what the record says.
        parts.append(f"last contact {days} days ago; {last.date} {who}“{title_or_gist(last).rstrip('. ')}”")
        cites.append(last.citation())
    else:
        parts.append("no client contact on record")
    for item in items:
        if item.kind in _HEALTH or not item.headline:
            continue
        parts.append(item.headline)
        cites += [c for c in item.headline_citations if c not in cites]
    return " · ".join(parts), cites
