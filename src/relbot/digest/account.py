"""One account's part of a digest: its signals, ranked, and the one line it gets when nothing is wrong."""

from __future__ import annotations

from relbot.digest import changes, signals
from relbot.digest.models import AccountDigest, DigestItem
from relbot.digest.ranking import is_exception, ordered, score
from relbot.digest.review import Review
from relbot.models import Citation


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
    """"health 100 · last contact 2026-11-19 (4 days ago) · Due this week: …", cited by the last contact and
    the first citation of each item it mentions."""
    delta = r.now.health.score - r.before.health.score
    parts = [f"health {r.now.health.score}" + (f" ({delta:+d} this week)" if delta else "")]
    cites: list[Citation] = []
    last = r.now.last_contact
    if last and last.date:
        parts.append(f"last contact {last.date} ({days} days ago)")
        cites.append(last.citation())
    else:
        parts.append("no client contact on record")
    for item in items:
        parts.append(item.text.rstrip("."))
        cites.append(item.citations[0])
    return " · ".join(parts), cites
