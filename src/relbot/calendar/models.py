"""What a calendar feed says, once parsed: one ``Occurrence`` per meeting instance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attendee:
    email: str  # lower-case addr-spec, "mailto:" removed
    name: str | None = None
    partstat: str | None = None  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, DELEGATED (upper-case)


@dataclass(frozen=True)
class Occurrence:
    """One instance of a meeting. ``key`` is stable when the instance moves (a new DTSTART, a RECURRENCE-ID
    override): ``uid`` for a one-off event, ``uid`` + ``/`` + the instance's original start (UTC, ISO) for an
    instance of a recurring one."""

    uid: str
    key: str
    start: dt.datetime  # timezone-aware, UTC
    end: dt.datetime  # timezone-aware, UTC
    all_day: bool
    title: str
    description: str = ""
    location: str = ""
    organizer: str | None = None  # lower-case e-mail
    attendees: tuple[Attendee, ...] = ()
    sequence: int = 0
    status: str = "CONFIRMED"  # CONFIRMED or TENTATIVE; cancelled events and instances are never returned

    def partstat_of(self, emails: frozenset[str]) -> str | None:
        """The participation status of whichever of ``emails`` is invited (the calendar's owner)."""
        return next((a.partstat for a in self.attendees if a.email in emails), None)

    def emails(self) -> list[str]:
        """Everyone on the invitation, organizer included, once each, in order."""
        found = [a.email for a in self.attendees]
        if self.organizer:
            found.insert(0, self.organizer)
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class ParsedFeed:
    occurrences: list[Occurrence]
    calendar_name: str | None = None  # X-WR-CALNAME; Google puts the owner's address there
    timezone: str | None = None  # X-WR-TIMEZONE, or the only VTIMEZONE's TZID
    owner_emails: frozenset[str] = field(default_factory=frozenset)  # what the feed says about its owner
    skipped: int = 0  # VEVENTs left out because they could not be read (a bad DTSTART, RRULE, ...)
