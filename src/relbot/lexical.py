"""Lexical (BM25) index over one account's records, built with bm25s."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

# bm25s logs index builds at DEBUG on its own logger; client text never goes to logs.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOP = frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def _stem(word: str) -> str:
    # A light plural/verb-suffix fold: "promised"/"promises" meet "promise" without a stemmer dependency.
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self._size = len(texts)
        corpus = [tokenize(t) or ["\x00empty"] for t in texts]
        self._vocab = {token for doc in corpus for token in doc}
        self._bm25 = bm25s.BM25()
        if corpus:
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(position in the indexed texts, score) best first; only documents sharing a query term."""
        terms = [t for t in tokenize(query) if t in self._vocab]
        if not terms or not self._size:
            return []
        docs, scores = self._bm25.retrieve([terms], k=min(limit, self._size), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(np.ravel(docs), np.ravel(scores), strict=True) if s > 0]
