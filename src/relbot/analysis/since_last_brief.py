"""What changed since the last brief for an account: the state DB keeps a small snapshot of each brief
(record ids, health, commitments, concerns, contacts) and the next brief compares against it."""

from __future__ import annotations

from typing import Any

from relbot.analysis.gist import gist, kind_label
from relbot.analysis.overview import Analysis
from relbot.domain import Claim, Commitment
from relbot.models import Citation

MAX_NEW_RECORDS = 6  # listed one by one; more are summarised in one line


def _key(commitment: Commitment) -> str:
    return f"{commitment.what}|{commitment.due}"


def snapshot(analysis: Analysis) -> dict[str, Any]:
    return {
        "as_of": analysis.as_of.isoformat(),
        "record_ids": [r.id for r in analysis.records],
        "health": analysis.health.score,
        "commitments": {_key(c): c.status.value for c in analysis.ledger},
        "concerns": {c.topic: c.trend.value for c in analysis.concerns},
        "points_of_contact": analysis.points_of_contact,
    }


def _new_records(previous: dict[str, Any], analysis: Analysis) -> list[Claim]:
    seen = set(previous.get("record_ids", []))
    new = [r for r in analysis.records if r.id not in seen]
    claims = [
        Claim(text=f"New {kind_label(r)} ({r.date or 'undated'}): {gist(r, 140)}", citations=[r.citation()])
        for r in reversed(new[-MAX_NEW_RECORDS:])
    ]
    if len(new) > MAX_NEW_RECORDS:
        rest = new[:-MAX_NEW_RECORDS]
        claims.append(Claim(text=f"…and {len(rest)} older new record(s).", citations=[r.citation() for r in rest]))
    return claims


def _commitments(previous: dict[str, Any], analysis: Analysis) -> list[Claim]:
    before: dict[str, str] = previous.get("commitments", {})
    claims: list[Claim] = []
    for c in analysis.ledger:
        was = before.get(_key(c))
        if was == c.status.value:
            continue
        due = f", due {c.due}" if c.due else ""
        text = (f"New commitment: {c.what} ({c.owner or 'owner unknown'}{due})" if was is None
                else f"Commitment now {c.status.value} (was {was}): {c.what}")
        claims.append(Claim(text=text, citations=(c.evidence or c.citations)[-2:]))
    return claims


def _concerns(previous: dict[str, Any], analysis: Analysis) -> list[Claim]:
    before: dict[str, str] = previous.get("concerns", {})
    claims: list[Claim] = []
    for c in analysis.concerns:
        was = before.get(c.topic)
        if was == c.trend.value:
            continue
        text = f"New concern: {c.topic} ({c.trend.value})" if was is None else (
            f"Concern about {c.topic} is now {c.trend.value} (was {was})")
        claims.append(Claim(text=text, citations=c.mentions[-1].citations))
    return claims


def _contacts(previous: dict[str, Any], analysis: Analysis) -> list[Claim]:
    before: dict[str, str | None] = previous.get("points_of_contact", {})
    claims: list[Claim] = []
    for side, name in analysis.points_of_contact.items():
        if side in before and before[side] != name:
            cites = [c for change in analysis.changes if change.new == name for c in change.citations]
            claims.append(Claim(text=f"The {side} point of contact is now {name} (was {before[side]}).",
                                citations=cites[-2:]))
    return claims


def _health(previous: dict[str, Any], analysis: Analysis) -> list[Claim]:
    was = previous.get("health")
    now = analysis.health.score
    if was is None or was == now:
        return []
    moved = [f for f in analysis.health.factors if f.points < f.max_points]
    cites: list[Citation] = [c for f in moved for c in f.citations if c.record_id][:3]
    return [Claim(text=f"Health score {now} (was {was}, {now - was:+d}).", citations=cites)]


def changes_since(previous: dict[str, Any] | None, analysis: Analysis) -> list[Claim]:
    """Empty on the first brief for an account (there is nothing to compare with)."""
    if previous is None:
        return []
    claims = [
        *_health(previous, analysis), *_contacts(previous, analysis), *_commitments(previous, analysis),
        *_concerns(previous, analysis), *_new_records(previous, analysis),
    ]
    return [c for c in claims if c.citations]  # every statement about the account is cited
