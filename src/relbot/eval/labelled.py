"""The demo workspace's labelled questions: is the answering passage among the top hits?

demo/expected.yaml lists, per question, the account, the source file and an exact phrase from the item
that answers it. A question counts as found when a top-k passage contains the phrase
(whitespace-insensitive): that is what a reader of the brief, or an LLM, needs to see.

The labels name a phrase rather than record ids because ids follow chunking (they change whenever records
are cut differently); ``answer_ids`` resolves each label to the ids of the records that hold it in the
store at hand, for the stricter measure: was an answering record itself among the top k hits?
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from relbot.models import Record, SearchHit

Search = Callable[[str, str, int], list[SearchHit]]  # (account, question, limit) -> hits


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str
    question: str
    source: str  # path relative to the demo folder
    phrase: str


class LabelledResult(BaseModel):
    question: LabelledQuestion
    rank: int | None  # 1-based rank of the first passage holding the phrase, None when not in the top k
    record_rank: int | None = None  # 1-based rank of the first hit that is an answering record itself


def load_labelled(expected: Path) -> tuple[list[LabelledQuestion], dt.date | None]:
    data = yaml.safe_load(expected.read_text(encoding="utf-8")) or {}
    as_of = data.get("as_of")
    questions = [LabelledQuestion.model_validate(q) for q in data.get("labelled_questions", [])]
    return questions, as_of if isinstance(as_of, dt.date) else None


def rank_of(question: LabelledQuestion, hits: Sequence[SearchHit]) -> int | None:
    phrase = " ".join(question.phrase.split())
    for rank, hit in enumerate(hits, 1):
        if phrase in " ".join(hit.text.split()):
            return rank
    return None


def answer_ids(question: LabelledQuestion, records: Sequence[Record]) -> set[str]:
    """The records of the labelled source that hold the phrase."""
    phrase = " ".join(question.phrase.split())
    return {
        r.id for r in records
        if (question.source.endswith(r.source) or r.source.endswith(question.source))
        and phrase in " ".join(r.text.split())
    }


def evaluate_labelled(
    questions: Sequence[LabelledQuestion], search: Search, *, k: int = 5,
    answers: Sequence[set[str]] | None = None,
) -> list[LabelledResult]:
    """``answers``: per question, its answering record ids (``answer_ids``), for ``record_rank``."""
    results = []
    for n, q in enumerate(questions):
        hits = search(q.account, q.question, k)
        ids = answers[n] if answers is not None else set()
        record_rank = next((i for i, hit in enumerate(hits, 1) if hit.id in ids), None)
        results.append(LabelledResult(question=q, rank=rank_of(q, hits), record_rank=record_rank))
    return results


def recall(results: Sequence[LabelledResult]) -> float:
    return sum(r.rank is not None for r in results) / len(results) if results else 0.0


def record_recall(results: Sequence[LabelledResult]) -> float:
    return sum(r.record_rank is not None for r in results) / len(results) if results else 0.0
