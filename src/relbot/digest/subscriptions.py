"""Who gets the weekly digest, on which day, at what local time: validated, stored in the state DB.

A subscription is due once its local weekday and time have passed in the current ISO week of its own time
zone; the delivery ledger then makes sure that week's digest goes out once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from functools import cache

from pydantic import BaseModel, Field, field_serializer

from relbot.digest.weeks import IsoWeek
from relbot.errors import RelbotError
from relbot.store import subscription_rows
from relbot.store.state import StateDB

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class SubscriptionError(RelbotError):
    """A subscription request that cannot be stored; the message says which part is wrong and how to fix it."""


class Subscription(BaseModel):
    user_id: str
    day: int = Field(ge=0, le=6)  # 0 = Monday, as in date.weekday()
    at: dt.time
    tz: str

    @field_serializer("at")
    def _hh_mm(self, at: dt.time) -> str:
        return at.strftime("%H:%M")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.tz)

    def describe(self) -> str:
        return f"{DAY_NAMES[self.day]} at {self.at.strftime('%H:%M')} ({self.tz})"

    def due_week(self, now: dt.datetime) -> IsoWeek | None:
        """The local ISO week whose digest is due at ``now`` (aware), or None before this week's send time."""
        local = now.astimezone(self.zone)
        week = IsoWeek.of(local.date())
        send_at = dt.datetime.combine(week.start + dt.timedelta(days=self.day), self.at, tzinfo=self.zone)
        return week if local >= send_at else None


def parse_user(text: str) -> str:
    user = text.strip().removeprefix("<@").removesuffix(">").split("|", 1)[0].upper()
    if not _USER.match(user):
        raise SubscriptionError(f"'{text}' is not a Slack user id; use the member id, like U0123ABCD "
                                "(profile → ⋮ → Copy member ID).")
    return user


def parse_day(text: str) -> int:
    word = text.strip().lower()
    for index, day in enumerate(DAYS):
        if word == day or (len(word) >= 3 and DAY_NAMES[index].lower().startswith(word)):
            return index
    raise SubscriptionError(f"'{text}' is not a day; use one of {', '.join(DAYS)}.")


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise SubscriptionError(f"'{text}' is not a time; use HH:MM on a 24-hour clock, e.g. 08:00 or 17:30.")
    return dt.time(hour, minute)


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


@cache
def _cities() -> dict[str, list[str]]:
    """'london' → ['Europe/London']: the last part of each Area/City name, for suggestions."""
    found: dict[str, list[str]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if "/" in name:
            found.setdefault(name.rsplit("/", 1)[1].casefold(), []).append(name)
    return found


def is_zone_like(text: str) -> bool:
    """A zone name, or the city of one ('London'): meant as a time zone, even if not spelled as one."""
    word = text.strip().casefold()
    return word in _zones() or word.replace(" ", "_") in _cities()


def parse_tz(text: str) -> str:
    word = text.strip().casefold()
    name = _zones().get(word)
    if name:
        return name
    close = _cities().get(word.replace(" ", "_")) or [
        _zones()[c] for c in difflib.get_close_matches(word, _zones().keys(), n=3, cutoff=0.6)]
    hint = f" Did you mean {', '.join(close[:3])}?" if close else " Use an IANA name: Europe/London."
    raise SubscriptionError(f"'{text}' is not a time zone.{hint}")


def make(user: str, *, day: str, at: str, tz: str) -> Subscription:
    return Subscription(user_id=parse_user(user), day=parse_day(day), at=parse_time(at), tz=parse_tz(tz))


def subscribe(state: StateDB, sub: Subscription, *, by: str | None = None) -> Subscription:
    subscription_rows.save(state, subscription_rows.Row(sub.user_id, sub.day, sub.at.strftime("%H:%M"), sub.tz), by=by)
    return sub


def unsubscribe(state: StateDB, user_id: str) -> bool:
    return subscription_rows.delete(state, parse_user(user_id))


def subscriptions(state: StateDB) -> list[Subscription]:
    return [Subscription(user_id=r.user_id, day=r.day, at=dt.time.fromisoformat(r.at), tz=r.tz)
            for r in subscription_rows.all_rows(state)]


def subscription(state: StateDB, user_id: str) -> Subscription | None:
    return next((s for s in subscriptions(state) if s.user_id == user_id), None)
