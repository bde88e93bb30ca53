"""The demo workspace's labelled questions: is the answering passage among the top hits?

demo/expected.yaml lists, per question, the account, the source file and an exact phrase from the item
that answers it. A question counts as found when a top-k passage contains the phrase
(whitespace-insensitive): that is what a reader of the brief, or an LLM, needs to see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from relbot.models import SearchHit

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


def evaluate_labelled(questions: Sequence[LabelledQuestion], search: Search, *, k: int = 5) -> list[LabelledResult]:
    return [LabelledResult(question=q, rank=rank_of(q, search(q.account, q.question, k))) for q in questions]


def recall(results: Sequence[LabelledResult]) -> float:
    return sum(r.rank is not None for r in results) / len(results) if results else 0.0
