"""Two sources stating different values for one expectation: the monthly report "on the 5th" in the kickoff
notes and "on the 1st" in the client's email, or two different retainer figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relbot.analysis.text import Sentence
from relbot.models import SourceKind

_KIND_RANK = {SourceKind.NOTE: 0, SourceKind.EMAIL: 1, SourceKind.TRANSCRIPT: 2, SourceKind.CRM: 3,
              SourceKind.SLACK: 4}


@dataclass(frozen=True)
class Hit:
    sentence: Sentence
    score: float
    values: dict[str, str]


def conflict(hits: list[Hit]) -> list[Hit] | None:
    """Two hits from different sources stating different values for the same attribute."""
    for attribute in ("day", "weekday", "frequency", "retainer per month", "fee per month", "fee total"):
        first: dict[str, Hit] = {}
        for hit in sorted(hits, key=lambda h: (h.sentence.record.date or dt.date.min,
                                               _KIND_RANK[h.sentence.record.kind])):
            value = hit.values.get(attribute)
            if value and value not in first:
                first[value] = hit
        if attribute == "frequency":  # weekly status reports and a monthly review are not a contradiction
            kinds = {h.values.get("report") for h in first.values()}
            if len(kinds) > 1 or None in kinds:
                continue
        if len(first) > 1 and len({h.sentence.record.source for h in first.values()}) > 1:
            return list(first.values())[:2]
    return None


def shared_attribute(conflict: list[Hit]) -> list[str]:
    """The attribute the two conflicting hits disagree on (a day or weekday first: they are what clients quote)."""
    common = set(conflict[0].values) & set(conflict[1].values)
    differing: list[str] = [a for a in ("day", "weekday", "frequency") if a in common
                            and conflict[0].values[a] != conflict[1].values[a]]
    return differing[:1] or [a for a in common if conflict[0].values[a] != conflict[1].values[a]][:1]
