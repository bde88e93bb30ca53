"""The pre-call brief, the recap and the nudge, end to end: a feed served over HTTP, the demo workspace, the
real Web API client against the local Slack server, and a controllable clock."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from relbot.calendar import registry
from relbot.calendar.run import CalendarRun, run_once
from relbot.config import load_settings
from relbot.services import Services, build_services
from relbot.slack.meeting_messenger import SlackMessenger
from relbot.store import meeting_deliveries
from tests.calendar.feeds import Event, calendar
from tests.conftest import copy_demo
from tests.digest.fake_dm import DigestSlack
from tests.support.ics_server import IcsServer

MAYA = "U0DEMO02"  # Lumen Health's account manager
SAM = "U0DEMO01"  # not on Lumen Health's team
MAYA_MAIL = "maya.chen@brightline.example.com"
SAM_MAIL = "sam.ortega@brightline.example.com"
RACHEL = "rachel.adeyemi@lumenhealth.example.org"  # Lumen Health's client contact, all over its records
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
CALL = NOW + dt.timedelta(minutes=20)  # inside the default 30-minute lead: due now


@pytest.fixture()
def svc(demo_build: Path, data_env: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("RELBOT_CALENDAR_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("RELBOT_AGENCY_DOMAINS", "brightline.example.com")
    copy_demo(demo_build, data_env)
    return build_services(load_settings())


@pytest.fixture()
def slack(demo_dm_slack: DigestSlack) -> DigestSlack:
    return demo_dm_slack


@pytest.fixture()
def feeds() -> Iterator[IcsServer]:
    with IcsServer() as server:
        yield server


@pytest.fixture()
def messenger(slack: DigestSlack) -> SlackMessenger:
    return SlackMessenger(WebClient(token="xoxb-test", base_url=slack.api_url, timeout=5))


def _connect(svc: Services, feeds: IcsServer, user: str, email: str, *events: Event) -> str:
    path = f"/calendar/ical/{user}/private-3fa2c1/basic.ics"
    feeds.publish(path, calendar(*events, owner=email))
    registry.connect(svc.state.db, user_id=user, url=feeds.url(path), owner_email=email, added_by="test", now=NOW)
    return path


def _run(svc: Services, messenger: SlackMessenger, now: dt.datetime, *, force: bool = True) -> CalendarRun:
    return run_once(svc, messenger, now=now, force=force, use_llm=False)


def _sent(run: CalendarRun) -> list[tuple[str, str]]:
    return [(p.kind, p.occurrence) for p in run.pushes if p.result == "sent"]


def _texts(slack: DigestSlack, user: str) -> list[str]:
    return [str(m["text"]) + " " + str(m["blocks"]) for m in slack.delivered_to(user)]


def _client_call(uid: str = "lumen-weekly", start: dt.datetime = CALL, **kw: Any) -> Event:
    return Event(uid=uid, start=start, title="Lumen Health weekly", attendees=(RACHEL,), **kw)


def test_a_client_meeting_is_briefed_once_before_it_starts(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                                           messenger: SlackMessenger) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call())
    first = _run(svc, messenger, NOW)
    assert [(p.kind, p.result, p.account) for p in first.pushes] == [("precall", "sent", "Lumen Health")]
    [posted] = slack.delivered_to(MAYA)
    assert "Lumen Health" in posted["text"] and "Lumen Health weekly" in str(posted["blocks"])
    assert posted["metadata"]["event_type"] == "relbot_meeting"
    again = _run(svc, messenger, NOW + dt.timedelta(minutes=1))
    assert [p.result for p in again.pushes] == ["already_sent"]
    assert len(slack.delivered_to(MAYA)) == 1


def test_nothing_is_pushed_before_the_lead_or_after_the_start(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                                              messenger: SlackMessenger) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call(start=NOW + dt.timedelta(minutes=45)))
    assert _run(svc, messenger, NOW).pushes == []  # push time is 14:15
    assert [p.result for p in _run(svc, messenger, NOW + dt.timedelta(minutes=15)).pushes] == ["sent"]
    later = _client_call(uid="late", start=NOW - dt.timedelta(minutes=5))
    _connect(svc, feeds, SAM, SAM_MAIL, later)  # already started: too late for a brief
    assert all(p.user_id != SAM for p in _run(svc, messenger, NOW).pushes)


def test_a_users_own_lead_time_moves_the_push(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                              messenger: SlackMessenger) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call(start=NOW + dt.timedelta(minutes=40)))
    assert _run(svc, messenger, NOW).pushes == []
    registry.set_lead(svc.state.db, user_id=MAYA, minutes=45, now=NOW)
    assert [p.result for p in _run(svc, messenger, NOW).pushes] == ["sent"]


def test_a_moved_meeting_is_pushed_again_for_its_new_time_and_a_cancelled_one_never(
        svc: Services, slack: DigestSlack, feeds: IcsServer, messenger: SlackMessenger) -> None:
    path = _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call(), Event(
        uid="cancelled", start=CALL, title="Lumen Health design review", attendees=(RACHEL,), status="CANCELLED"))
    assert [p.occurrence for p in _run(svc, messenger, NOW).pushes] == ["lumen-weekly"]
    moved = CALL + dt.timedelta(hours=2)
    feeds.publish(path, calendar(_client_call(start=moved, sequence=1), owner=MAYA_MAIL))
    assert _sent(_run(svc, messenger, NOW + dt.timedelta(minutes=5))) == []  # its new push time is 15:50
    at = moved - dt.timedelta(minutes=29)
    assert [(p.result, p.start) for p in _run(svc, messenger, at).pushes] == [("sent", moved)]
    assert len(slack.delivered_to(MAYA)) == 2
    assert all("design review" not in t for t in _texts(slack, MAYA))


def test_only_people_who_may_see_the_account_get_its_brief(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                                           messenger: SlackMessenger) -> None:
    _connect(svc, feeds, SAM, SAM_MAIL, _client_call())
    [outcome] = _run(svc, messenger, NOW).pushes
    assert (outcome.result, outcome.detail) == ("skipped", "not on the account's team")
    assert slack.delivered_to(SAM) == []
    assert [p.result for p in _run(svc, messenger, NOW + dt.timedelta(minutes=1)).pushes] == ["skipped"]


def test_internal_and_declined_meetings_push_nothing(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                                     messenger: SlackMessenger) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL,
             Event(uid="standup", start=CALL, title="Lumen Health prep", attendees=(SAM_MAIL,)),
             _client_call(uid="declined", declined=(MAYA_MAIL,)))
    assert _run(svc, messenger, NOW).pushes == []
    assert slack.delivered_to(MAYA) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_state(request: pytest.FixtureRequest, svc: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The demo's services over its SQLite file, then over a PostgreSQL database holding a copy of it."""
    if request.param == "sqlite":
        return svc
    from relbot.store.copy import copy_database
    from relbot.store.state import StateDB

    url = str(request.getfixturevalue("postgres").create_database())
    copy_database(svc.state.db, StateDB(url).db)
    monkeypatch.setenv("RELBOT_DATABASE_URL", url)
    return build_services(load_settings())


def test_two_schedulers_at_once_send_one_brief(shared_state: Services, slack: DigestSlack, feeds: IcsServer,
                                               messenger: SlackMessenger) -> None:
    svc = shared_state
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call())
    _run(svc, messenger, NOW - dt.timedelta(hours=1))  # read the feed; nothing due yet
    other = build_services(load_settings())  # a second process's services over the same state
    barrier = threading.Barrier(2)
    results: list[str] = []

    def tick(services: Services) -> None:
        barrier.wait()
        results.extend(p.result for p in run_once(services, messenger, now=NOW, use_llm=False).pushes)

    threads = [threading.Thread(target=tick, args=(s,)) for s in (svc, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results).count("sent") == 1, results
    assert len(slack.delivered_to(MAYA)) == 1


def test_notes_of_the_call_bring_a_recap_and_no_nudge(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                                      messenger: SlackMessenger, tmp_path: Path) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call())
    _run(svc, messenger, NOW)
    notes = tmp_path / "2026-11-23-weekly.md"
    notes.write_text("---\ntitle: Lumen Health weekly\ndate: 2026-11-23\nattendees: [Maya Chen, Rachel Adeyemi]\n"
                     "---\nRachel is worried about the accessibility audit slipping again.\n"
                     "Maya will send the revised launch timeline to Rachel by 2026-11-27.\n")
    svc.ingestor.ingest_paths([notes], account="Lumen Health")
    after = _run(svc, messenger, CALL + dt.timedelta(minutes=45))
    assert [(p.kind, p.result) for p in after.pushes] == [("recap", "sent")]
    recap = _texts(slack, MAYA)[-1]
    assert "Recap" in recap and "revised launch timeline" in recap
    next_morning = dt.datetime(2026, 11, 24, 9, 5, tzinfo=dt.UTC)
    assert _run(svc, messenger, next_morning).pushes == []
    assert len(slack.delivered_to(MAYA)) == 2


def test_no_notes_by_the_next_morning_bring_one_nudge(svc: Services, slack: DigestSlack, feeds: IcsServer,
                                                      messenger: SlackMessenger) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call())
    _run(svc, messenger, NOW)
    assert _run(svc, messenger, dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)).pushes == []
    morning = dt.datetime(2026, 11, 24, 9, 1, tzinfo=dt.UTC)  # Maya's zone is Europe/London
    assert [(p.kind, p.result) for p in _run(svc, messenger, morning).pushes] == [("nudge", "sent")]
    assert "/relbot log" in _texts(slack, MAYA)[-1]
    assert _run(svc, messenger, morning + dt.timedelta(minutes=5)).pushes == []
    assert meeting_deliveries.kinds_done(svc.state.db, MAYA, "lumen-weekly") == {"precall", "nudge"}


def test_a_feed_that_only_restamps_its_events_is_not_parsed_again() -> None:
    from relbot.calendar.sync import content_hash

    first = calendar(_client_call())
    restamped = first.replace(b"DTSTAMP:20261120T090000Z", b"DTSTAMP:20261123T140501Z")
    assert restamped != first and content_hash(restamped) == content_hash(first)
    assert content_hash(calendar(_client_call(sequence=1))) != content_hash(first)


def test_a_meeting_created_inside_its_lead_time_is_pushed_in_the_same_run(
        svc: Services, slack: DigestSlack, feeds: IcsServer, messenger: SlackMessenger) -> None:
    path = _connect(svc, feeds, MAYA, MAYA_MAIL)
    assert _run(svc, messenger, NOW).pushes == []
    feeds.publish(path, calendar(_client_call(uid="added-late", start=NOW + dt.timedelta(minutes=12)),
                                 owner=MAYA_MAIL))
    assert _sent(_run(svc, messenger, NOW + dt.timedelta(minutes=2))) == [("precall", "added-late")]


def test_the_minute_tick_does_not_ask_slack_for_users_it_already_knows(
        svc: Services, slack: DigestSlack, feeds: IcsServer, messenger: SlackMessenger) -> None:
    _connect(svc, feeds, MAYA, MAYA_MAIL, _client_call())
    _run(svc, messenger, NOW)  # the brief: one users.info, and her zone is kept
    asked = sum(1 for c in slack.calls if c.method == "users.info")
    for minute in range(1, 6):  # after the call, waiting for notes: every tick checks her meeting
        _run(svc, messenger, CALL + dt.timedelta(hours=1, minutes=minute), force=False)
    assert sum(1 for c in slack.calls if c.method == "users.info") == asked == 1
