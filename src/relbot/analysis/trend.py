"""Whether a concern is new, growing, steady or easing, from how strong and how frequent its mentions are."""

from __future__ import annotations

import datetime as dt

from relbot.domain import ConcernTrend

RECENT_DAYS = 45  # a concern first raised within this many days is new
QUIET_DAYS = 60  # a concern not raised for this long is easing


def trend(mentions: list[tuple[dt.date, int]], as_of: dt.date) -> ConcernTrend:
    """``mentions``: (date, intensity 1-4) oldest first.

    Growing: the later half of the concern's life is more intense, or as intense and more frequent.
    Easing: quiet for QUIET_DAYS, or the later half is milder. New: raised only recently (one burst).
    """
    if not mentions:
        return ConcernTrend.STEADY
    dates = [d for d, _ in mentions]
    if (as_of - dates[-1]).days > QUIET_DAYS:
        return ConcernTrend.EASING
    if len(mentions) == 1 or (dates[-1] - dates[0]).days < 14:
        return ConcernTrend.NEW if (as_of - dates[0]).days <= RECENT_DAYS else ConcernTrend.STEADY
    middle = dates[0] + (dates[-1] - dates[0]) / 2
    early = [weight for d, weight in mentions if d <= middle]
    late = [weight for d, weight in mentions if d > middle]
    if max(late) > max(early) or (len(late) > len(early) and max(late) >= max(early)):
        return ConcernTrend.GROWING
    return ConcernTrend.EASING if max(late) < max(early) else ConcernTrend.STEADY
