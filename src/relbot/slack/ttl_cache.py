"""A small thread-safe cache whose entries expire, bounded by evicting the least recently stored."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TTLCache(Generic[T]):
    def __init__(
        self, *, ttl_s: float, max_entries: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_s
        self._max = max_entries
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            if self._clock() - hit[0] >= self._ttl:
                del self._items[key]
                return None
            return hit[1]

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (self._clock(), value)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
