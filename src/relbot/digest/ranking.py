"""How much attention an account needs: a weight per signal, summed; any ATTENTION signal makes the account
an exception, listed with its reasons; the rest are quiet and get one line each.

The weights order the exceptions, they are not shown: an account going cold outranks a late deliverable,
which outranks a concern, because a silent client is the hardest to win back (playbook: staying in touch).
"""

from __future__ import annotations

from relbot.digest.models import AccountDigest, DigestItem, Severity, SignalKind
from relbot.domain import ConcernTrend

WEIGHTS = {
    SignalKind.GOING_COLD: 40.0,
    SignalKind.OVERDUE: 30.0,
    SignalKind.CADENCE_MISSED: 15.0,
    SignalKind.STAGE_CHANGE: 15.0,
    SignalKind.CONCERN: 15.0,
    SignalKind.DUE_SOON: 8.0,
    SignalKind.CLIENT_OVERDUE: 5.0,
    SignalKind.HEALTH_DROP: 1.0,  # per point lost
    SignalKind.HEALTH_RISE: 0.0,
}
CHASE_WEIGHT = 5.0  # per chase of an overdue commitment, up to MAX_CHASES
MAX_CHASES = 4
HEALTH_ATTENTION = 10  # a drop of this many points in one week is an exception on its own
LOW_HEALTH_WEIGHT = 0.1  # per point below 100: breaks ties towards the weaker account


def weight(kind: SignalKind) -> float:
    return WEIGHTS[kind]


def cadence_weight(gap_days: int, cadence_days: int) -> float:
    """More the longer past the cadence, capped so cadence alone never outranks going cold."""
    late = max(0, gap_days - cadence_days) / cadence_days
    return WEIGHTS[SignalKind.CADENCE_MISSED] + min(20.0, 10.0 * late)


def overdue_weight(chases: int) -> float:
    return WEIGHTS[SignalKind.OVERDUE] + CHASE_WEIGHT * min(chases, MAX_CHASES)


def concern_weight(trend: ConcernTrend, mentioned_this_week: bool) -> float:
    base = WEIGHTS[SignalKind.CONCERN] + (5.0 if trend == ConcernTrend.GROWING else 0.0)
    return base + (5.0 if mentioned_this_week else 0.0)


def health_severity(delta: int) -> Severity:
    return Severity.ATTENTION if delta <= -HEALTH_ATTENTION else Severity.WATCH


def score(items: list[DigestItem], health: int) -> float:
    return round(sum(i.weight for i in items) + LOW_HEALTH_WEIGHT * (100 - health), 1)


def is_exception(items: list[DigestItem]) -> bool:
    return any(i.severity == Severity.ATTENTION for i in items)


def ordered(items: list[DigestItem]) -> list[DigestItem]:
    """An account's own items: exceptions before watch items, heaviest first."""
    return sorted(items, key=lambda i: (i.severity != Severity.ATTENTION, -i.weight))


def split(accounts: list[AccountDigest]) -> tuple[list[AccountDigest], list[AccountDigest]]:
    """(exceptions by attention needed, quiet accounts by name)."""
    exceptions = sorted((a for a in accounts if a.exception), key=lambda a: (-a.score, a.account.casefold()))
    quiet = sorted((a for a in accounts if not a.exception), key=lambda a: a.account.casefold())
    return exceptions, quiet
