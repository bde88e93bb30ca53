"""Hybrid retrieval over one account: dense (MiniLM) + lexical (BM25), fused by reciprocal rank, mildly
favouring recent records; each hit is shown with the records around it in the same thread.

The choices below were measured on real meeting transcripts (QMSum; docs/BENCHMARKS.md lists every
experiment, including those that did not help):
- the question's frame ("what did ... think of", "summarise the discussion about") is dropped from the
  query, which then names only its subject;
- in a call or a Slack thread, half of a record's dense and BM25 scores comes from its neighbourhood
  (itself and one record each side): one chunk of a conversation rarely says everything about a
  subject, the stretch around it does;
- context runs further forward than back, because a conversation answers after it raises a subject;
- passages never repeat a record, and a hit already shown as context of a better one adds nothing.
The account's vectors are held with its lexical index, so dense scoring is exact and covers every record.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from relbot.embeddings import Embedder
from relbot.lexical import LexicalIndex, query_focus
from relbot.models import Record, SearchHit, SourceKind
from relbot.store.chroma import VectorStore

RRF_K = 60
# Neighbouring chunks are only joined for sources read in sequence (a call, a thread, a note).
CONTEXTUAL = {SourceKind.TRANSCRIPT, SourceKind.SLACK, SourceKind.NOTE}
# Conversations drift from subject to subject and answer after they ask; a note's sections are
# separate subjects, so notes get symmetric context and no neighbourhood scoring.
CONVERSATIONS = {SourceKind.TRANSCRIPT, SourceKind.SLACK}
CACHED_ACCOUNTS = 32  # account indexes kept in memory by a long-running process

Thread = tuple[str, str]  # (source, thread): records read one after another
Floats = npt.NDArray[np.float32]


@dataclass
class RetrievalOptions:
    candidates: int = 40  # per retriever, before fusion
    context: int | None = None  # chunks on each side of a hit; None: context_before / context_after
    context_before: int = 1  # in conversations
    context_after: int = 4  # in conversations
    note_context: int = 1  # in notes, each side
    recency_weight: float = 0.15  # at most +15% for a record from today
    recency_half_life_days: float = 90.0
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    neighbourhood_weight: float = 0.5  # share of a record's scores taken from its thread neighbourhood
    neighbourhood: int = 1  # records on each side that make the neighbourhood
    focus_query: bool = True

    def window(self, kind: SourceKind) -> tuple[int, int]:
        if kind not in CONTEXTUAL:
            return 0, 0
        if self.context is not None:
            return self.context, self.context
        if kind in CONVERSATIONS:
            return self.context_before, self.context_after
        return self.note_context, self.note_context


@dataclass
class AccountIndex:
    fingerprint: tuple[int, int]
    records: list[Record]
    vectors: Floats  # row i embeds records[i]
    lexical: LexicalIndex
    by_id: dict[str, int] = field(default_factory=dict)
    sequence: dict[Thread, list[int]] = field(default_factory=dict)  # record indexes in reading order
    place: dict[int, tuple[Thread, int]] = field(default_factory=dict)  # record index -> (thread, position)

    @classmethod
    def build(cls, records: list[Record], vectors: Floats, fingerprint: tuple[int, int]) -> AccountIndex:
        from relbot.ingest.chunking import embed_text

        # Reading order (source, then position), never the store's: scores that tie are then broken by where a
        # record sits, not by its content hash, so a change to how ids are made cannot reorder search results.
        order = sorted(range(len(records)), key=lambda i: (records[i].source, records[i].position, records[i].id))
        records, vectors = [records[i] for i in order], vectors[order] if len(order) else vectors
        index = cls(fingerprint, records, vectors, LexicalIndex([embed_text(r) for r in records]))
        index.by_id = {r.id: i for i, r in enumerate(records)}
        for i, record in enumerate(records):
            index.sequence.setdefault((record.source, record.thread or ""), []).append(i)
        for key, order in index.sequence.items():
            order.sort(key=lambda i: (records[i].position, records[i].id))
            index.place.update((i, (key, at)) for at, i in enumerate(order))
        return index

    def span(self, i: int, before: int, after: int) -> tuple[Thread, int, int]:
        """The hit's thread and the inclusive range of positions its context window covers there."""
        key, at = self.place[i]
        return key, max(0, at - before), min(len(self.sequence[key]) - 1, at + after)

    def neighbourhood_mean(self, scores: Floats, width: int) -> Floats:
        """Each record's mean score over itself and ``width`` records each side in its thread."""
        out = scores.copy()
        for order in self.sequence.values():
            if len(order) < 2 or self.records[order[0]].kind not in CONVERSATIONS:
                continue
            values = scores[order]
            sums = np.concatenate(([0.0], np.cumsum(values)))
            at = np.arange(len(order))
            lo, hi = np.maximum(at - width, 0), np.minimum(at + width, len(order) - 1)
            out[order] = (sums[hi + 1] - sums[lo]) / (hi - lo + 1)
        return out




class Retriever:
    def __init__(self, store: VectorStore, embedder: Embedder, options: RetrievalOptions | None = None) -> None:
        self._store = store
        self._embedder = embedder
        self.options = options or RetrievalOptions()
        self._indexes: OrderedDict[str, AccountIndex] = OrderedDict()
        self._lock = threading.Lock()

    def account_index(self, account: str) -> AccountIndex:
        ids = self._store.account_record_ids(account)
        fingerprint = (len(ids), hash(frozenset(ids)))
        with self._lock:
            cached = self._indexes.get(account)
            if cached and cached.fingerprint == fingerprint:
                self._indexes.move_to_end(account)
                return cached
        index = AccountIndex.build(*self._store.account_records_with_vectors(account), fingerprint)
        with self._lock:
            self._indexes[account] = index
            self._indexes.move_to_end(account)
            while len(self._indexes) > CACHED_ACCOUNTS:
                self._indexes.popitem(last=False)
        return index

    def search(
        self, account: str, query: str, *, limit: int = 8, as_of: dt.date | None = None,
        kinds: Sequence[SourceKind] | None = None,
    ) -> list[SearchHit]:
        index = self.account_index(account)
        if not index.records or not query.strip():
            return []
        scores = self._fused(index, query, as_of or dt.date.today())
        ranked = sorted(scores, key=lambda i: (-scores[i], i))
        if kinds:
            ranked = [i for i in ranked if index.records[i].kind in kinds]
        return self._passages(index, ranked, scores, limit)

    def _fused(self, index: AccountIndex, query: str, today: dt.date) -> dict[int, float]:
        opts = self.options
        if opts.focus_query:
            query = query_focus(query)
        dense: Floats = index.vectors @ self._embedder.embed([query])[0]
        lexical = np.zeros(len(index.records), dtype=np.float32)
        for i, score in index.lexical.search(query, len(index.records)):
            lexical[i] = score
        scores: dict[int, float] = {}
        for weight, values, matches_only in ((opts.dense_weight, dense, False), (opts.lexical_weight, lexical, True)):
            for rank, i in enumerate(self._top(index, values, matches_only=matches_only)):
                scores[i] = scores.get(i, 0.0) + weight / (RRF_K + rank + 1)
        return {i: s * self._recency(index.records[i].date, today) for i, s in scores.items()}

    def _top(self, index: AccountIndex, values: Floats, *, matches_only: bool) -> list[int]:
        """The best records by their score blended with their neighbourhood's. For BM25 only records
        that match (or sit beside a match) count; every record has a cosine."""
        opts = self.options
        if opts.neighbourhood_weight > 0 and opts.neighbourhood > 0:
            around = index.neighbourhood_mean(values, opts.neighbourhood)
            values = (1 - opts.neighbourhood_weight) * values + opts.neighbourhood_weight * around
        candidates = np.flatnonzero(values > 0) if matches_only else np.arange(len(values))
        if len(candidates) > opts.candidates:
            candidates = candidates[np.argpartition(-values[candidates], opts.candidates - 1)[: opts.candidates]]
        return [int(i) for i in candidates[np.lexsort((candidates, -values[candidates]))]]

    def _recency(self, date: dt.date | None, today: dt.date) -> float:
        if date is None:
            return 1.0
        age = max(0, (today - date).days)
        return 1.0 + self.options.recency_weight * math.exp(-age * math.log(2) / self.options.recency_half_life_days)

    def _passages(
        self, index: AccountIndex, ranked: list[int], scores: dict[int, float], limit: int
    ) -> list[SearchHit]:
        shown: list[tuple[Thread, int, int]] = []
        hits: list[SearchHit] = []
        for i in ranked:
            thread, at = index.place[i]
            if any(t == thread and lo <= at <= hi for t, lo, hi in shown):
                continue  # already shown as context of a better hit
            _, lo, hi = index.span(i, *self.options.window(index.records[i].kind))
            for t, shown_lo, shown_hi in shown:  # never repeat what an earlier passage shows
                if t == thread and shown_hi < at:
                    lo = max(lo, shown_hi + 1)
                elif t == thread and shown_lo > at:
                    hi = min(hi, shown_lo - 1)
            shown.append((thread, lo, hi))
            hits.append(_hit(index, i, scores[i], index.sequence[thread][lo : hi + 1]))
            if len(hits) >= limit:
                break
        return hits


def _hit(index: AccountIndex, i: int, score: float, window: list[int]) -> SearchHit:
    from relbot.ingest.chunking import join_lines

    record = index.records[i]
    texts = [index.records[j].text for j in window]
    # A transcript turn cut between two records reads as one turn again.
    text = join_lines("\n".join(texts).split("\n")) if record.kind == SourceKind.TRANSCRIPT else "\n".join(texts)
    return SearchHit(
        id=record.id, text=text, account=record.account, kind=record.kind, source=record.source,
        date=record.date, score=round(score, 6), author=record.author, title=record.title, position=record.position,
    )
