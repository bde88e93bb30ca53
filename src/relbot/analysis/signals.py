"""Sentiment cues a person would notice in a client's words: concern (with how strong it is) and satisfaction.

A cue preceded by a negation ("not worried", "no concerns") does not count; phrases that are negative in
themselves ("not happy", "not acceptable") are listed whole so the negation rule does not cancel them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relbot.analysis.text import Sentence, negated

# (pattern, level, intensity 1-4): a doubt, worry, frustration, escalation or a delivery problem.
_CONCERN: list[tuple[str, str, int]] = [
    (r"keep an eye on|is (?:that|this) (?:normal|expected)|bugging me|not sure (?:about|whether)|"
     r"should we be worried", "question", 1),
    (r"worr(?:y|ied|ies|ying)|concern(?:ed|s|ing)?|uneasy|nervous|anxious", "concerned", 2),
    (r"delay(?:ed|s)?|slipped|slipping|overdue|behind schedule|won't make|missed the", "delay", 1),
    (r"frustrat(?:ed|ing|ion)|disappoint(?:ed|ing|ment)|unhappy|not happy|not acceptable|unacceptable|"
     r"(?:going|heading) the wrong way|upset|annoyed|let down|still (?:don't|do not) have|still no\b", "frustrated", 3),
    (r"escalat(?:e|ed|ing|ion)|reconsider(?:ing)?|cancel(?:led|ling)? (?:the|our) (?:retainer|contract)|"
     r"terminat(?:e|ing)|churn(?:ing)? risk|in-house|dispute[ds]?|refus(?:e|es|ing) to pay|won't be paying|"
     r"not paying|put (?:the|our) (?:account|retainer) under review", "escalation", 4),
]
_CONCERN_RE = [(re.compile(rf"\b(?:{p})", re.I), level, weight) for p, level, weight in _CONCERN]
_SATISFIED = re.compile(
    r"\b(?:really |very |so )?(?:pleased|happy|delighted|thrilled)\b|\b(?:great|excellent|brilliant|fantastic|"
    r"lovely) (?:work|job|news|week|report|result)|\blanded (?:really )?well|\bthank you\b.*\b(?:great|excellent)",
    re.I,
)
# Words that only name the feeling, not what it is about: left out of topic terms.
_FEELING = (
    "worried worry concern concerned frustrated frustration disappointed unhappy happy escalating escalate "
    "escalation reconsidering reconsider keep eye normal expected delay delayed slipped still wrong way going "
    "heading said asked pleased really client review meeting call update team performance"
)
FEELING_WORDS = frozenset(_FEELING.split())


@dataclass(frozen=True)
class Signal:
    sentence: Sentence
    level: str
    intensity: int
    cue: str


def concern_cue(text: str) -> tuple[str, int, str] | None:
    """(level, intensity, cue phrase) of the strongest non-negated concern cue in a text."""
    best: tuple[str, int, str] | None = None
    for pattern, level, weight in _CONCERN_RE:
        for match in pattern.finditer(text):
            phrase = match.group(0).lower()
            if not phrase.startswith("not ") and negated(text, match.start(), window=3):
                continue
            if best is None or weight > best[1]:
                best = (level, weight, phrase)
    return best


def concern(sentence: Sentence) -> Signal | None:
    """The strongest non-negated concern cue in a sentence."""
    found = concern_cue(sentence.text)
    return Signal(sentence, *found) if found else None


def satisfied(sentence: Sentence) -> bool:
    match = _SATISFIED.search(sentence.text)
    if match is None or "?" in sentence.text:
        return False
    return not negated(sentence.text, match.start(), window=3)
