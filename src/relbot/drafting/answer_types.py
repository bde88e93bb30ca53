"""What kind of thing a question asks for ("What is Gary Ross's phone number?" wants a phone number, "How much
is the invoice?" an amount), and whether a sentence holds one: a sentence that holds what was asked for is
the better answer, one that only repeats the question's words is not an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PHONE = re.compile(r"(?:\+|\b00)?\(?\d{2,4}\)?[-. /]\d{2,4}[-. /]\d{3,4}\b|\bx\s?\d[-\d]{3,6}\b|\bext\.?\s?\d{3,5}\b",
                    re.I)
_MONEY = re.compile(
    r"[$€£]\s?\d[\d,.]*(?:\s?(?:k|m|mm|million|thousand|bn))?\b|\b\d[\d,.]*\s?(?:mm|million|dollars|usd)\b", re.I)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)|\bnoon\b", re.I)
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|"
    r"\b(?:19|20)\d\d\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_NUMBER = re.compile(r"\b\d+\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\b", re.I)

_ASKS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"\b(?:(?:phone|telephone|fax|cell|mobile|direct|contact)(?: line| number)?|number to call|extension|"
                r"(?:what|which) number)\b", re.I), _PHONE),
    (re.compile(r"\bhow much\b|\b(?:amount|price|cost|fee|invoice[ds]? for|cap|threshold|figure)\b", re.I), _MONEY),
    (re.compile(r"\bwhat time\b|\bat what time\b", re.I), _TIME),
    (re.compile(r"^\s*when\b|\b(?:what|which) (?:date|day)\b|\bsince when\b", re.I), _DATE),
    (re.compile(r"\bhow many\b", re.I), _NUMBER),
]


@dataclass(frozen=True)
class Wanted:
    pattern: re.Pattern[str]  # what the answer holds: a phone number, an amount, …
    naming: str  # the question's words that name it ("phone number"): a sentence holding one answers them

    def held_by(self, text: str) -> bool:
        return bool(self.pattern.search(text))


def wanted(question: str) -> Wanted | None:
    """What a question asks for, when it asks for a phone number, amount, time, date or count."""
    for asks, answer in _ASKS:
        if m := asks.search(question):
            return Wanted(answer, m.group(0))
    return None
