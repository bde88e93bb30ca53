"""`/relbot calendar` parsing and receipts (the address never echoed), and ``sync_one``'s lease."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relbot.calendar.fetch import FetchResult
from relbot.calendar.sync import SyncOptions, sync_one
from relbot.slack.commands import Calendar, CommandError, parse
from relbot.slack.subcommands import receipt
from relbot.store import calendar_feeds
from relbot.store.state import StateDB
from tests.slack.test_calendar_commands import feed_body

URL = "https://calendar.google.com/calendar/ical/maya%40x.example/private-5ecret7oken/basic.ics"


@pytest.mark.parametrize(("text", "expected"), [
    ("calendar", Calendar("status")),
    ("calendar status", Calendar("status")),
    (f"calendar connect {URL}", Calendar("connect", URL)),
    (f"Calendar CONNECT <{URL}>", Calendar("connect", f"<{URL}>")),  # Slack's link wrapping: fetch unwraps it
    ("calendar disconnect", Calendar("disconnect")),
    ("calendar lead 45", Calendar("lead", "45")),
    ("calendar lead default", Calendar("lead", "default")),
])
def test_calendar_commands_parse(text: str, expected: Calendar) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("calendar connect", "Which calendar?"),
    ("calendar lead", "How long before?"),
    ("calendar conect x", "Did you mean `/relbot calendar connect`?"),
    (f"calendar {URL}", "type `/relbot calendar connect` followed by its address"),
    (URL, "To connect a calendar, type `/relbot calendar connect URL`"),
    (f"webcal://{URL[8:]}", "To connect a calendar"),
])
def test_mistakes_get_a_specific_message_that_never_quotes_the_address(text: str, expected: str) -> None:
    with pytest.raises(CommandError) as err:
        parse(text)
    assert expected in str(err.value) and "5ecret" not in str(err.value)


def test_neither_the_receipt_nor_the_repr_carries_the_address() -> None:
    command = parse(f"calendar connect {URL}")
    assert "5ecret" not in receipt(command) and "5ecret" not in repr(command)
    assert "Connecting your calendar" in receipt(command)


@pytest.fixture()
def state(tmp_path: Path) -> StateDB:
    return StateDB(tmp_path / "state.sqlite3")


def test_sync_one_polls_that_feed_only_and_respects_another_pollers_lease(state: StateDB) -> None:
    now = dt.datetime.now(dt.UTC)
    for user, fid in (("U1", "f1"), ("U2", "f2")):
        calendar_feeds.add(state.db, user_id=user, feed_id=fid, url=f"https://cal.example/{fid}.ics", label=fid,
                           owner_email=None, added_by=user, now=now)
    fetched: list[str] = []

    def fetcher(url: str, **kw: object) -> FetchResult:
        fetched.append(url)
        return FetchResult(status="changed", body=feed_body(now))

    options = SyncOptions(owner="me")
    outcome = sync_one(state.db, options, user_id="U1", feed_id="f1", now=now, fetcher=fetcher)
    assert outcome is not None and outcome.result == "changed" and outcome.meetings == 2
    assert fetched == ["https://cal.example/f1.ics"]
    calendar_feeds.claim_due(state.db, owner="someone-else", now=now, force=True)  # holds both leases now
    assert sync_one(state.db, options, user_id="U1", feed_id="f1", now=now, fetcher=fetcher) is None
    assert sync_one(state.db, options, user_id="U9", feed_id="nope", now=now, fetcher=fetcher) is None
    assert fetched == ["https://cal.example/f1.ics"]
