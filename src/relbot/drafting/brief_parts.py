"""Brief sections read straight from the records: recent interactions (one line each) and decisions."""

from __future__ import annotations

import datetime as dt
import re

from relbot.analysis.activity import is_contact
from relbot.analysis.gist import gist, kind_label
from relbot.analysis.text import Sentence, all_sentences, clip, is_question, negated, terms
from relbot.domain import Claim
from relbot.models import Record, SourceKind

RECENT = 6
DECISIONS = 5
DECISION_DAYS = 120
_DECIDED = re.compile(
    r"\b(?:agreed|decided|decision|approved|approves|signed off|chose|go ahead|confirmed|confirming)\b", re.I
)
_ACTION_ITEM = re.compile(r"^(?:[Aa]ctions?:\s*)?[A-Z][a-z]+(?: [A-Z][a-z]+)? to \w")
_CONDITION = re.compile(r"\b(?:if|unless|once)\b", re.I)
_NOBODY = re.compile(r"\b(?:nobody|no one|never)\b", re.I)
_FILE_TITLE = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_DECISION_SECTIONS = ("decision", "agreed", "outcome")


def _who(record: Record) -> str:
    if record.kind in (SourceKind.NOTE, SourceKind.TRANSCRIPT) and record.title:
        # A transcript titled by its file name ("2026-10-23-concept-presentation") reads as "Concept presentation".
        title = _FILE_TITLE.sub("", record.title).replace("-", " ").strip() if _FILE_TITLE.match(record.title) \
            else record.title
        return title[:1].upper() + title[1:]
    return record.author or ""


def recent_interactions(records: list[Record], limit: int = RECENT) -> list[Claim]:
    """The latest conversations with the client, newest first, one per source; a CRM row that only logs
    an email or meeting already in the history on the same day is left out."""
    told = [r for r in records if is_contact(r) and r.date]
    days_with_detail = {r.date for r in told if r.kind != SourceKind.CRM}
    seen: set[str] = set()
    out: list[Claim] = []
    # Newest day first; within a file, its first chunk (a note's opening says what the meeting was about).
    for record in sorted(told, key=lambda r: (-(r.date or dt.date.min).toordinal(), r.position)):
        if record.source in seen or (record.kind == SourceKind.CRM and record.date in days_with_detail):
            continue
        seen.add(record.source)
        who = _who(record)
        out.append(Claim(text=f"{record.date} · {kind_label(record)}{' · ' + who if who else ''}: {gist(record)}",
                         citations=[record.citation()]))
        if len(out) >= limit:
            break
    return out


def _is_decision(s: Sentence) -> bool:
    if is_question(s.text) or len(s.text.split()) < 4 or s.text.rstrip().endswith(":"):
        return False
    if _ACTION_ITEM.match(s.text) or s.section.startswith("action"):
        return False  # a task, listed with the commitments
    if any(s.section.startswith(d) for d in _DECISION_SECTIONS):
        return True
    match = _DECIDED.search(s.text)
    if match is None or _CONDITION.search(s.text) or _NOBODY.search(s.text):  # a condition or a refusal
        return False
    return not negated(s.text, match.start(), window=3)


def decisions(records: list[Record], as_of: dt.date, limit: int = DECISIONS) -> list[Claim]:
    """Recent decisions, newest first; a decision retold in several records is listed once."""
    since = as_of - dt.timedelta(days=DECISION_DAYS)
    found: list[Sentence] = [
        s for s in all_sentences(records)
        if s.record.date and s.record.date >= since and s.record.kind != SourceKind.SLACK and _is_decision(s)
    ]
    found.sort(key=lambda s: (s.record.date or dt.date.min, s.record.kind != SourceKind.CRM), reverse=True)
    out: list[Claim] = []
    said: list[set[str]] = []
    for s in found:
        words = terms(s.text)
        if not words or any(len(words & w) >= 0.6 * min(len(words), len(w)) for w in said):
            continue
        said.append(words)
        who = f"{s.speaker}: " if s.speaker and s.record.kind == SourceKind.TRANSCRIPT else ""
        out.append(Claim(text=f"{s.record.date}: {who}{clip(s.text, 200)}", citations=[s.record.citation()]))
        if len(out) >= limit:
            break
    return out
