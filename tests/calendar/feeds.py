"""Small ICS feeds for the meeting tests, shaped like Google's secret iCal address (CRLF, UTC times)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime
    minutes: int = 30
    title: str = "Weekly sync"
    organizer: str = "maya.chen@brightline.example.com"
    attendees: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    status: str = "CONFIRMED"
    sequence: int = 0
    description: str = ""
    extra: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["BEGIN:VEVENT", f"DTSTART:{_utc(self.start)}",
               f"DTEND:{_utc(self.start + dt.timedelta(minutes=self.minutes))}", "DTSTAMP:20261120T090000Z",
               f"ORGANIZER;CN={self.organizer}:mailto:{self.organizer}", f"UID:{self.uid}"]
        for who in (self.organizer, *self.attendees):
            state = "DECLINED" if who in self.declined else "ACCEPTED"
            out.append(f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={state};CN={who};"
                       f"X-NUM-GUESTS=0:mailto:{who}")
        out += [f"DESCRIPTION:{self.description}", f"SEQUENCE:{self.sequence}", f"STATUS:{self.status}",
                f"SUMMARY:{self.title}", "TRANSP:OPAQUE", *self.extra, "END:VEVENT"]
        return out


def calendar(*events: Event, owner: str = "maya.chen@brightline.example.com") -> bytes:
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{owner}", "X-WR-TIMEZONE:Europe/London"]
    for event in events:
        lines += event.lines()
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
