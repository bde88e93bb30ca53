"""When the client was last in touch and when the last status report went out, read from the records."""

from __future__ import annotations

import datetime as dt
import re

from relbot.analysis.prose_dates import dates_in
from relbot.analysis.text import all_sentences, is_question, sentences
from relbot.models import Record, SourceKind

# CRM rows that record a conversation with the client; tasks and internal notes do not.
_CRM_CONTACT = re.compile(r"^(?:call|meeting|email|e-mail|video call|lunch|visit)\s+[—–-]", re.I)
_REPORT = re.compile(r"\b(?:status report|(?:weekly|monthly|performance|campaign|results?)\s+(?:\w+\s+)?report|"
                     r"report|status update|results(?: email)?)\b", re.I)
_DELIVERED = re.compile(r"\b(?:sent|attached|went out|is out|here is|here's|this week's|delivered)\b", re.I)
_NOT_YET = re.compile(r"\b(?:not|haven't|hasn't|didn't|won't|will|we'll|I'll|still)\b", re.I)
_REPORT_CHASED = re.compile(r"\b(?:haven't (?:received|seen|had)|chas(?:e|ing|ed)|where is|still waiting)\b", re.I)


def is_contact(record: Record) -> bool:
    """A conversation with the client: an email, a call, meeting notes, a logged call or meeting.
    Slack here is the agency's internal channel, so it never counts."""
    if record.kind in (SourceKind.EMAIL, SourceKind.TRANSCRIPT, SourceKind.NOTE):
        return True
    return record.kind == SourceKind.CRM and bool(_CRM_CONTACT.match(record.text))


def in_range(records: list[Record], as_of: dt.date) -> list[Record]:
    return [r for r in records if r.date is not None and r.date <= as_of]


def last_contact(records: list[Record], as_of: dt.date) -> Record | None:
    contacts = [r for r in in_range(records, as_of) if is_contact(r)]
    return max(contacts, key=lambda r: (r.date, r.kind != SourceKind.CRM), default=None)


def report_deliveries(records: list[Record], as_of: dt.date) -> list[tuple[dt.date, Record]]:
    """(date sent, record saying so) for each status or performance report sent to the client, oldest first.
    A note written on the 12th that says "the report was sent on 5 November" dates the report the 5th."""
    found: dict[str, tuple[dt.date, Record]] = {}
    for s in all_sentences(in_range(records, as_of)):
        text = s.text
        if (s.record.date and _REPORT.search(text) and _DELIVERED.search(text) and not _NOT_YET.search(text)
                and not is_question(text)):
            stated = [d for d in dates_in(text, s.record.date) if d <= s.record.date]
            found.setdefault(s.record.id, (max(stated, default=s.record.date), s.record))
    # Same day: the email or logged activity that sent it before a note that mentions it afterwards.
    return sorted(found.values(), key=lambda pair: (pair[0], pair[1].kind != SourceKind.NOTE))


def report_chases(records: list[Record], as_of: dt.date, since: dt.date) -> list[Record]:
    """Emails, calls and logged activities where the client had to ask for a report (not later retellings)."""
    found: dict[str, Record] = {}
    told = (SourceKind.EMAIL, SourceKind.TRANSCRIPT, SourceKind.CRM)
    for s in all_sentences(in_range(records, as_of)):
        if (s.record.kind in told and s.record.date and s.record.date >= since and _REPORT.search(s.text)
                and _REPORT_CHASED.search(s.text)):
            found.setdefault(s.record.id, s.record)
    return sorted(found.values(), key=lambda r: r.date or dt.date.min)


_COOLING = re.compile(
    r"\b(?:slow(?:ed|er)? (?:reply|replies|response|down)|has slowed|slowed since|replied after \d+ days|"
    r"took \w+ days to (?:answer|reply)|no reply|no answer|did not answer|didn't answer|pick this up later|"
    r"gone quiet|going quiet|go quiet|drift|missed (?:three|two|\d+) of|not joined)\b", re.I,
)


def cooling_words(record: Record) -> str:
    """The sentence of a record that shows the cooling (its first, when none matches)."""
    said = sentences(record)
    return next((s.text for s in said if _COOLING.search(s.text)), said[0].text if said else record.text)


def cooling_signs(records: list[Record], as_of: dt.date, limit: int = 3) -> list[Record]:
    """The latest records that show replies slowing or the client pulling back (playbook: going cold)."""
    found: dict[str, Record] = {}
    for s in all_sentences(in_range(records, as_of)):
        if _COOLING.search(s.text):
            found.setdefault(s.record.id, s.record)
    return sorted(found.values(), key=lambda r: r.date or dt.date.min)[-limit:]
