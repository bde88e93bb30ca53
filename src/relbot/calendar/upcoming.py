"""What relbot sees in a user's calendar: each meeting, the account it belongs to and why, and when its brief
is pushed. `relbot meetings`, `/relbot calendar` and the pusher all read it from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from relbot.calendar.matching import AccountIndex, Match
from relbot.domain import Occurrence
from relbot.store import calendar_feeds, meetings
from relbot.store.calendar_feeds import Feed
from relbot.store.database import Database

MAX_LEAD_MINUTES = 24 * 60
MIN_LEAD_MINUTES = 5


@dataclass(frozen=True)
class Meeting:
    user_id: str
    occurrence: Occurrence
    match: Match
    lead: dt.timedelta
    declined: bool

    @property
    def account(self) -> str | None:
        return self.match.account

    @property
    def push_at(self) -> dt.datetime | None:
        """When the brief goes out; None when nothing is pushed (no account, all-day, declined)."""
        if self.account is None or self.occurrence.all_day or self.declined:
            return None
        return self.occurrence.start - self.lead

    def to_json(self) -> dict[str, object]:
        o = self.occurrence
        push_at = self.push_at
        return {
            "uid": o.uid, "key": o.key, "start": o.start.isoformat(), "end": o.end.isoformat(), "title": o.title,
            "account": self.account, "attendees": o.emails(),
            "push_at": push_at.isoformat() if push_at else None,
            "all_day": o.all_day, "declined": self.declined, "also_matches": self.match.also,
            "matched_because": self.match.reasons, "client_attendees": self.match.client_attendees,
        }


def owner_emails(feeds: Iterable[Feed]) -> dict[str, frozenset[str]]:
    """Each user's own addresses, as their feeds say (the address Slack gave, Google's X-WR-CALNAME)."""
    found: dict[str, set[str]] = {}
    for feed in feeds:
        mine = found.setdefault(feed.user_id, set())
        mine.update(a.lower() for a in (feed.owner_email, feed.calendar_name) if a and "@" in a)
    return {user: frozenset(emails) for user, emails in found.items()}


class MeetingView:
    def __init__(self, db: Database, index: AccountIndex, *, default_lead_minutes: int) -> None:
        self._db = db
        self._index = index
        self._default = default_lead_minutes

    def between(self, start: dt.datetime, end: dt.datetime, *, user_id: str | None = None,
                by_end: bool = False) -> list[Meeting]:
        feeds = calendar_feeds.listed(self._db, user_id=user_id)
        owners = owner_emails(feeds)
        leads = calendar_feeds.leads(self._db)
        seen: set[tuple[str, str, str]] = set()
        found: list[Meeting] = []
        for stored in meetings.between(self._db, start, end, user_id=user_id, by_end=by_end):
            o = stored.occurrence
            once = (stored.user_id, o.key, o.start.isoformat())
            if once in seen:  # the same meeting in two of the user's calendars
                continue
            seen.add(once)
            mine = owners.get(stored.user_id, frozenset())
            found.append(Meeting(
                user_id=stored.user_id, occurrence=o, match=self._index.match(o, mine),
                lead=dt.timedelta(minutes=leads.get(stored.user_id, self._default)),
                declined=(o.partstat_of(mine) or "") == "DECLINED"))
        return found

    def upcoming(self, user_id: str, *, now: dt.datetime, days: int = 7) -> list[Meeting]:
        """The user's meetings that have not ended, over the next ``days`` days."""
        return [m for m in self.between(now - dt.timedelta(days=1), now + dt.timedelta(days=days), user_id=user_id)
                if m.occurrence.end > now]
