"""An ICS feed body (Google's secret iCal address, an Outlook/Exchange published calendar, ...) to the meeting
occurrences that overlap a time window.

``icalendar`` reads the text and ``recurring_ical_events`` expands RRULE/RDATE/EXDATE and RECURRENCE-ID
overrides (highest SEQUENCE wins, RANGE=THISANDFUTURE included).
Time zones are resolved here, per feed, rather than trusting what ``icalendar`` attached while parsing: it
caches VTIMEZONE definitions process-wide by TZID, so a second feed's "Customized Time Zone" (Outlook) would
silently get the first feed's offsets.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
import zoneinfo
from collections import defaultdict
from typing import Any

import icalendar
import recurring_ical_events
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from relbot.calendar.models import ParsedFeed
from relbot.domain import Attendee, Occurrence
from relbot.errors import RelbotError
from relbot.ingest.loaders.htmltext import html_to_text

__all__ = ["MAX_DESCRIPTION_CHARS", "IcsError", "parse_feed"]

MAX_DESCRIPTION_CHARS = 4000
UTC = dt.UTC

_USE_ICS = "use the calendar's secret iCal (.ics) address"
# Expanding these from a DTSTART years back means millions of instances; no meeting recurs like that.
_UNSUPPORTED_FREQS = frozenset({"SECONDLY", "MINUTELY"})
# Properties whose damage makes an event's timing unknowable: the event is skipped rather than guessed at.
_TIMING_PROPS = frozenset({"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE"})
_DATE_PROPS = ("DTSTART", "DTEND", "RECURRENCE-ID")
_DATE_LIST_PROPS = ("EXDATE", "RDATE")
# Beyond the widest UTC offsets (+14/-12), so all-day and zone-shifted instances at the window's edges are
# found; the exact overlap test is done afterwards, in UTC.
_QUERY_MARGIN = dt.timedelta(days=1)

_EMAIL = re.compile(r"[^@\s<>\"'(),;:\[\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|p|br|hr|div|span|font|strong|em|ul|ol|li|table|tbody|thead|tr|td|th|html|head|body|meta"
    r"|style|title|h[1-6]|blockquote|pre|img|center)\b[^<>]*>",
    re.IGNORECASE,
)
_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")
_HTML_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<title[\s>]|<meta[\s>]", re.IGNORECASE)


class IcsError(RelbotError):
    """The body is not a calendar we can read; message says what was wrong and what to do (never includes the URL)."""


def parse_feed(body: bytes, *, window_start: dt.datetime, window_end: dt.datetime) -> ParsedFeed:
    """Every occurrence that overlaps [window_start, window_end) (aware datetimes), sorted by start.

    Raises ``IcsError`` when the body is not a readable calendar; an event that cannot be read on its own is
    left out and counted in ``ParsedFeed.skipped``. A naive window is a programming error (``ValueError``).
    """
    if window_start.utcoffset() is None or window_end.utcoffset() is None:
        raise ValueError("parse_feed needs timezone-aware window_start and window_end")
    try:
        return _parse(body, window_start.astimezone(UTC), window_end.astimezone(UTC))
    except IcsError:
        raise
    except Exception as exc:  # the libraries raise many kinds of error on odd input; callers only handle IcsError
        raise IcsError(_unreadable_message()) from exc


def _unreadable_message() -> str:
    return (
        "The calendar feed could not be read as iCalendar (its structure is broken); "
        f"check that the address is right ({_USE_ICS}) and try again later."
    )


# --- the body --------------------------------------------------------------------------------------------------


def _decode(body: bytes | bytearray | memoryview | str) -> str:
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    if not data.strip():
        raise IcsError(f"The calendar address returned an empty response, not an iCalendar feed; {_USE_ICS}.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IcsError(_binary_message()) from exc
    if data.startswith(b"\x1f\x8b"):
        raise IcsError(
            "The calendar address returned compressed (gzip) data instead of an iCalendar feed; "
            f"{_USE_ICS}, and make sure the download is decompressed."
        )
    if b"\x00" in data[:8192] or data.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise IcsError(_binary_message())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Exchange servers publish Windows-1252 without saying so.
        return data.decode("cp1252", errors="replace")


def _binary_message() -> str:
    return f"The calendar address returned a binary file, not an iCalendar feed; {_USE_ICS}."


def _check_shape(text: str) -> str:
    """The text from its BEGIN:VCALENDAR on, or an IcsError naming what came back instead."""
    stripped = text.lstrip()
    head = stripped[:4096]
    if head[:15].upper() != "BEGIN:VCALENDAR":
        if head.startswith("<") and _HTML_PAGE.search(head):
            raise IcsError(
                "The calendar address returned an HTML page, not an iCalendar feed (often a sign-in or "
                f"error page); {_USE_ICS}."
            )
        if head.startswith("<"):
            raise IcsError(
                "The calendar address returned an XML document, not an iCalendar feed (often an access-denied "
                f"error); {_USE_ICS}."
            )
        if head.startswith(("{", "[")):
            raise IcsError(
                "The calendar address returned JSON, not an iCalendar feed (it looks like an API address); "
                f"{_USE_ICS}."
            )
        found = re.search(r"^BEGIN:VCALENDAR\s*$", text, re.IGNORECASE | re.MULTILINE)
        if found is None:
            raise IcsError(
                "The calendar address returned something that is not an iCalendar feed (there is no "
                f"BEGIN:VCALENDAR); {_USE_ICS}."
            )
        stripped = text[found.start() :]
    last_line = stripped.rstrip().rsplit("\n", 1)[-1].strip()
    if last_line.upper() != "END:VCALENDAR":
        raise IcsError(
            "The calendar feed stops before its END:VCALENDAR line, so the download was cut short; try again "
            "in a few minutes (if it keeps happening, the calendar's server may be timing out on a large calendar)."
        )
    return stripped


# --- time zones ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _named_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """An IANA zone for an IANA name, a Windows name ("W. Europe Standard Time") or a "/vendor/Europe/Berlin"
    globally unique TZID."""
    cleaned = name.strip().strip("/")
    candidates = [cleaned]
    if cleaned in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[cleaned])
    if name.strip().startswith("/"):
        parts = cleaned.split("/")
        candidates.extend("/".join(parts[i:]) for i in range(1, len(parts)))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return None


class _Zones:
    """TZID → tzinfo for one feed: IANA and Windows names first (more trustworthy than a VTIMEZONE Outlook
    generated), then this feed's own VTIMEZONE, built fresh so no other feed's definition leaks in."""

    def __init__(self, vtimezones: dict[str, icalendar.Timezone]) -> None:
        self._vtimezones = vtimezones
        self._resolved: dict[str, dt.tzinfo | None] = {}

    def resolve(self, tzid: str) -> dt.tzinfo | None:
        if tzid not in self._resolved:
            zone: dt.tzinfo | None = _named_zone(tzid)
            component = self._vtimezones.get(tzid)
            if zone is None and component is not None:
                try:
                    zone = tzp.create_timezone(component)
                except Exception:  # a malformed VTIMEZONE: its events are read as floating instead
                    zone = None
            self._resolved[tzid] = zone
        return self._resolved[tzid]


def _feed_zone(
    calendar: icalendar.Calendar, zones: _Zones, vtimezones: dict[str, icalendar.Timezone]
) -> tuple[dt.tzinfo, str | None, bool]:
    """(zone for floating times and all-day dates, its name for ParsedFeed.timezone, whether X-WR-TIMEZONE)."""
    declared = _text(calendar, "X-WR-TIMEZONE")
    if declared:
        named = _named_zone(declared)
        if named is not None:
            return named, named.key, True
    if len(vtimezones) == 1:
        tzid = next(iter(vtimezones))
        zone = zones.resolve(tzid)
        if zone is not None:
            return zone, zone.key if isinstance(zone, zoneinfo.ZoneInfo) else tzid, False
    return UTC, None, False


def _localise(value: Any, tzid: str | None, zones: _Zones, floating: dt.tzinfo, utc_to: dt.tzinfo | None) -> Any:
    if isinstance(value, tuple):  # an RDATE period: (start, end or duration)
        return tuple(_localise(part, tzid, zones, floating, utc_to) for part in value)
    if not isinstance(value, dt.datetime):
        return value
    if tzid:
        # Replacing the zone keeps the wall clock, which is what a TZID means.
        value = value.replace(tzinfo=zones.resolve(tzid) or floating)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=floating)
    if utc_to is not None and value.tzname() == "UTC":
        # X-WR-TIMEZONE (Google): a UTC DTSTART still recurs on the calendar's local wall clock, the same local
        # time on both sides of a DST change. This is x_wr_timezone.to_standard's reading, done in place
        # because to_standard rebuilds the values without their parameters (RANGE=THISANDFUTURE is lost).
        value = value.astimezone(utc_to)
    return value


def _normalise_times(event: icalendar.Event, zones: _Zones, floating: dt.tzinfo, utc_to: dt.tzinfo | None) -> None:
    """Every date-time in the event becomes aware, in the zone this feed means."""
    for name in _DATE_PROPS:
        prop = event.get(name)
        if prop is not None:
            prop.dt = _localise(prop.dt, _tzid(prop), zones, floating, utc_to)
    for name in _DATE_LIST_PROPS:
        for prop in _as_list(event.get(name)):
            list_tzid = _tzid(prop)
            for item in prop.dts:
                item.dt = _localise(item.dt, _tzid(item) or list_tzid, zones, floating, utc_to)


def _tzid(prop: Any) -> str | None:
    params = getattr(prop, "params", None)
    tzid = params.get("TZID") if params is not None else None
    return str(tzid) if tzid else None


def _to_utc(value: dt.date, zone: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return aware.astimezone(UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=zone).astimezone(UTC)


def _instant_id(value: dt.date, zone: dt.tzinfo) -> str:
    if isinstance(value, dt.datetime):
        return _to_utc(value, zone).isoformat()
    return value.isoformat()


# --- events ----------------------------------------------------------------------------------------------------


def _readable(event: icalendar.Event) -> bool:
    if not _text(event, "UID"):
        return False  # without a UID there is no stable key to remember a brief by
    if any(name in _TIMING_PROPS for name, _ in event.errors):
        return False
    start = event.get("DTSTART")
    if start is None or isinstance(start, icalendar.vBroken) or not isinstance(start.dt, dt.date):
        return False
    end = event.get("DTEND")
    if end is not None and not isinstance(end.dt, dt.date):
        return False
    duration = event.get("DURATION")
    if duration is not None and not isinstance(duration.dt, dt.timedelta):
        return False
    for rule in _as_list(event.get("RRULE")):
        if str(_first(rule.get("FREQ")) or "").upper() in _UNSUPPORTED_FREQS:
            return False
    return True


def _cancelled(component: icalendar.Component) -> bool:
    return _text(component, "STATUS").upper() == "CANCELLED" or _text(component, "METHOD").upper() == "CANCEL"


def _sequence(component: icalendar.Component) -> int:
    try:
        return int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _master_cancelled(events: list[icalendar.Event]) -> bool:
    """Whether the series itself (not just one instance) is cancelled, going by its latest SEQUENCE."""
    masters = [e for e in events if e.get("RECURRENCE-ID") is None]
    if not masters:
        return False
    return _cancelled(max(masters, key=_sequence))


def _this_and_future_shifts(events: list[icalendar.Event], zone: dt.tzinfo) -> dict[str, dt.timedelta]:
    """RECURRENCE-ID;RANGE=THISANDFUTURE overrides move every later instance by (new start - original start);
    the library hands those instances back carrying the override's RECURRENCE-ID, so their own original start
    is recovered from this shift."""
    shifts: dict[str, dt.timedelta] = {}
    for event in events:
        rid = event.get("RECURRENCE-ID")
        if rid is None or str(rid.params.get("RANGE", "")).upper() != "THISANDFUTURE":
            continue
        start, original = event.get("DTSTART").dt, rid.dt
        if isinstance(start, dt.datetime) == isinstance(original, dt.datetime):
            shifts[_instant_id(original, zone)] = start - original
    return shifts


def _email(value: Any) -> str | None:
    text = str(value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    text = text.strip().lower()
    return text if _EMAIL.fullmatch(text) else None


def _attendees(component: icalendar.Component) -> tuple[Attendee, ...]:
    found: dict[str, Attendee] = {}
    for value in _as_list(component.get("ATTENDEE")):
        email = _email(value)
        if email is None or email in found:
            continue
        params = getattr(value, "params", {})
        name = str(params.get("CN") or "").strip() or None
        partstat = str(params.get("PARTSTAT") or "").strip().upper() or None
        found[email] = Attendee(email=email, name=name, partstat=partstat)
    return tuple(found.values())


def _unescape(value: str) -> str:
    """RFC 5545 TEXT escapes, for X- properties icalendar hands back raw."""
    return _TEXT_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _description(component: icalendar.Component) -> str:
    text = _text(component, "DESCRIPTION", strip=False)
    if _HTML_TAG.search(text):
        text = html_to_text(text)
    if not text.strip():
        # Outlook keeps the formatted body in X-ALT-DESC;FMTTYPE=text/html and may leave DESCRIPTION empty.
        for alt in _as_list(component.get("X-ALT-DESC")):
            fmttype = str(getattr(alt, "params", {}).get("FMTTYPE", "")).lower()
            markup = str(alt) if isinstance(alt, icalendar.vText) else _unescape(str(alt))
            if fmttype == "text/html" or _HTML_TAG.search(markup):
                text = html_to_text(markup)
                break
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text[:MAX_DESCRIPTION_CHARS].rstrip()


def _occurrence(
    instance: icalendar.Component,
    *,
    uid: str,
    recurring: bool,
    shifts: dict[str, dt.timedelta],
    zone: dt.tzinfo,
    window: tuple[dt.datetime, dt.datetime],
) -> Occurrence | None:
    if _cancelled(instance):
        return None
    start_value: dt.date = instance.get("DTSTART").dt
    end_prop = instance.get("DTEND")
    end_value: dt.date = end_prop.dt if end_prop is not None else start_value
    all_day = not isinstance(start_value, dt.datetime)
    start, end = _to_utc(start_value, zone), _to_utc(end_value, zone)
    end = max(end, start)
    window_start, window_end = window
    if not (start < window_end and (end > window_start or start == end == window_start)):
        return None
    key = uid
    if recurring:
        rid = instance.get("RECURRENCE-ID")
        original: dt.date = rid.dt if rid is not None else start_value
        if rid is not None and str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            shift = shifts.get(_instant_id(rid.dt, zone))
            if shift is not None:
                original = start_value - shift
        key = f"{uid}/{_instant_id(original, zone)}"
    organizer = instance.get("ORGANIZER")
    return Occurrence(
        uid=uid,
        key=key,
        start=start,
        end=end,
        all_day=all_day,
        title=_text(instance, "SUMMARY") or "(no title)",
        description=_description(instance),
        location=_text(instance, "LOCATION"),
        organizer=_email(organizer) if organizer is not None else None,
        attendees=_attendees(instance),
        sequence=max(_sequence(instance), 0),
        status="TENTATIVE" if _text(instance, "STATUS").upper() == "TENTATIVE" else "CONFIRMED",
    )


# --- the feed --------------------------------------------------------------------------------------------------


def _parse(body: bytes, window_start: dt.datetime, window_end: dt.datetime) -> ParsedFeed:
    text = _check_shape(_decode(body))
    try:
        parsed = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:
        raise IcsError(_unreadable_message()) from exc
    calendars = [c for c in parsed if isinstance(c, icalendar.Calendar)]
    if not calendars:
        raise IcsError(_unreadable_message())

    first = calendars[0]
    vtimezones: dict[str, icalendar.Timezone] = {}
    candidates: list[icalendar.Event] = []
    for calendar in calendars:
        cancels = _text(calendar, "METHOD").upper() == "CANCEL"
        for component in calendar.subcomponents:
            if isinstance(component, icalendar.Timezone) and _text(component, "TZID"):
                vtimezones.setdefault(_text(component, "TZID"), component)
            elif isinstance(component, icalendar.Event) and not cancels:
                candidates.append(component)

    zones = _Zones(vtimezones)
    zone, zone_name, from_x_wr = _feed_zone(first, zones, vtimezones)
    skipped = 0
    events: list[icalendar.Event] = []
    for event in candidates:
        if not _readable(event):
            skipped += 1
            continue
        if _text(event, "METHOD").upper() == "CANCEL":
            continue
        if isinstance(event.get("SEQUENCE"), icalendar.vBroken):
            del event["SEQUENCE"]  # the library compares SEQUENCE numerically; a broken one would sink the series
        _normalise_times(event, zones, zone, zone if from_x_wr else None)
        events.append(event)

    by_uid: dict[str, list[icalendar.Event]] = defaultdict(list)
    for event in events:
        by_uid[_text(event, "UID")].append(event)

    window = (window_start, window_end)
    query_start, query_end = window_start - _QUERY_MARGIN, window_end + _QUERY_MARGIN
    occurrences: list[Occurrence] = []
    for uid, series in by_uid.items():
        if _master_cancelled(series):
            continue
        recurring = any(
            e.get("RRULE") is not None or e.get("RDATE") is not None or e.get("RECURRENCE-ID") is not None
            for e in series
        )
        shifts = _this_and_future_shifts(series, zone)
        single = icalendar.Calendar()
        for event in series:
            single.add_component(event)
        try:
            # One query per UID, so a series the library cannot expand costs only that series.
            instances = recurring_ical_events.of(single).between(query_start, query_end)
            found = [
                _occurrence(i, uid=uid, recurring=recurring, shifts=shifts, zone=zone, window=window)
                for i in instances
            ]
        except Exception:  # whatever breaks inside one series' expansion, the rest of the feed is still good
            skipped += len(series)
            continue
        occurrences.extend(o for o in found if o is not None)

    occurrences.sort(key=lambda o: (o.start, o.end, o.key))
    calendar_name = _text(first, "X-WR-CALNAME") or None
    # Google's secret address names the calendar after its owner's address; Outlook says X-OWNER:mailto:...
    owners = {_email(calendar_name or ""), _email(_text(first, "X-OWNER"))}
    return ParsedFeed(
        occurrences=occurrences,
        calendar_name=calendar_name,
        timezone=zone_name,
        owner_emails=frozenset(o for o in owners if o),
        skipped=skipped,
    )


# --- small helpers ---------------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    items = _as_list(value)
    return items[0] if items else None


def _text(component: icalendar.Component, name: str, *, strip: bool = True) -> str:
    value = _first(component.get(name))
    if value is None:
        return ""
    text = str(value)
    return text.strip() if strip else text

