"""What a digest line shows of a record it cites: the record's date and a short quote of what it says.

A reader who clicks a citation must find the line's claim there, so a line that counts mentions, or rests a
health change on records, puts each cited record next to its own words: "2026-11-03 “…short quote…”". The
quote is the record's sentence that says most about the line's subject (the promise, the concern's topic),
or its gist when no sentence names it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from relbot.analysis.gist import gist
from relbot.analysis.text import Sentence, clip, sentences, terms
from relbot.models import Citation, Record, SourceKind

QUOTE_CHARS = 90  # a quote a manager reads at a glance
SHORT_QUOTE_CHARS = 60  # in a line that already quotes, or a quiet account's one line
MAX_QUOTES = 3  # records quoted in one line
_SPOKEN = (SourceKind.TRANSCRIPT, SourceKind.SLACK)


def _spoken(s: Sentence) -> str:
    return f"{s.speaker}: {s.text}" if s.speaker and s.record.kind in _SPOKEN else s.text


def said(record: Record, about: str = "", limit: int = QUOTE_CHARS) -> str:
    """The record's sentence that shares most content words with ``about``, else its gist; clipped."""
    wanted = terms(about)
    best: Sentence | None = None
    shared = 0
    for s in sentences(record) if wanted else ():
        n = len(wanted & terms(s.text))
        if n > shared:
            best, shared = s, n
    return _around(best, wanted, limit) if best else gist(record, limit)


def _around(s: Sentence, wanted: set[str], limit: int) -> str:
    """The sentence clipped to ``limit``; a long one starts a few words before its first wanted word, so the
    quote keeps what it was chosen for ("…we still don't have the dashboard we were promised")."""
    text = _spoken(s)
    if len(text) <= limit:
        return text
    words = s.text.split()
    first = next((i for i, w in enumerate(words) if wanted & terms(w)), 0)
    if len(" ".join(words[:first + 1])) <= limit - 10:
        return clip(text, limit)
    start = max(0, first - 3)
    lead = f"{s.speaker}: " if s.speaker and s.record.kind in _SPOKEN else ""
    return clip(f"{lead}…{' '.join(words[start:])}", limit)


def sentence_where(record: Record, test: Callable[[Record], bool], limit: int = QUOTE_CHARS) -> str:
    """The first sentence of the record that passes ``test`` on its own (as a one-sentence copy), else its gist."""
    for s in sentences(record):
        if test(record.model_copy(update={"text": s.text})):
            return clip(_spoken(s), limit)
    return gist(record, limit)


def when(citation: Citation | Record) -> str:
    date: dt.date | None = citation.date
    return date.isoformat() if date else "undated"


def quoted(date: str, text: str) -> str:
    """ "2026-11-03 “…”" (trailing full stop dropped: the clause break after the quote is the line's)."""
    return f"{date} “{text.rstrip('. ')}”"


def title_or_gist(record: Record, limit: int = SHORT_QUOTE_CHARS) -> str:
    """What names a record briefly: its subject or title, else its gist."""
    title = (record.title or "").strip()
    return clip(title, limit) if title else gist(record, limit)
