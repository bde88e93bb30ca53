"""Lenient calendar-date parsing for exported spreadsheets (ISO, ``3/5/2024 9:30 AM``, ``Mar 5, 2024``).

python-dateutil is in the environment only because chromadb's kubernetes client needs it, so relbot
does not rely on it; besides, dateutil guesses day/month order per value, while exports need one order
per file (see ``slash_order``). Times and zones are ignored: an activity's date is the calendar day the
export shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s,])")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:$|[T\s,])")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+)?"
_MONTH_FIRST = re.compile(rf"^{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?:$|[T\s,])", re.I)
_DAY_FIRST = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?[\s-]+(\d{{4}})(?:$|[T\s,])", re.I)


@dataclass(frozen=True)
class SlashOrder:
    """How ``a/b/yyyy`` dates in one column read: decided once per file, from values that prove it."""

    day_first: bool
    conflict: tuple[str, str] | None = None  # a day-first value and a month-first value, when both occur


def slash_order(values: Iterable[str]) -> SlashOrder:
    """``25/03/2024`` proves day-first, ``03/25/2024`` month-first; with no proof, month-first (US exports)."""
    day_first_proof: str | None = None
    month_first_proof: str | None = None
    for value in values:
        match = _NUMERIC.match(value.strip())
        if match is None or match[2] == ".":
            continue
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            day_first_proof = day_first_proof or value
        elif second > 12 >= first:
            month_first_proof = month_first_proof or value
    if day_first_proof and month_first_proof:
        return SlashOrder(day_first=False, conflict=(day_first_proof, month_first_proof))
    return SlashOrder(day_first=day_first_proof is not None)


def parse_date(value: str, *, day_first: bool = False) -> dt.date | None:
    """The calendar date in ``value``, or None when it is not a date this parser knows."""
    text = value.strip()
    try:
        if match := _ISO.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC.match(text):
            a, b, year = int(match[1]), int(match[3]), _full_year(match[4])
            # Dotted dates (05.03.2024) are day-first wherever they are written.
            if day_first or match[2] == ".":
                return dt.date(year, b, a)
            return dt.date(year, a, b)
        if (match := _MONTH_FIRST.match(text)) and match[1].lower() in _MONTHS:
            return dt.date(int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
        if (match := _DAY_FIRST.match(text)) and match[2].lower() in _MONTHS:
            return dt.date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        return None  # 2024-02-30, 13/13/2024: looks like a date, is not one
    return None


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 4:
        return year
    return 2000 + year if year < 70 else 1900 + year
