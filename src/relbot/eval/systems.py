"""What the harness needs from a retrieval system, and an embedder cache both systems share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from relbot.embeddings import Embedder, Vectors
from relbot.eval.qmsum import Account

PASSAGES = 60  # passages asked for per query: more than any budget here can read


class System(Protocol):
    name: str

    def add_account(self, account: Account) -> None: ...

    def search(self, account: str, query: str) -> list[str]:
        """Passage texts, best first."""
        ...


class CachingEmbedder:
    """Embeds each distinct text once per process: both systems embed the same queries, and
    experiments re-chunk the same transcripts many times."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._inner.embed(missing), strict=True):
                self._cache[text] = vector
        out: Vectors = np.stack([self._cache[t] for t in texts]) if texts else self._inner.embed([])
        return out


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "account"
