"""The expectation-setting checklist: each playbook item documented (best quote), contradicted (two sources
state different values: both quoted) or missing (with the question to ask).

A passage documents an item only when it states it: a keyword in a question ("how often will we hear from
you?") or beside "not agreed yet" is evidence that the item is missing, not that it is settled.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from relbot.analysis import playbook
from relbot.analysis.contradictions import Hit, conflict, shared_attribute
from relbot.analysis.gist import kind_label
from relbot.analysis.prose_dates import dates_in
from relbot.analysis.text import Sentence, all_sentences, clip, is_question
from relbot.analysis.values import CADENCE_CUE, cadence_values, describe, fee_values
from relbot.analysis.wordindex import WordIndex
from relbot.domain import ChecklistEntry, ChecklistStatus, Claim
from relbot.knowledge import ChecklistItem
from relbot.models import Record, SourceKind

Search = Callable[[str], list[str]]  # query -> record ids, best first
_NOT_AGREED = re.compile(
    r"\b(?:not agreed|nothing (?:is )?agreed|no (?:\w+ )?agreed|not (?:been )?(?:set|defined|decided|confirmed)|"
    r"(?:haven't|have not|hasn't|has not) (?:set|agreed|defined|decided)|(?:don't|do not) have an?y? ?"
    r"(?:baseline|target|number)|no (?:success )?(?:metrics|criteria|targets?|baseline)|undefined|unclear|tbd|"
    r"to be (?:agreed|confirmed|decided)|know it when we see it|would not give a number)\b", re.I,
)
_PAST_EVENT = re.compile(r"\b(?:went out|was sent|were sent|sent on|sent early|arrived|is out)\b", re.I)
_REPORTING = re.compile(r"\b(?:report|update|results email)s?\b", re.I)
# Cues that a sentence is about an item even without its keywords (used for questions and stated gaps).
_EXTRA = {
    "reporting_cadence": re.compile(r"\bhow often\b|\bhear from (?:you|us)\b|\bstatus (?:reporting|updates?)\b", re.I),
    "success_metrics": re.compile(r"\bsuccess metrics?\b|\bwhat good looks like\b|\bknow it when we see it\b", re.I),
}
# What a sentence must contain for an item to take it without any of its keywords: the _EXTRA cues, and for the
# cadence a report word (_REPORTING, see _states). Lowercase substrings, any one of which is needed.
_KEYWORDLESS_HINTS = {
    "reporting_cadence": ("how often", "hear from ", "status ", "report", "update", "results email"),
    "success_metrics": ("success metric", "what good looks like", "know it when we see it"),
}
# Keywords that also occur in unrelated talk ("17 products have a missing GTIN", "will brief the CFO").
_WEAK = {"product", "products", "brief", "assets", "handover", "schedule", "phase", "kickoff", "dashboard",
         "analytics", "invoice", "billing", "target", "aim", "outcome", "fee", "fees"}
SECTION_WEIGHT = 3.0
_VALUE = re.compile(r"\d|\$|%")  # a figure, an amount or a share
_AGREED = re.compile(r"\bagree(?:d)?\b|\bconfirm(?:ed|ing)?\b", re.I)
_TOLD = (SourceKind.NOTE, SourceKind.EMAIL, SourceKind.TRANSCRIPT)
_KIND_RANK = {SourceKind.NOTE: 0, SourceKind.EMAIL: 1, SourceKind.TRANSCRIPT: 2, SourceKind.CRM: 3,
              SourceKind.SLACK: 4}


@dataclass(frozen=True)
class _Keyword:
    pattern: re.Pattern[str]
    weight: float
    words: tuple[str, ...]  # lowercased: every one is in any text the pattern matches


@lru_cache(maxsize=512)  # the playbook's keywords, compiled once per process rather than once per brief
def _keyword(keyword: str, weight: float) -> _Keyword:
    """ "monthly report" also matches "monthly performance report": up to two words may sit between."""
    words = [re.escape(w) for w in keyword.split()]
    pattern = re.compile(r"\b" + r"\W+(?:\w+\W+){0,2}?".join(words) + r"s?\b", re.I)
    # A non-ASCII keyword may match text its lowercase form does not contain ("ſ" matches "s"): no shortcut.
    return _Keyword(pattern, weight, tuple(w.lower() for w in keyword.split()) if keyword.isascii() else ())


def _matches(s: Sentence, keywords: list[_Keyword], in_section: bool) -> float:
    """Keyword weight in the sentence (a common word alone, "product", counts half); a sentence under a
    "## Budget" heading is about the budget whatever its words. ``keywords``: those that may occur in it."""
    spans: dict[tuple[int, int], float] = {}
    for k in keywords:
        for m in k.pattern.finditer(s.text):  # "product" and "products" both match "products": count it once
            spans[m.span()] = max(spans.get(m.span(), 0.0), k.weight)
    return sum(spans.values()) + (SECTION_WEIGHT if in_section else 0.0)


def _values(item: ChecklistItem, text: str) -> dict[str, str]:
    if item.id == "reporting_cadence":
        return {} if _PAST_EVENT.search(text) else cadence_values(text)
    if item.id == "budget":
        return fee_values(text)
    return {}


def _states(item: ChecklistItem, s: Sentence, hits: float, names: frozenset[str]) -> bool:
    """Whether the sentence states the item (a value, a name, a list), beyond naming it in passing."""
    if item.id == "reporting_cadence":
        return bool(CADENCE_CUE.search(s.text)) and (hits > 0 or bool(_REPORTING.search(s.text))) \
            and not _PAST_EVENT.search(s.text)
    if item.id == "budget":
        return hits >= 1 and "$" in s.text
    if item.id == "timeline":
        return hits >= 1 and bool(dates_in(s.text, s.record.date or dt.date.today()))
    if item.id in ("approvals", "points_of_contact"):
        return hits >= 1 and any(n in s.text for n in names)  # who approves, who is the contact
    return hits >= 2 or (hits >= 1 and bool(_VALUE.search(s.text) or s.text.count(",") >= 2))


def _quote(s: Sentence) -> Claim:
    who = f"{s.speaker}: " if s.speaker and s.record.kind != SourceKind.NOTE else ""
    return Claim(text=f"{who}“{clip(s.text, 240)}”", citations=[s.record.citation()])


def _candidates(keywords: list[_Keyword], index: WordIndex) -> dict[int, list[_Keyword]]:
    """Sentence index -> the keywords whose words all occur in it (the only ones whose regex can match)."""
    found: dict[int, list[_Keyword]] = {}
    for k in keywords:
        for i in index.containing_all(k.words):
            found.setdefault(i, []).append(k)
    return found  # each list in the keywords' order, as they were visited


def check_item(
    item: ChecklistItem, sents: list[Sentence], ranked: dict[str, int], names: frozenset[str] = frozenset(),
    index: WordIndex | None = None,
) -> ChecklistEntry:
    """``index``: a WordIndex over ``sents``' texts, shared by the items of one checklist."""
    keywords = [_keyword(k, 0.5 if k in _WEAK else 1.0) for k in item.keywords]
    index = index or WordIndex([s.text for s in sents])
    present = _candidates(keywords, index)
    extra = _EXTRA.get(item.id)
    # The sentences this item may take though they name none of its keywords (see _EXTRA and _states).
    hints = _KEYWORDLESS_HINTS.get(item.id, ())
    keywordless = frozenset().union(*(index.containing(h) for h in hints)) if hints else frozenset()
    stated: list[Hit] = []
    gaps: list[Sentence] = []
    sections: dict[str, bool] = {}  # a note has a handful of headings: test each once, not once per sentence
    for i, s in enumerate(sents):
        if s.section not in sections:
            sections[s.section] = any(k.pattern.search(s.section) for k in keywords)
        found = present.get(i)
        if found is None and not sections[s.section] and i not in keywordless:
            continue  # no keyword, no heading: the sentence cannot be about the item
        hits = _matches(s, found or [], sections[s.section])
        if not hits and not (extra and extra.search(s.text)) and not _states(item, s, hits, names):
            continue
        if is_question(s.text) or _NOT_AGREED.search(s.text):
            gaps.append(s)
        elif _states(item, s, hits, names):
            values = _values(item, s.text)
            retrieved = 1.5 - 0.1 * ranked[s.record.id] if s.record.id in ranked else 0.0
            score = (hits + 2 * len(values) + retrieved + (1 if s.record.kind in _TOLD else 0)
                     + (2 if _AGREED.search(s.text) and _VALUE.search(s.text) else 0))
            stated.append(Hit(s, score, values))
    guide = playbook.cite(f"expectation-setting#{item.section}")
    if clash := conflict(stated):
        sides = " or ".join(
            f"{describe(a, h.values[a])} ({kind_label(h.sentence.record)}, {h.sentence.record.date})"
            for h in clash for a in shared_attribute(clash)
        )
        return ChecklistEntry(item_id=item.id, label=item.label, status=ChecklistStatus.CONTRADICTED,
                              evidence=[_quote(h.sentence) for h in clash], playbook=guide,
                              question=f"The records disagree on the {item.label.lower()}: which is right, {sides}?")
    if stated:
        best = sorted(stated, key=lambda h: (-h.score, _KIND_RANK[h.sentence.record.kind],
                                              h.sentence.record.date or dt.date.min))
        return ChecklistEntry(item_id=item.id, label=item.label, status=ChecklistStatus.DOCUMENTED,
                              evidence=[_quote(h.sentence) for h in best[:1]], playbook=guide)
    return ChecklistEntry(item_id=item.id, label=item.label, status=ChecklistStatus.MISSING,
                          evidence=[_quote(s) for s in _latest(gaps)], question=item.question, playbook=guide)


def _latest(gaps: list[Sentence], limit: int = 2) -> list[Sentence]:
    by_record: dict[str, Sentence] = {}
    for s in sorted(gaps, key=lambda s: s.record.date or dt.date.min, reverse=True):
        by_record.setdefault(s.record.id, s)
    return list(by_record.values())[:limit]


def checklist(
    items: Sequence[ChecklistItem], records: list[Record], *, search: Search | None = None,
    names: frozenset[str] = frozenset(),
) -> list[ChecklistEntry]:
    """``search`` ranks records for an item (retrieval); ``names`` are the people's first and full names,
    which an approvals or contact sentence must mention."""
    sents = all_sentences(records)
    index = WordIndex([s.text for s in sents])
    entries = []
    for item in items:
        ranked = {rid: i for i, rid in enumerate(search(f"{item.label}: {', '.join(item.keywords)}"))} if search else {}
        entries.append(check_item(item, sents, ranked, names, index))
    return entries
