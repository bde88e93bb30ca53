"""Dates written in prose ("by Friday 12 June", "by October 15", "by the 20th", "by 9/20"), resolved
against the date of the record that says them."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WD = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = (
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<us>\d{{1,2}}/\d{{1,2}})(?!/?\d)"
    rf"|(?:(?P<wd1>{_WD}),?\s+)?(?:the\s+)?(?:(?P<md_m>{_MONTH})\s+(?P<md_d>{_DAY})"
    rf"|(?P<dm_d>{_DAY})(?:\s+of)?\s+(?P<dm_m>{_MONTH}))(?:,?\s+(?P<year>20\d\d))?"
    rf"|(?:(?P<wd2>{_WD})\s+)?(?:the\s+)?(?P<nth>\d{{1,2}}(?:st|nd|rd|th))(?!\s+of\s+(?:each|every))"
    rf"|(?P<wd3>{_WD})(?!\s*\d)"
    rf"|(?P<rel>tomorrow|end of (?:the )?(?:week|month))"
)
DATE_RE = re.compile(rf"\b(?:{DATE})\b", re.I)
# What precedes a due date: "by", "before", "no later than", "due (on)"; "for" only after a promise word.
DUE_RE = re.compile(rf"\b(?:by|before|no later than|due(?: on| by)?|deadline(?: is| of)?)\s+(?:{DATE})\b", re.I)
PROMISED_FOR_RE = re.compile(rf"\b(?:promised|committed)\s+(?:to \w+\s+)?for\s+(?:{DATE})\b", re.I)


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _in_year(anchor: dt.date, month: int, day: int, year: int | None) -> dt.date | None:
    """A month and day with no year is the occurrence nearest after a little before ``anchor``."""
    try:
        if year:
            return dt.date(year, month, day)
        candidate = dt.date(anchor.year, month, day)
        if candidate < anchor - dt.timedelta(days=90):
            candidate = dt.date(anchor.year + 1, month, day)
        elif candidate > anchor + dt.timedelta(days=275):
            candidate = dt.date(anchor.year - 1, month, day)
        return candidate
    except ValueError:
        return None  # "February 30": looks like a date, is not one


def _weekday_after(anchor: dt.date, name: str) -> dt.date:
    wanted = _WEEKDAYS[name[:3].lower()]
    return anchor + dt.timedelta(days=(wanted - anchor.weekday() - 1) % 7 + 1)


def resolve(match: re.Match[str], anchor: dt.date) -> dt.date | None:
    g = match.groupdict()
    if g["iso"]:
        try:
            return dt.date.fromisoformat(g["iso"])
        except ValueError:
            return None
    if g["us"]:
        month, day = (int(p) for p in g["us"].split("/"))
        return _in_year(anchor, month, day, None) if 1 <= month <= 12 else None
    year = int(g["year"]) if g["year"] else None
    if g["md_m"]:
        return _in_year(anchor, _MONTHS[g["md_m"][:3].lower()], _number(g["md_d"]), year)
    if g["dm_m"]:
        return _in_year(anchor, _MONTHS[g["dm_m"][:3].lower()], _number(g["dm_d"]), year)
    if g["nth"]:
        day = _number(g["nth"])
        month_start = anchor.replace(day=1)
        if day < anchor.day:  # "the 5th" said on the 20th means next month's
            month_start = (month_start + dt.timedelta(days=32)).replace(day=1)
        try:
            return month_start.replace(day=day)
        except ValueError:
            return None
    if g["wd3"]:
        return _weekday_after(anchor, g["wd3"])
    rel = (g["rel"] or "").lower()
    if rel == "tomorrow":
        return anchor + dt.timedelta(days=1)
    if rel.endswith("week"):
        return anchor + dt.timedelta(days=(4 - anchor.weekday()) % 7)
    if rel.endswith("month"):
        return (anchor.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return None


def due_date(text: str, anchor: dt.date) -> tuple[dt.date, int] | None:
    """The first due date in ``text`` ("by …", "promised for …") and where its phrase starts."""
    for pattern in (DUE_RE, PROMISED_FOR_RE):
        if match := pattern.search(text):
            date = resolve(match, anchor)
            if date:
                return date, match.start()
    return None


def dates_in(text: str, anchor: dt.date) -> list[dt.date]:
    return [d for m in DATE_RE.finditer(text) if (d := resolve(m, anchor))]
