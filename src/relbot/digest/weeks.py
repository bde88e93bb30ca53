"""ISO weeks ("2026-W48"): parsing, the week a day falls in, and the day a digest is computed as of."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from relbot.errors import RelbotError

Clock = Callable[[], dt.datetime]  # returns an aware datetime; tests and `--now` inject a fixed one
_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.I)


class WeekError(RelbotError):
    """A week that cannot be read, or one that has not started yet."""


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text)
        if not match:
            raise WeekError(f"'{text}' is not an ISO week; use YYYY-Www, e.g. 2026-W48.")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise WeekError(f"{year} has no week {week}; ISO years have 52 or 53 weeks.") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: dt.date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def start(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.start + dt.timedelta(weeks=weeks))

    def as_of(self, today: dt.date) -> dt.date:
        """The week's Sunday, or ``today`` while the week is still running; a future week is an error."""
        if self.start > today:
            raise WeekError(f"{self} has not started yet (today is {today.isoformat()}).")
        return min(self.end, today)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"
