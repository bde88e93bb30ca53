"""Run the QMSum harness: index every account in every system, ask every query, score at a budget."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from relbot.eval.qmsum import Account
from relbot.eval.scoring import budgeted_context, coverage
from relbot.eval.systems import System


class Tracker(Protocol):
    """Progress reporting; the CLI draws a bar, tests pass nothing."""

    def stage(self, description: str, total: int) -> None: ...

    def advance(self) -> None: ...


class _Silent:
    def stage(self, description: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass


class QueryScore(BaseModel):
    account: str
    domain: str
    meeting: str
    query: str
    gold_turns: int
    scores: dict[str, float]  # system name -> share of gold turns covered


class SystemScore(BaseModel):
    overall: float
    domains: dict[str, float]
    index_seconds: float
    search_seconds: float


class EvalReport(BaseModel):
    budget_words: int
    accounts: int
    queries: int
    domains: dict[str, int]  # domain -> number of queries
    systems: dict[str, SystemScore]
    seconds: float = 0.0  # wall time of the whole run
    per_query: list[QueryScore] = Field(default_factory=list)


def evaluate(
    accounts: Sequence[Account], systems: Sequence[System], *, budget_words: int, tracker: Tracker | None = None
) -> EvalReport:
    tracker = tracker or _Silent()
    started_run = time.perf_counter()
    index_seconds: dict[str, float] = {}
    search_seconds: dict[str, float] = {s.name: 0.0 for s in systems}
    for system in systems:
        tracker.stage(f"Indexing ({system.name})", len(accounts))
        started = time.perf_counter()
        for account in accounts:
            system.add_account(account)
            tracker.advance()
        index_seconds[system.name] = time.perf_counter() - started
    results: list[QueryScore] = []
    tracker.stage("Searching", sum(len(a.queries) for a in accounts))
    for account in accounts:
        for query in account.queries:
            scores = {}
            for system in systems:
                started = time.perf_counter()
                passages = system.search(account.name, query.text)
                search_seconds[system.name] += time.perf_counter() - started
                scores[system.name] = coverage(query.gold, budgeted_context(passages, budget_words))
            results.append(QueryScore(
                account=account.name, domain=account.domain, meeting=query.meeting, query=query.text,
                gold_turns=len(query.gold), scores=scores,
            ))
            tracker.advance()
    return EvalReport(
        budget_words=budget_words,
        accounts=len(accounts),
        queries=len(results),
        domains={d: sum(1 for r in results if r.domain == d) for d in sorted({r.domain for r in results})},
        systems={
            s.name: _summary(results, s.name, index_seconds[s.name], search_seconds[s.name]) for s in systems
        },
        per_query=results,
        seconds=round(time.perf_counter() - started_run, 1),
    )


def _summary(results: list[QueryScore], system: str, index_seconds: float, search_seconds: float) -> SystemScore:
    """Every query weighs the same, whatever the length of its gold span."""
    domains = sorted({r.domain for r in results})
    return SystemScore(
        overall=_mean([r.scores[system] for r in results]),
        domains={d: _mean([r.scores[system] for r in results if r.domain == d]) for d in domains},
        index_seconds=round(index_seconds, 1),
        search_seconds=round(search_seconds, 1),
    )


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0
