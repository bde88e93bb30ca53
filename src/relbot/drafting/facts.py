"""Every figure, date and name a draft line states about an account must be in a record the line cites.

A *fact* is a money amount, a percentage, a number, an ISO date or a person's name (two or three capitalised
words). It is backed when one of the line's cited records states it: in its text, its date, author,
recipients or title, or a date it names ("by 15 October" is 2026-10-15), or when the account registry says
it (the account's name, contacts, people). What relbot computes and the line shows how it got is not an
account fact: a count of what the line lists ("raised 3 times", "2 undated"), a date difference next to its
date ("2026-11-18 (5 days ago)"), and relbot's own scores ("health 57 (was 59, -2)", "12/20 points").

The LLM path drops a claim whose facts its records do not back (drafting/llm_hook.py); `relbot eval
citations` counts the violations left in every draft, offline and LLM (eval/citation_eval.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relbot.analysis.commissives import soon_due
from relbot.analysis.prose_dates import dates_in
from relbot.models import Record

TEXT_FIELDS = ("text", "what", "detail", "why", "name")  # where a claim model keeps its statement
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_MONEY = re.compile(r"(?:[$€£]\s?\d[\d,]*(?:\.\d+)?\s?[kKmM]?\b)|(?:\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP)\b)")
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?%")
_NUMBER = re.compile(r"(?<![\w.:/-])\d[\d,]*(?:\.\d+)?(?![\w/:-])")
_NAME = re.compile(r"\b[A-Z][a-z][a-zA-Z'’-]+(?:\s+(?:van|de|von|da|del|di|le|la)?\s?[A-Z][a-zA-Z'’-]+){1,2}\b")
# What follows a number that counts what the line lists, or measures time since a date the line shows.
_COUNT_AFTER = re.compile(
    r"^\s?(?:×|x\b|times?\b|mentions?\b|mention\(s\)|time\(s\)|records?\b|record\(s\)|new\b|older\b|more\b|"
    r"commitments?\b|kept\b|overdue\b|open\b|undated\b|concerns?\b|"
    r"messages?\b|e-?mails?\b|calls?\b|meetings?\b|notes?\b|people\b|contacts?\b|chases?\b|items?\b|accounts?\b|"
    r"of\b|in a row\b|attempts?\b|replies\b|questions?\b|sections?\b|factors?\b|minutes?\b|min\b|h\b|hours?\b|"
    r"points?\b|pts\b)", re.IGNORECASE)
_SPAN_AFTER = re.compile(r"^\s?(?:days?|day\(s\))\b", re.IGNORECASE)  # "5 days ago": must be a date difference
# relbot's own scores: "health 57", "57/100", "12/20", "80 → 72", "(-8", "was 59".
_METRIC_BEFORE = re.compile(r"(?:health(?: score)?|score|was|→|->|[+-]|/)\s?$", re.IGNORECASE)
_METRIC_AFTER = re.compile(r"^\s?(?:/\s?\d+|→|->)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_COMMON = frozenset({"agree", "address", "ask", "confirm", "follow", "send", "thank", "new", "due", "concern",
                     "health", "waiting", "overdue", "last", "next", "recent", "open", "check", "reach", "bring",
                     "decide", "review", "share", "plan", "raise", "discuss", "note", "since", "today", "contact",
                     "call", "email", "meet", "schedule", "offer", "propose", "remind", "update", "prepare",
                     "invite", "clarify", "tell", "thanks", "welcome", "congratulate", "introduce", "loop"})
_SENTENCE_START = re.compile(r"(?:^|[.:;!?•—–(\"“]\s*)$")


@dataclass(frozen=True)
class Fact:
    kind: str  # money, percent, number, span (a number of days), date, name
    text: str
    at_start: bool = False  # a name candidate opening a sentence: its first word may just be capitalised there


def record_text(record: Record) -> str:
    """What a record says, as a line about it would put it: its date, author, recipients and title are part of
    it (an e-mail's headers say who wrote to whom), and the dates it names ("by 15 October", "over the
    weekend") count in the ISO form drafts write them in."""
    named = [*dates_in(record.text, record.date), soon_due(record.text, record.date)] if record.date else []
    named_dates = [d.isoformat() for d in named if d is not None]
    parts = [record.date.isoformat() if record.date else "", record.author or "", *record.participants,
             record.title or "", record.text]
    return " ".join(filter(None, [*parts, *named_dates]))


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text).rstrip(".").removesuffix(".0").removesuffix(".00")


def facts_in(text: str) -> list[Fact]:
    """The checkable facts of a line, each once."""
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str], at_start: bool = False) -> None:
        if any(a <= match.start() < b for a, b in taken):
            return
        taken.append(match.span())
        found.append(Fact(kind, match.group(0).strip(), at_start))

    for kind, pattern in (("date", _ISO), ("money", _MONEY), ("percent", _PERCENT)):
        for m in pattern.finditer(text):
            add(kind, m)
    for m in _NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        before, after = text[: m.start()], text[m.end():]
        if _COUNT_AFTER.match(after) or _METRIC_BEFORE.search(before) or _METRIC_AFTER.match(after):
            continue
        add("span" if _SPAN_AFTER.match(after) else "number", m)
    for m in _NAME.finditer(text):
        add("name", m, at_start=bool(_SENTENCE_START.search(text[: m.start()])))
    return list({(f.kind, f.text): f for f in found}.values())


class FactCheck:
    """Checks lines against one account's records and registry."""

    def __init__(self, records: Iterable[Record], *, registry: Iterable[str] = (), as_of: dt.date | None = None,
                 playbook: dict[str, str] | None = None) -> None:
        self._text = {r.id: record_text(r) for r in records}
        # A mailbox "frank.kelly@…" names Frank Kelly, as the people list reads it (ingest/loaders/addresses.py).
        self._lower = {rid: " ".join([t.lower(), *_address_names(t)]) for rid, t in self._text.items()}
        self._numbers = {rid: {_digits(n) for n in _NUMBER.findall(t) + _MONEY.findall(t)}
                         for rid, t in self._text.items()}
        self._registry = " ".join(registry).lower()
        # Words the records write in lower case ("thank", "agree", "review") are ordinary words, capitalised
        # only because a sentence starts with them: "Thank Priya" names nobody called "Thank".
        self._common = {w for t in self._text.values() for w in _LOWER_WORD.findall(t)} | _COMMON
        self._as_of = as_of
        self._playbook = {k: v.lower() for k, v in (playbook or {}).items()}

    def violations(self, text: str, record_ids: Sequence[str], sections: Sequence[str] = ()) -> list[Fact]:
        """The facts of ``text`` that none of ``record_ids`` (nor the registry, nor the cited playbook) states."""
        cited = [rid for rid in record_ids if rid in self._text]
        lowers = [self._lower[rid] for rid in cited]
        guidance = " ".join(self._playbook.get(s, "") for s in sections)
        guidance_numbers = {_digits(n) for n in _NUMBER.findall(guidance)}
        line_dates = [dt.date.fromisoformat(d) for d in _ISO.findall(text) if _valid(d)]
        bad = []
        for fact in facts_in(text):
            if fact.kind == "date":
                today = self._as_of is not None and fact.text == self._as_of.isoformat()
                ok = today or any(fact.text in t for t in lowers)
            elif fact.kind == "name":
                words = fact.text.split()
                if fact.at_start and words[0].lower() in self._common:
                    words = words[1:]
                if len(words) < 2:
                    continue
                fact = Fact("name", " ".join(words))
                name = fact.text.lower()
                ok = any(name in t for t in lowers) or name in self._registry or name in guidance
            else:
                value = _digits(fact.text)
                ok = any(value in self._numbers[rid] for rid in cited) or value in self._registry.split() \
                    or value in guidance_numbers \
                    or (fact.kind == "span" and _date_difference(value, line_dates, self._as_of))
            if not ok:
                bad.append(fact)
        return bad


_MAILBOX = re.compile(r"\b([a-z]{2,})[._]([a-z]{2,})(?:[._]([a-z]{2,}))?@", re.IGNORECASE)


def _address_names(text: str) -> list[str]:
    return [" ".join(p for p in m.groups() if p).lower() for m in _MAILBOX.finditer(text)]


def _valid(iso: str) -> bool:
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _date_difference(value: str, dates: Sequence[dt.date], as_of: dt.date | None) -> bool:
    if as_of is None or not value.isdigit():
        return False
    return any(abs((as_of - d).days) == int(value) for d in dates)
