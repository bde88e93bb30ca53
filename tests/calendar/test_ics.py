"""ICS feeds as Google and Outlook publish them, and the ways a feed address goes wrong."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import random
from pathlib import Path

import pytest

from relbot.calendar.ics import MAX_DESCRIPTION_CHARS, IcsError, parse_feed
from relbot.calendar.models import ParsedFeed
from relbot.domain import Occurrence

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"
UTC = dt.UTC
MAYA = "maya@northwind.agency"

WEEKLY_SYNC = "3q7v1k0f6m2c8dqk5hn0r9s4tb@google.com"
STANDUP = "0c9hd2k4s1ev7n3b6lq8m5pj2a@google.com"
KICKOFF = "6fh2q0m8o1k3vbc9p5t7r4n2ls@google.com"
OFFSITE = "1t4ik8sd0b2lm6qv9e3fh7nc5o@google.com"
STEERING = (
    "040000008200E00074C5B7101A82E008000000004C3E9A1B7F51DA010000000000000000100000003F7D1E2C9A8B4E6F8D2C1B0A9E8F7D6C"
)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


DECEMBER = (dt.datetime(2026, 12, 1, tzinfo=UTC), dt.datetime(2026, 12, 29, tzinfo=UTC))


def parse(body: bytes | str, start: dt.datetime = DECEMBER[0], end: dt.datetime = DECEMBER[1]) -> ParsedFeed:
    data = body.encode() if isinstance(body, str) else body
    return parse_feed(data, window_start=start, window_end=end)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_uid(feed: ParsedFeed, uid: str) -> list[Occurrence]:
    return [o for o in feed.occurrences if o.uid == uid]


def by_title(feed: ParsedFeed, title: str) -> Occurrence:
    [found] = [o for o in feed.occurrences if o.title == title]
    return found


def calendar(*events: str, header: str = "") -> str:
    """A minimal feed around ``events`` (each the lines between BEGIN:VEVENT and END:VEVENT)."""
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{header}{body}END:VCALENDAR\n"


# --- Google ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def google() -> ParsedFeed:
    return parse(fixture("google.ics"))


def test_google_feed_names_its_owner_and_zone(google: ParsedFeed) -> None:
    assert google.calendar_name == MAYA
    assert google.owner_emails == frozenset({MAYA})
    assert google.timezone == "Europe/London"
    assert google.skipped == 0


def test_occurrences_are_sorted_by_start(google: ParsedFeed) -> None:
    starts = [o.start for o in google.occurrences]
    assert starts == sorted(starts)
    assert all(o.start.tzinfo == UTC and o.end.tzinfo == UTC for o in google.occurrences)


def test_a_weekly_rule_yields_each_instance_in_the_window() -> None:
    feed = parse(fixture("google.ics"), at(7), at(21))
    standups = by_uid(feed, STANDUP)
    assert len(standups) == 10  # Mon-Fri for two weeks
    assert {o.start.weekday() for o in standups} == {0, 1, 2, 3, 4}
    assert all(o.start.time() == dt.time(9, 30) and o.end - o.start == dt.timedelta(minutes=15) for o in standups)


def test_a_rule_ends_at_its_until() -> None:
    feed = parse(fixture("google.ics"), at(14), at(28))
    assert max(o.start for o in by_uid(feed, STANDUP)) == at(18, 9, 30)


def test_exdate_moved_and_cancelled_instances(google: ParsedFeed) -> None:
    syncs = {o.key: o for o in by_uid(google, WEEKLY_SYNC)}
    assert sorted(syncs) == [
        f"{WEEKLY_SYNC}/2026-12-01T15:00:00+00:00",
        f"{WEEKLY_SYNC}/2026-12-08T15:00:00+00:00",  # moved, same key
        # 15 Dec: EXDATE; 22 Dec: cancelled instance; 29 Dec: after the window
    ]
    moved = syncs[f"{WEEKLY_SYNC}/2026-12-08T15:00:00+00:00"]
    assert (moved.start, moved.end) == (at(9, 16, 30), at(9, 17, 15))
    assert moved.description.startswith("Moved a day")


def test_the_last_instance_returns_when_the_window_covers_it() -> None:
    feed = parse(fixture("google.ics"), at(29), at(30))
    [last] = by_uid(feed, WEEKLY_SYNC)
    assert last.key == f"{WEEKLY_SYNC}/2026-12-29T15:00:00+00:00"
    assert last.start == at(29, 15)


def test_a_cancelled_event_is_left_out(google: ParsedFeed) -> None:
    assert "Harbor Foods menu tasting" not in {o.title for o in google.occurrences}


def test_a_one_off_event_is_keyed_by_its_uid_and_read_in_utc(google: ParsedFeed) -> None:
    kickoff = by_title(google, "Harbor Foods Q1 campaign kickoff")
    assert kickoff.key == kickoff.uid == KICKOFF
    assert (kickoff.start, kickoff.end) == (at(10, 14), at(10, 15))
    assert kickoff.location == "Northwind London - 3rd floor - Thames (8)"
    assert kickoff.sequence == 2
    assert not kickoff.all_day


def test_an_all_day_event(google: ParsedFeed) -> None:
    [offsite] = by_uid(google, OFFSITE)
    assert offsite.all_day
    assert (offsite.start, offsite.end) == (at(11), at(12))
    assert offsite.key == OFFSITE
    assert offsite.description == ""
    assert offsite.organizer is None and offsite.attendees == ()


def test_google_attendees(google: ParsedFeed) -> None:
    sync = by_uid(google, WEEKLY_SYNC)[0]
    assert sync.organizer == MAYA
    assert [(a.email, a.name, a.partstat) for a in sync.attendees] == [
        (MAYA, "Maya Chen", "ACCEPTED"),
        ("priya.raman@lumenhealth.com", "Priya Raman", "ACCEPTED"),
        ("tom.baker@lumenhealth.com", "tom.baker@lumenhealth.com", "TENTATIVE"),
        ("leo@northwind.agency", "Leo Martins", "NEEDS-ACTION"),
    ]
    kickoff = by_title(google, "Harbor Foods Q1 campaign kickoff")
    assert "c_18872jq9dvbs8h0mnf4k2@resource.calendar.google.com" in kickoff.emails()  # the room looks like mail


def test_the_owners_declined_invitation_is_kept_with_its_partstat(google: ParsedFeed) -> None:
    deep_dive = by_title(google, "Lumen Health claims data deep dive")
    assert deep_dive.partstat_of(google.owner_emails) == "DECLINED"
    assert deep_dive.organizer == "priya.raman@lumenhealth.com"


def test_google_meet_text_is_kept(google: ParsedFeed) -> None:
    sync = by_uid(google, WEEKLY_SYNC)[0]
    assert sync.description.startswith("Weekly status: campaign metrics, open asks, next steps.\n\n")
    assert "Join with Google Meet: https://meet.google.com/kxr-pqtd-wum" in sync.description


def test_an_html_description_becomes_text(google: ParsedFeed) -> None:
    text = by_title(google, "Harbor Foods Q1 campaign kickoff").description
    assert "<" not in text and "&amp;" not in text
    assert text.startswith("Agenda")
    assert "Budget & timeline" in text
    assert "Join with Google Meet: https://meet.google.com/kxr-pqtd-wum" in text


def test_lf_line_endings_read_the_same(google: ParsedFeed) -> None:
    assert parse(fixture("google.ics").replace(b"\r\n", b"\n")) == google


# --- Outlook ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outlook() -> ParsedFeed:
    return parse(fixture("outlook.ics"))


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("Harbor Foods / Northwind - spring menu launch review", at(8, 15, 30), at(8, 16, 30)),  # Eastern, UTC-5
        ("Harbor Foods Hamburg distributor call", at(14, 13), at(14, 13, 30)),  # W. Europe, UTC+1
        ("Lumen Health west coast check-in", at(10, 17), at(10, 17, 30)),  # only its VTIMEZONE knows: UTC-8
    ],
)
def test_windows_zone_names_resolve(outlook: ParsedFeed, title: str, start: dt.datetime, end: dt.datetime) -> None:
    meeting = by_title(outlook, title)
    assert (meeting.start, meeting.end) == (start, end)


def test_gmt_standard_time_follows_british_summer_time() -> None:
    # 5 Nov and 3 Dec are both after the clocks go back: 10:00 GMT Standard Time is 10:00 UTC.
    feed = parse(fixture("outlook.ics"), at(1, month=11), at(1))
    assert [o.start for o in by_uid(feed, STEERING)] == [at(5, 10, month=11), at(12, 10, month=11),
                                                         at(19, 10, month=11), at(26, 10, month=11)]


def test_outlook_recurrence_with_exdate_and_moved_instance(outlook: ParsedFeed) -> None:
    steering = {o.key: o for o in by_uid(outlook, STEERING)}
    assert sorted(steering) == [f"{STEERING}/2026-12-{day:02d}T10:00:00+00:00" for day in (3, 10, 17)]  # 24th out
    moved = steering[f"{STEERING}/2026-12-17T10:00:00+00:00"]
    assert moved.start == at(17, 14, 30)
    assert moved.title == "Lumen Health steering committee (year-end review)"


def test_outlook_attendees(outlook: ParsedFeed) -> None:
    review = by_title(outlook, "Harbor Foods / Northwind - spring menu launch review")
    assert review.organizer == "daniel.okafor@harborfoods.com"
    assert [(a.email, a.name, a.partstat) for a in review.attendees] == [
        (MAYA, "Maya Chen", "ACCEPTED"),
        ("daniel.okafor@harborfoods.com", "Okafor, Daniel", None),
        ("boardroom@harborfoods.com", "Harbor HQ - Boardroom", None),
        # "invalid:nomail" is not an address
    ]


def test_outlook_plain_description_is_kept_and_html_alt_desc_is_the_fallback(outlook: ParsedFeed) -> None:
    review = by_title(outlook, "Harbor Foods / Northwind - spring menu launch review")
    assert review.description.startswith("Walk through the spring menu launch plan and the retail partner timeline;")
    assert "Meeting ID: 318 442 907 615" in review.description
    assert "<" not in review.description.replace("<https://teams", "")  # Outlook's own "text<url>" link style

    hamburg = by_title(outlook, "Harbor Foods Hamburg distributor call")
    assert hamburg.description.startswith("Distributor update – volumes for Q1, cold-chain issues.")
    assert "Rotterdam port delays" in hamburg.description
    assert "\\" not in hamburg.description and "<" not in hamburg.description
    assert hamburg.status == "TENTATIVE"


def test_outlook_all_day_and_cancelled(outlook: ParsedFeed) -> None:
    party = by_title(outlook, "Northwind holiday party")
    assert party.all_day and (party.start, party.end) == (at(18), at(19))
    assert not any("packaging review" in o.title for o in outlook.occurrences)


def test_outlook_feed_metadata(outlook: ParsedFeed) -> None:
    assert outlook.calendar_name == "Maya Chen"
    assert outlook.owner_emails == frozenset({MAYA})  # from X-OWNER
    assert outlook.timezone is None  # several VTIMEZONEs, no X-WR-TIMEZONE
    assert outlook.skipped == 0


def test_another_feeds_customized_time_zone_does_not_leak_in() -> None:
    # icalendar caches VTIMEZONEs process-wide by TZID; Outlook reuses "Customized Time Zone" for any zone.
    other = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\n"
        "DTSTART:16010101T000000\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nEND:STANDARD\nEND:VTIMEZONE\n"
        "BEGIN:VEVENT\nUID:india\nDTSTART;TZID=Customized Time Zone:20261210T090000\nSUMMARY:x\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    assert parse(other).occurrences[0].start == at(10, 3, 30)
    assert by_title(parse(fixture("outlook.ics")), "Lumen Health west coast check-in").start == at(10, 17)
    assert parse(other).occurrences[0].start == at(10, 3, 30)


# --- time rules, inline feeds ----------------------------------------------------------------------------------


def test_floating_time_is_read_in_x_wr_timezone() -> None:
    feed = parse(calendar("UID:f\nDTSTART:20261207T100000\nDTEND:20261207T110000\nSUMMARY:x",
                          header="X-WR-TIMEZONE:America/New_York\n"))
    assert (feed.occurrences[0].start, feed.occurrences[0].end) == (at(7, 15), at(7, 16))
    assert feed.timezone == "America/New_York"


def test_floating_time_is_read_in_the_only_vtimezone() -> None:
    vtimezone = (
        "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\n"
        "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n"
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    feed = parse(calendar("UID:f\nDTSTART:20261207T100000\nSUMMARY:x", header=vtimezone))
    assert feed.occurrences[0].start == at(7, 9)
    assert feed.timezone == "Europe/Berlin"


def test_floating_time_without_a_zone_is_utc() -> None:
    feed = parse(calendar("UID:f\nDTSTART:20261207T100000\nSUMMARY:x"))
    assert feed.occurrences[0].start == at(7, 10)
    assert feed.timezone is None


def test_all_day_starts_at_midnight_in_the_feeds_zone() -> None:
    feed = parse(calendar(
        "UID:holiday\nDTSTART;VALUE=DATE:20261207\nRRULE:FREQ=WEEKLY;COUNT=2\nSUMMARY:Out of office",
        header="X-WR-TIMEZONE:America/New_York\n",
    ))
    assert [(o.start, o.end, o.all_day) for o in feed.occurrences] == [
        (at(7, 5), at(8, 5), True),  # no DTEND: one day
        (at(14, 5), at(15, 5), True),
    ]
    assert [o.key for o in feed.occurrences] == ["holiday/2026-12-07", "holiday/2026-12-14"]


def test_google_utc_rule_recurs_on_x_wr_timezone_wall_clock() -> None:
    # 14:00Z on 1 June is 15:00 BST; Google means "15:00 London every week", so 15:00Z in December.
    feed = parse(calendar("UID:u\nDTSTART:20260601T140000Z\nDTEND:20260601T143000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO\n"
                          "SUMMARY:x", header="X-WR-TIMEZONE:Europe/London\n"), at(7), at(8))
    assert feed.occurrences[0].start == at(7, 15)
    assert feed.occurrences[0].key == "u/2026-12-07T15:00:00+00:00"


def test_tzid_with_a_utc_rule_outside_google_stays_in_utc() -> None:
    feed = parse(calendar("UID:u\nDTSTART:20260601T140000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO\nSUMMARY:x"), at(7), at(8))
    assert feed.occurrences[0].start == at(7, 14)


def test_recurring_key_is_uid_and_utc_original_start() -> None:
    feed = parse(calendar("UID:abc\nDTSTART;TZID=America/New_York:20261207T100000\nRRULE:FREQ=DAILY;COUNT=1\n"
                          "SUMMARY:x"))
    assert feed.occurrences[0].key == "abc/2026-12-07T15:00:00+00:00"


def test_missing_dtend_uses_duration_else_the_start() -> None:
    feed = parse(calendar(
        "UID:d\nDTSTART:20261207T100000Z\nDURATION:PT45M\nSUMMARY:with duration",
        "UID:z\nDTSTART:20261207T120000Z\nSUMMARY:reminder",
    ))
    assert (by_title(feed, "with duration").start, by_title(feed, "with duration").end) == (at(7, 10), at(7, 10, 45))
    assert by_title(feed, "reminder").end == by_title(feed, "reminder").start == at(7, 12)


def test_rdate_adds_an_instance() -> None:
    feed = parse(calendar("UID:r\nDTSTART:20261207T100000Z\nDTEND:20261207T103000Z\nRDATE:20261210T160000Z\n"
                          "SUMMARY:x"))
    assert [(o.key, o.start) for o in feed.occurrences] == [
        ("r/2026-12-07T10:00:00+00:00", at(7, 10)),
        ("r/2026-12-10T16:00:00+00:00", at(10, 16)),
    ]


def test_highest_sequence_wins_for_the_same_instance() -> None:
    master = "UID:s\nDTSTART:20261207T100000Z\nDTEND:20261207T110000Z\nRRULE:FREQ=WEEKLY;COUNT=2\nSUMMARY:Sync"
    newer = "UID:s\nRECURRENCE-ID:20261214T100000Z\nDTSTART:20261214T160000Z\nDTEND:20261214T170000Z\n" \
            "SEQUENCE:3\nSUMMARY:Sync (afternoon)"
    older = "UID:s\nRECURRENCE-ID:20261214T100000Z\nDTSTART:20261215T090000Z\nDTEND:20261215T100000Z\n" \
            "SEQUENCE:1\nSUMMARY:Sync (Tuesday)"
    feed = parse(calendar(master, newer, older))
    second = feed.occurrences[1]
    assert (second.key, second.start, second.title) == ("s/2026-12-14T10:00:00+00:00", at(14, 16), "Sync (afternoon)")
    assert len(feed.occurrences) == 2


def test_highest_sequence_wins_for_a_one_off_event() -> None:
    feed = parse(calendar(
        "UID:o\nDTSTART:20261207T100000Z\nSEQUENCE:4\nSUMMARY:Rescheduled kickoff",
        "UID:o\nDTSTART:20261205T100000Z\nSEQUENCE:2\nSUMMARY:Kickoff",
    ))
    assert [(o.key, o.start, o.title) for o in feed.occurrences] == [("o", at(7, 10), "Rescheduled kickoff")]


@pytest.mark.parametrize("header", ["", "X-WR-TIMEZONE:Europe/London\n"])
def test_this_and_future_moves_later_instances_and_keeps_their_keys(header: str) -> None:
    feed = parse(calendar(
        "UID:t\nDTSTART:20261207T100000Z\nDTEND:20261207T110000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Review",
        "UID:t\nRECURRENCE-ID;RANGE=THISANDFUTURE:20261214T100000Z\nDTSTART:20261214T120000Z\n"
        "DTEND:20261214T130000Z\nSEQUENCE:1\nSUMMARY:Review (new slot)",
        header=header,
    ))
    assert [(o.key, o.start) for o in feed.occurrences] == [
        ("t/2026-12-07T10:00:00+00:00", at(7, 10)),
        ("t/2026-12-14T10:00:00+00:00", at(14, 12)),
        ("t/2026-12-21T10:00:00+00:00", at(21, 12)),
    ]


def test_a_cancelled_series_and_a_cancel_method_are_dropped() -> None:
    series = "UID:c\nDTSTART:20261207T100000Z\nRRULE:FREQ=DAILY;COUNT=5\nSEQUENCE:2\nSTATUS:CANCELLED\nSUMMARY:x"
    stale_move = "UID:c\nRECURRENCE-ID:20261208T100000Z\nDTSTART:20261208T150000Z\nSEQUENCE:1\nSUMMARY:x"
    assert parse(calendar(series, stale_move)).occurrences == []
    assert parse(calendar("UID:m\nDTSTART:20261207T100000Z\nSUMMARY:x", header="METHOD:CANCEL\n")).occurrences == []


def test_an_override_of_someone_elses_series_without_its_master_is_an_instance() -> None:
    feed = parse(calendar("UID:g\nRECURRENCE-ID:20261208T150000Z\nDTSTART:20261208T150000Z\nSUMMARY:x"))
    assert feed.occurrences[0].key == "g/2026-12-08T15:00:00+00:00"


def test_window_overlap_is_half_open() -> None:
    feed = parse(calendar(
        "UID:before\nDTSTART:20261206T230000Z\nDTEND:20261207T003000Z\nSUMMARY:crosses the start",
        "UID:ends\nDTSTART:20261206T220000Z\nDTEND:20261207T000000Z\nSUMMARY:ends at the start",
        "UID:at-end\nDTSTART:20261208T000000Z\nDTEND:20261208T010000Z\nSUMMARY:starts at the end",
    ), at(7), at(8))
    assert [o.uid for o in feed.occurrences] == ["before"]


def test_text_fields_and_limits() -> None:
    feed = parse(calendar(f"UID:l\nDTSTART:20261207T100000Z\nDESCRIPTION:{'x' * 5000}"))
    [only] = feed.occurrences
    assert only.title == "(no title)"
    assert len(only.description) == MAX_DESCRIPTION_CHARS
    assert only.location == ""


def test_windows_1252_text_is_read() -> None:
    body = calendar("UID:w\nDTSTART:20261207T100000Z\nSUMMARY:Q1 plan").encode().replace(b"Q1 plan", b"Q1 \x96 plan")
    assert parse(body).occurrences[0].title == "Q1 – plan"


def test_a_naive_window_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_feed(fixture("google.ics"), window_start=dt.datetime(2026, 12, 1), window_end=at(8))


# --- bad bodies ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "returned an empty response"),
        (b"  \r\n ", "returned an empty response"),
        (b"<!DOCTYPE html>\n<html><head><title>Sign in - Google Accounts</title></head><body>...</body></html>",
         "returned an HTML page, not an iCalendar feed"),
        (b"\n<html>\n<body>Please sign in</body></html>", "returned an HTML page"),
        (b'{"error": {"code": 401, "message": "Login Required"}}', "returned JSON"),
        (b'<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>', "returned an XML document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "returned a binary file"),
        (bytes(range(256)) * 4, "returned a binary file"),
        (gzip.compress(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), "compressed (gzip)"),
        (b"Not Found", "not an iCalendar feed (there is no BEGIN:VCALENDAR)"),
    ],
)
def test_a_body_that_is_not_a_calendar(body: bytes, says: str) -> None:
    with pytest.raises(IcsError, match=None) as raised:
        parse(body)
    message = str(raised.value)
    assert says in message
    assert "secret iCal (.ics) address" in message


def test_the_html_message_says_what_to_do() -> None:
    with pytest.raises(IcsError) as raised:
        parse(b"<!doctype html><html><body>Sign in</body></html>")
    assert str(raised.value) == (
        "The calendar address returned an HTML page, not an iCalendar feed (often a sign-in or error page); "
        "use the calendar's secret iCal (.ics) address."
    )


def test_a_truncated_feed() -> None:
    body = fixture("google.ics")
    with pytest.raises(IcsError, match="cut short"):
        parse(body[: len(body) // 2])


def test_a_broken_event_is_skipped_and_counted(google: ParsedFeed) -> None:
    body = fixture("google.ics").replace(b"DTSTART:20261216T110000Z", b"DTSTART:2026-12-16 11:00")
    feed = parse(body)
    assert feed.skipped == 1
    assert "Lumen Health claims data deep dive" not in {o.title for o in feed.occurrences}
    assert len(feed.occurrences) == len(google.occurrences) - 1


def test_a_bad_rule_or_missing_start_skips_only_that_event() -> None:
    feed = parse(calendar(
        "UID:ok\nDTSTART:20261207T100000Z\nSUMMARY:fine",
        "UID:rule\nDTSTART:20261207T100000Z\nRRULE:FREQ=SOMETIMES\nSUMMARY:bad rule",
        "UID:nostart\nSUMMARY:no start",
        "UID:minutely\nDTSTART:20000101T000000Z\nRRULE:FREQ=MINUTELY\nSUMMARY:every minute since 2000",
    ))
    assert [o.uid for o in feed.occurrences] == ["ok"]
    assert feed.skipped == 3


def test_mangled_feeds_raise_only_ics_error() -> None:
    body = fixture("google.ics").decode()
    lines = body.split("\r\n")
    rng = random.Random(20261202)
    for _ in range(60):
        mangled = list(lines)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(1, len(mangled) - 2)
            choice = rng.random()
            if choice < 0.4:
                del mangled[i]
            elif choice < 0.7:
                mangled[i] = mangled[i][: rng.randrange(len(mangled[i]) + 1)]
            else:
                mangled.insert(i, rng.choice(["BEGIN:VEVENT", "END:VEVENT", "DTSTART:x", "RRULE:FREQ=", ";;:"]))
        with contextlib.suppress(IcsError):  # any other exception fails the test
            parse("\r\n".join(mangled))


# --- size ------------------------------------------------------------------------------------------------------


def big_feed(events: int = 200, recurring: int = 50) -> str:
    parts = []
    for n in range(events):
        if n < recurring:
            parts.append(
                f"UID:weekly-{n}@northwind.agency\n"
                f"DTSTART;TZID=Europe/London:2026{1 + n % 11:02d}05T{9 + n % 8:02d}0000\n"
                f"DURATION:PT30M\nRRULE:FREQ=WEEKLY\nSUMMARY:Weekly {n}\n"
                f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Maya Chen:mailto:{MAYA}\n"
                "ATTENDEE;CN=Priya Raman:mailto:priya.raman@lumenhealth.com"
            )
        else:
            parts.append(
                f"UID:single-{n}@northwind.agency\nDTSTART:202612{1 + n % 28:02d}T{8 + n % 10:02d}0000Z\n"
                f"DTEND:202612{1 + n % 28:02d}T{8 + n % 10:02d}4500Z\nSUMMARY:Meeting {n}\nDESCRIPTION:Agenda for {n}"
            )
    return calendar(*parts, header="X-WR-TIMEZONE:Europe/London\n")


def test_a_200_event_feed() -> None:
    feed = parse(big_feed(), at(7), at(21))
    assert len([o for o in feed.occurrences if o.uid.startswith("weekly-")]) == 100  # 50 series, 2 weeks
    singles = [o for o in feed.occurrences if o.uid.startswith("single-")]
    assert len(singles) == len({o.uid for o in singles}) == sum(1 for n in range(50, 200) if 7 <= 1 + n % 28 < 21)
    assert feed.skipped == 0
