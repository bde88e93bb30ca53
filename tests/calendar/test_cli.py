"""`relbot calendar add|list|remove|sync` and `relbot meetings --json` (DESIGN §2b), over a feed served locally."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from relbot.cli import main
from tests.calendar.feeds import Event, calendar
from tests.conftest import copy_demo
from tests.support.ics_server import IcsServer

MAYA = "U0DEMO02"
MAYA_MAIL = "maya.chen@brightline.example.com"
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SECRET_PATH = "/calendar/ical/maya.chen%40brightline.example.com/private-5e1c7a0b99d2/basic.ics"


@pytest.fixture()
def workspace(demo_build: Path, data_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RELBOT_CALENDAR_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("RELBOT_AGENCY_DOMAINS", "brightline.example.com")
    return copy_demo(demo_build, data_env)


@pytest.fixture()
def feeds() -> Iterator[IcsServer]:
    with IcsServer() as server:
        server.publish(SECRET_PATH, calendar(
            Event(uid="lumen-qbr", start=NOW + dt.timedelta(days=1, hours=6), title="Lumen Health QBR",
                  attendees=("rachel.adeyemi@lumenhealth.example.org", "priya.nair@harborfoods.example.com")),
            Event(uid="internal", start=NOW + dt.timedelta(days=1), title="Team standup",
                  attendees=("sam.ortega@brightline.example.com",)),
            Event(uid="offsite", start=NOW + dt.timedelta(days=2), title="Offsite",
                  attendees=("someone@unknown-client.example.net",)),
            owner=MAYA_MAIL))
        yield server


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_add_sync_and_list_meetings_as_design_says(workspace: Path, feeds: IcsServer,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "add", feeds.url(SECRET_PATH), "--user", MAYA]) == 0
    added = capsys.readouterr().out
    assert "private-5e1c7a0b99d2" not in added and "127.0.0.1" in added  # the host shown, never the secret path
    synced = _json(capsys, "calendar", "sync", "--force", "--now", NOW.isoformat(), "--json")
    assert isinstance(synced, dict) and synced["pushed"] is False
    assert [(f["result"], f["meetings"]) for f in synced["feeds"]] == [("changed", 3)]

    listed = _json(capsys, "meetings", "--user", MAYA, "--now", NOW.isoformat(), "--json")
    assert isinstance(listed, list) and len(listed) == 1
    [qbr] = listed
    assert {"uid", "start", "end", "title", "account", "attendees", "push_at"} <= set(qbr)
    assert (qbr["uid"], qbr["account"], qbr["also_matches"]) == ("lumen-qbr", "Lumen Health", ["Harbor Foods"])
    assert qbr["push_at"] == (NOW + dt.timedelta(days=1, hours=5, minutes=30)).isoformat()
    assert any("rachel.adeyemi@lumenhealth.example.org appears in" in why for why in qbr["matched_because"])

    every = _json(capsys, "meetings", "--user", MAYA, "--now", NOW.isoformat(), "--all", "--json")
    assert isinstance(every, list)
    by_uid = {m["uid"]: m for m in every}
    assert by_uid["internal"]["account"] is None and by_uid["internal"]["push_at"] is None
    assert by_uid["offsite"]["account"] is None  # an outside attendee no account knows

    feeds_listed = _json(capsys, "calendar", "list", "--json")
    assert isinstance(feeds_listed, list)
    [feed] = feeds_listed
    assert (feed["user"], feed["meetings"], feed["failures"]) == (MAYA, 3, 0)
    assert "private-5e1c7a0b99d2" not in json.dumps(feeds_listed)


def test_a_failing_feed_is_reported_and_backed_off(workspace: Path, feeds: IcsServer,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    feeds.fail(SECRET_PATH, 404)
    assert main(["calendar", "add", feeds.url(SECRET_PATH), "--user", MAYA]) == 0
    capsys.readouterr()
    assert main(["calendar", "sync", "--force", "--now", NOW.isoformat(), "--json"]) == 1
    [outcome] = json.loads(capsys.readouterr().out)["feeds"]
    assert outcome["result"] == "failed" and "404" in outcome["error"]
    [feed] = _json(capsys, "calendar", "list", "--json")  # type: ignore[misc]
    assert feed["failures"] == 1 and "404" in feed["error"]
    assert dt.datetime.fromisoformat(feed["next_poll_at"]) >= NOW + dt.timedelta(minutes=30)
    before = len(feeds.requests)
    assert main(["calendar", "sync", "--now", (NOW + dt.timedelta(minutes=1)).isoformat(), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["feeds"] == [] and len(feeds.requests) == before  # not due yet


def test_bad_input_gets_a_specific_message(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "add", "ftp://example.com/cal.ics", "--user", MAYA]) == 2
    assert "http" in capsys.readouterr().err
    assert main(["meetings", "--user", MAYA, "--days", "40"]) == 2
    assert "--days must be between 1 and 14" in capsys.readouterr().err
    assert main(["calendar", "remove", "nosuchfeed", "--user", MAYA]) == 2
    assert "No calendar `nosuchfeed`" in capsys.readouterr().err


def test_remove_disconnects_the_feed_and_its_meetings(workspace: Path, feeds: IcsServer,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    main(["calendar", "add", feeds.url(SECRET_PATH), "--user", MAYA])
    main(["calendar", "sync", "--force", "--now", NOW.isoformat()])
    capsys.readouterr()
    assert main(["calendar", "remove", "--user", MAYA]) == 0
    assert "Removed 1 calendar(s)" in capsys.readouterr().out
    assert _json(capsys, "meetings", "--user", MAYA, "--now", NOW.isoformat(), "--all", "--json") == []
    assert _json(capsys, "calendar", "list", "--json") == []
