"""The vector store, with a way for one draft to pin an account's record ids (drafting/service.py pins them).

A draft runs a dozen searches of one account (one per checklist item, more for an answer); each search asks
Chroma for the account's id list to check that its cached lexical index is current. Within one draft that
list cannot usefully change (the analysis has already read the records), so the draft pins it and the
searches skip the round trip. Pins are per thread: a server drafting for two users at once keeps them apart.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from relbot.embeddings import Embedder
from relbot.store.chroma import VectorStore


class PinnableStore(VectorStore):
    def __init__(self, client: Any, embedder: Embedder) -> None:
        super().__init__(client, embedder)
        self._pins = threading.local()

    def account_record_ids(self, account: str) -> list[str]:
        pins: dict[str, list[str]] = getattr(self._pins, "ids", {})
        if account in pins:
            return list(pins[account])
        return super().account_record_ids(account)

    @contextmanager
    def pinned(self, account: str, ids: Sequence[str]) -> Iterator[None]:
        """Inside the block, this thread reads ``ids`` as the account's record ids without asking Chroma."""
        pins: dict[str, list[str]] = getattr(self._pins, "ids", {})
        before = pins.get(account)
        self._pins.ids = {**pins, account: list(ids)}
        try:
            yield
        finally:
            restored = dict(self._pins.ids)
            if before is None:
                restored.pop(account, None)
            else:
                restored[account] = before
            self._pins.ids = restored
