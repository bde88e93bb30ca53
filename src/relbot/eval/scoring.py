"""Scoring retrieved context against gold transcript turns, at a fixed budget of words.

Decision on the passage that crosses the budget: it is cut to the words left, and only that prefix
can contain gold turns. Skipping it instead would let a system whose top passage is huge fall through
to smaller ones, and counting it whole would let a system exceed the budget; cutting gives every
system exactly the same number of words to read, in the order it ranked them.
"""

from __future__ import annotations

from collections.abc import Sequence

from relbot.eval.normalise import normal_words, normalise

MIN_GOLD_WORDS = 4  # shorter turns ("Yeah, okay.") occur everywhere and say nothing about retrieval


def budgeted_context(passages: Sequence[str], budget_words: int) -> list[str]:
    """Normalised passages in rank order until ``budget_words`` are spent; the last one is cut."""
    context: list[str] = []
    left = budget_words
    for passage in passages:
        if left <= 0:
            break
        words = normal_words(passage)
        if words:
            context.append(" ".join(words[:left]))
            left -= min(len(words), left)
    return context


def countable_turns(turns: Sequence[str]) -> list[str]:
    """Normalised gold turns long enough to be evidence; duplicates collapse to one."""
    normalised = (normalise(turn) for turn in turns)
    return list(dict.fromkeys(t for t in normalised if len(t.split()) >= MIN_GOLD_WORDS))


def coverage(gold: Sequence[str], context: Sequence[str]) -> float:
    """Share of normalised gold turns found whole inside a single context passage (word-aligned)."""
    if not gold:
        return 0.0
    padded = [f" {passage} " for passage in context]
    found = sum(1 for turn in gold if any(f" {turn} " in passage for passage in padded))
    return found / len(gold)


def words_in(passages: Sequence[str]) -> int:
    return sum(len(normal_words(p)) for p in passages)
