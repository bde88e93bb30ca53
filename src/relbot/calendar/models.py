"""What a calendar feed says, once parsed: one ``Occurrence`` per meeting instance."""

from __future__ import annotations

from dataclasses import dataclass, field

from relbot.domain import Attendee, Occurrence

# Attendee and Occurrence are core types (relbot.domain: store/meetings.py keeps them too); re-exported here.
__all__ = ["Attendee", "Occurrence", "ParsedFeed"]


@dataclass(frozen=True)
class ParsedFeed:
    occurrences: list[Occurrence]
    calendar_name: str | None = None  # X-WR-CALNAME; Google puts the owner's address there
    timezone: str | None = None  # X-WR-TIMEZONE, or the only VTIMEZONE's TZID
    owner_emails: frozenset[str] = field(default_factory=frozenset)  # what the feed says about its owner
    skipped: int = 0  # VEVENTs left out because they could not be read (a bad DTSTART, RRULE, ...)
