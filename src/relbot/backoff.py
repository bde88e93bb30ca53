"""How long a failing remote (a calendar feed, a CRM, a mailbox) waits before the next try."""

from __future__ import annotations

import datetime as dt
import hashlib

_MINUTE = dt.timedelta(minutes=1)
_BACKOFF_CAP = dt.timedelta(hours=6)
_RETRY_AFTER_CAP = dt.timedelta(hours=24)


def next_attempt_delay(failures: int, *, permanent: bool = False, retry_after_s: float | None = None,
                       jitter_key: str | None = None) -> dt.timedelta:
    """Backoff after `failures` consecutive failures (1 = first): 2, 4, 8 … minutes capped at 6 h (permanent
    errors start at 1 h: 1, 2, 4, 6 h), never below Retry-After (itself capped at 24 h).

    With ``jitter_key`` (a feed id, say) the delay moves by a deterministic ±10%: when a provider has an outage,
    hundreds of feeds fail in the same minute, and without per-feed spread they would all retry in the same
    minute too. Seeding by ``failures`` alone could not spread them, so there is no jitter without a key."""
    exponent = min(max(failures, 1) - 1, 20)  # 2**20 minutes is far past the cap; avoids huge timedeltas
    base = dt.timedelta(hours=1) if permanent else 2 * _MINUTE
    delay: dt.timedelta = base * (2**exponent)
    if jitter_key is not None:
        seed = hashlib.sha256(f"{jitter_key}:{failures}".encode()).digest()
        fraction = int.from_bytes(seed[:4], "big") / 2**32  # [0, 1)
        delay = delay * (0.9 + 0.2 * fraction)
    delay = min(delay, _BACKOFF_CAP)
    if retry_after_s is not None and retry_after_s > 0:
        delay = max(delay, min(dt.timedelta(seconds=retry_after_s), _RETRY_AFTER_CAP))
    return delay
