"""Hybrid retrieval: dense (Chroma, account-filtered) + lexical (BM25 per account), fused by reciprocal
rank, mildly favouring recent records, each hit widened with its neighbours in the same source."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from relbot.embeddings import Embedder
from relbot.lexical import LexicalIndex
from relbot.models import Record, SearchHit, SourceKind
from relbot.store.chroma import VectorStore

RRF_K = 60
# Neighbouring chunks are only joined for sources read in sequence (a call, a thread, a note).
CONTEXTUAL = {SourceKind.TRANSCRIPT, SourceKind.SLACK, SourceKind.NOTE}


@dataclass
class RetrievalOptions:
    candidates: int = 40  # per retriever, before fusion
    context: int = 1  # neighbouring chunks on each side of a hit
    recency_weight: float = 0.15  # at most +15% for a record from today
    recency_half_life_days: float = 90.0
    dense_weight: float = 1.0
    lexical_weight: float = 1.0


@dataclass
class AccountIndex:
    fingerprint: tuple[int, int]
    records: list[Record]
    lexical: LexicalIndex
    by_id: dict[str, int] = field(default_factory=dict)
    sequence: dict[str, list[int]] = field(default_factory=dict)  # source -> record indexes by position

    @classmethod
    def build(cls, records: list[Record], fingerprint: tuple[int, int]) -> AccountIndex:
        from relbot.ingest.chunking import embed_text

        index = cls(fingerprint, records, LexicalIndex([embed_text(r) for r in records]))
        index.by_id = {r.id: i for i, r in enumerate(records)}
        for i, record in enumerate(records):
            index.sequence.setdefault(record.source, []).append(i)
        for positions in index.sequence.values():
            positions.sort(key=lambda i: (records[i].position, records[i].id))
        return index

    def window(self, i: int, context: int) -> list[int]:
        record = self.records[i]
        if context <= 0 or record.kind not in CONTEXTUAL:
            return [i]
        order = self.sequence[record.source]
        at = order.index(i)
        return [
            j
            for j in order[max(0, at - context) : at + context + 1]
            if self.records[j].thread == record.thread
        ]


class Retriever:
    def __init__(self, store: VectorStore, embedder: Embedder, options: RetrievalOptions | None = None) -> None:
        self._store = store
        self._embedder = embedder
        self.options = options or RetrievalOptions()
        self._indexes: dict[str, AccountIndex] = {}
        self._lock = threading.Lock()

    def account_index(self, account: str) -> AccountIndex:
        ids = self._store.account_record_ids(account)
        fingerprint = (len(ids), hash(frozenset(ids)))
        with self._lock:
            cached = self._indexes.get(account)
        if cached and cached.fingerprint == fingerprint:
            return cached
        index = AccountIndex.build(self._store.account_records(account), fingerprint)
        with self._lock:
            self._indexes[account] = index
        return index

    def search(
        self, account: str, query: str, *, limit: int = 8, as_of: dt.date | None = None,
        kinds: Sequence[SourceKind] | None = None,
    ) -> list[SearchHit]:
        index = self.account_index(account)
        if not index.records or not query.strip():
            return []
        opts = self.options
        scores: dict[int, float] = {}
        vector = self._embedder.embed([query])[0]
        dense = self._store.dense_search(account, vector, min(opts.candidates, len(index.records)))
        for rank, (record, _) in enumerate(dense):
            if record.id in index.by_id:
                i = index.by_id[record.id]
                scores[i] = scores.get(i, 0.0) + opts.dense_weight / (RRF_K + rank + 1)
        for rank, (i, _) in enumerate(index.lexical.search(query, opts.candidates)):
            scores[i] = scores.get(i, 0.0) + opts.lexical_weight / (RRF_K + rank + 1)
        today = as_of or dt.date.today()
        for i in scores:
            scores[i] *= self._recency(index.records[i].date, today)
        ranked = sorted(scores, key=lambda i: scores[i], reverse=True)
        if kinds:
            ranked = [i for i in ranked if index.records[i].kind in kinds]
        return self._passages(index, ranked, scores, limit)

    def _recency(self, date: dt.date | None, today: dt.date) -> float:
        if date is None:
            return 1.0
        age = max(0, (today - date).days)
        return 1.0 + self.options.recency_weight * math.exp(-age * math.log(2) / self.options.recency_half_life_days)

    def _passages(
        self, index: AccountIndex, ranked: list[int], scores: dict[int, float], limit: int
    ) -> list[SearchHit]:
        hits: list[SearchHit] = []
        covered: set[int] = set()
        for i in ranked:
            if i in covered:
                continue  # already shown as context of a better hit
            window = index.window(i, self.options.context)
            covered.update(window)
            record = index.records[i]
            text = "\n".join(index.records[j].text for j in window)
            hits.append(
                SearchHit(
                    id=record.id, text=text, account=record.account, kind=record.kind, source=record.source,
                    date=record.date, score=round(scores[i], 6), author=record.author, title=record.title,
                    position=record.position,
                )
            )
            if len(hits) >= limit:
                break
        return hits
