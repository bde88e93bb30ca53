"""Retrying HubSpot calls: urllib3's Retry, waiting through the connector's ``sleep`` and giving up on a long
Retry-After rather than holding a worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from urllib3.util.retry import Retry

_MAX_RETRY_WAIT_S = 30.0  # a longer Retry-After (a daily limit) ends the sync; the scheduler waits instead
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class WaitTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"Retry-After {seconds:g}s")
        self.seconds = seconds


class _Retry(Retry):
    """urllib3's Retry, sleeping through the connector's ``sleep`` (so tests observe the waits instead of
    spending them) and refusing a Retry-After longer than ``max_wait``: a daily-limit answer ends the sync
    with the service's own delay rather than holding a worker for hours."""

    def __init__(self, *args: Any, sleep: Callable[[float], None] = time.sleep, max_wait: float = _MAX_RETRY_WAIT_S,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sleep_fn = sleep
        self._max_wait = max_wait

    def new(self, **kw: Any) -> _Retry:
        # Retry.new rebuilds from its own parameter list; carry ours over or later attempts sleep for real.
        return super().new(sleep=self._sleep_fn, max_wait=self._max_wait, **kw)

    def sleep_for_retry(self, response: Any) -> bool:
        retry_after = self.get_retry_after(response)
        if not retry_after:
            return False
        if retry_after > self._max_wait:
            raise WaitTooLong(retry_after)
        self._sleep_fn(retry_after)
        return True

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            self._sleep_fn(backoff)


def retry(sleep: Callable[[float], None]) -> _Retry:
    return _Retry(
        total=4, connect=4, read=2, status=4, status_forcelist=_RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST"}),  # every call here reads, search included
        respect_retry_after_header=True, backoff_factor=0.5, backoff_max=8.0,
        raise_on_status=False,  # hand back the last answer, so its status and Retry-After reach the error
        sleep=sleep)
