"""Citation precision: does each record a draft cites support the line that cites it?

There is no entailment model on this machine, so support is judged lexically, and calibrated by a control.
A line's *evidence terms* are its words (and normalised numbers and dates) that occur somewhere in the
account's records: the drafter's own phrasing ("Address … head-on", "raised 5 time(s)") appears in no
record, so it is never asked of one. A cited record supports the line when it holds most of the line's
evidence terms, weighted by how rare each term is in the account (rare words — "dashboard", "$141",
"2026-10-15" — are what a citation has to back; "team" and "call" are not). The control cites, for every
line, random other records of the same account instead: a check that passes those as readily as the real
citations would be measuring nothing.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from relbot.drafting.facts import TEXT_FIELDS, record_text
from relbot.models import Citation, GuidanceSection, Record
from relbot.wordlists import JUDGE_STOP_WORDS

# A cited record supports a line when it holds at least this share of the line's (IDF-weighted) evidence.
SUPPORT_AT_LEAST = 0.5
MIN_CLAUSE_TERMS = 2
_CLAUSE = re.compile(r";\s+|\.\s+")  # not ":": it introduces what a label (date · kind · author) says
_TOKEN = re.compile(r"\d{4}-\d{2}-\d{2}|\$?\d[\d,]*(?:\.\d+)?%?|[a-z][a-z'-]+")  # dates first: one term each
_STOP = JUDGE_STOP_WORDS


@dataclass(frozen=True)
class CitedLine:
    section: str  # where in the draft, e.g. "recent_interactions"
    text: str
    record_ids: tuple[str, ...]
    playbook: tuple[str, ...] = ()  # playbook sections the line also cites


@dataclass(frozen=True)
class Judgement:
    line: CitedLine
    record_id: str
    support: float  # share of the line's evidence the record holds, 0–1

    @property
    def supported(self) -> bool:
        return self.support >= SUPPORT_AT_LEAST


def cited_lines(draft: BaseModel) -> list[CitedLine]:
    """Every statement in a draft that cites account records, with those records' ids."""
    return list(_walk(draft, "draft"))


def _walk(node: object, section: str) -> Iterator[CitedLine]:
    if isinstance(node, BaseModel):
        fields = type(node).model_fields
        citations = getattr(node, "citations", None) if "citations" in fields else None
        if citations:
            ids = tuple(c.record_id for c in citations if isinstance(c, Citation) and c.record_id)
            playbook = getattr(node, "playbook", None) if "playbook" in fields else None  # a question's rationale
            cited = [*citations, *([playbook] if isinstance(playbook, Citation) else [])]
            sections = tuple(c.section for c in cited if isinstance(c, Citation) and c.section)
            text = next((getattr(node, f) for f in TEXT_FIELDS if f in fields and getattr(node, f)), "")
            if ids and text:
                yield CitedLine(section, str(text), ids, sections)
        for name in fields:
            yield from _walk(getattr(node, name), name if section == "draft" else section)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, section)


def terms(text: str) -> list[str]:
    out = []
    for token in _TOKEN.findall(text.lower()):
        token = token.strip("$%'").replace(",", "")
        if token and token not in _STOP and (len(token) > 2 or token[0].isdigit()):
            out.append(token)
    return out


class SupportJudge:
    """Judges lines against the records of one account (and the playbook sections lines cite)."""

    def __init__(self, records: Sequence[Record], playbook: Sequence[GuidanceSection] = ()) -> None:
        self._playbook = {s.id: set(terms(f"{s.heading} {s.text}")) for s in playbook}
        self._records = {r.id: r for r in records}
        self._terms = {r.id: set(terms(record_text(r))) for r in records}
        frequency = Counter(t for found in self._terms.values() for t in found)
        total = max(1, len(records))
        self._idf = {t: math.log(1 + total / n) for t, n in frequency.items()}

    def support(self, line: CitedLine, record_id: str) -> float:
        """The best share of one clause's evidence the record holds: a line of several clauses
        ("dashboard (growing); cost per lead (new)") is backed clause by clause, by different records."""
        from_playbook = set().union(*(self._playbook.get(s, set()) for s in line.playbook))
        held = self._terms.get(record_id, set())

        def evidence(text: str) -> set[str]:
            return {t for t in terms(text) if t in self._idf and t not in from_playbook}

        best = 0.0
        for found in _clauses(line.text, evidence):
            weight = sum(self._idf[t] for t in found)
            best = max(best, sum(self._idf[t] for t in found if t in held) / weight)
        return best

    def judge(self, lines: Sequence[CitedLine]) -> list[Judgement]:
        return [Judgement(line, rid, self.support(line, rid)) for line in lines for rid in line.record_ids]

    def control(self, lines: Sequence[CitedLine], *, seed: int = 7) -> list[Judgement]:
        """The same lines, each citation swapped for a random other record of the account."""
        rng = random.Random(seed)
        pool = sorted(self._records)
        out = []
        for line in lines:
            for _ in line.record_ids:
                others = [p for p in pool if p not in line.record_ids]
                if others:
                    swapped = rng.choice(others)
                    out.append(Judgement(line, swapped, self.support(line, swapped)))
        return out


def _clauses(text: str, evidence: Callable[[str], set[str]]) -> list[set[str]]:
    """Each clause's evidence terms. A clause of fewer than two ("2026-11-18", "email": a label) says too
    little to be backed alone, since any record of that day would do; it joins the clause after it."""
    out: list[set[str]] = []
    carried: set[str] = set()
    for clause in _CLAUSE.split(text):
        found = carried | evidence(clause)
        if len(found) < MIN_CLAUSE_TERMS:
            carried = found
            continue
        out.append(found)
        carried = set()
    if carried:
        if out:
            out[-1] |= carried
        else:
            out.append(carried)
    return out


def precision(judgements: Sequence[Judgement]) -> float:
    return sum(j.supported for j in judgements) / len(judgements) if judgements else 0.0
