"""`/relbot calendar …` as a user meets it: signed commands into the real app, a real ICS feed on 127.0.0.1, the
Web API calls recorded by the local Slack. The feed address is a secret: it must not appear in any reply, Web API
call or log record, at any level."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator

import pytest

from relbot.calendar.fetch import redact_url
from relbot.store import calendar_feeds
from tests.slack import payloads
from tests.slack.conftest import GENERAL, GUEST, LUMEN_CHANNEL, MAYA, MAYA_DM, Relbot
from tests.slack.transports import Way
from tests.support.fake_slack import Call
from tests.support.ics_server import IcsServer

SECRET = "private-5ecret7oken0123456789abcdef"
PATH = f"/calendar/ical/maya%40brightline.example/{SECRET}/basic.ics"
GONE = f"/calendar/ical/old/{SECRET}/gone.ics"


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def feed_body(now: dt.datetime) -> bytes:
    """Tomorrow: a Lumen Health call (Rachel writes from a known address) and an internal stand-up."""
    day = (now + dt.timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)

    def event(uid: str, start: dt.datetime, title: str, *others: str) -> str:
        people = "".join(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}\r\n" for a in ("maya@brightline.example", *others))
        return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{_stamp(now)}\r\nDTSTART:{_stamp(start)}\r\n"
                f"DTEND:{_stamp(start + dt.timedelta(minutes=45))}\r\nSUMMARY:{title}\r\n"
                f"DESCRIPTION:Agenda: <!channel> metrics\r\nORGANIZER:mailto:maya@brightline.example\r\n{people}"
                "END:VEVENT\r\n")

    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            + event("lumen-1", day, "Lumen Health weekly sync", "rachel.adeyemi@lumenhealth.example.org")
            + event("standup-1", day - dt.timedelta(hours=5), "Team stand-up", "leo@brightline.example")
            + "END:VCALENDAR\r\n").encode()


@pytest.fixture(autouse=True)
def _private_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELBOT_CALENDAR_ALLOW_PRIVATE", "1")  # the feed server is on 127.0.0.1


@pytest.fixture()
def ics() -> Iterator[IcsServer]:
    with IcsServer() as server:
        server.publish(PATH, feed_body(dt.datetime.now(dt.UTC)))
        yield server


@pytest.fixture()
def cal(relbot: Relbot) -> Relbot:
    relbot.fake.users[MAYA]["profile"]["email"] = "maya@brightline.example"
    return relbot


def reply(relbot: Relbot, text: str, *, user: str = MAYA, channel: str = LUMEN_CHANNEL) -> Call:
    before = len(relbot.fake.calls_to("response_url"))
    ack = relbot.command(text, user=user, channel=channel)
    assert ack.status == 200 and ack.json()["response_type"] == "ephemeral"
    assert SECRET not in ack.body
    post = relbot.fake.wait_for("response_url", before + 1)[-1]
    assert post.args["response_type"] == "ephemeral"
    return post


def assert_secret_nowhere(relbot: Relbot, caplog: pytest.LogCaptureFixture) -> None:
    for call in relbot.fake.calls:
        assert SECRET not in json.dumps(call.args), call.method
    for record in caplog.records:
        assert SECRET not in record.getMessage(), record.name
        assert SECRET not in (record.exc_text or "")


def test_connect_reads_the_feed_at_once_and_answers_with_the_label_only(
    cal: Relbot, ics: IcsServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = ics.url(PATH)
    post = reply(cal, f"calendar connect {url}")
    text = post.text()
    assert redact_url(url) in text and SECRET not in text
    assert "Connected your calendar" in text
    assert "It holds 2 meeting(s) over the next 14 days, 1 of them with clients you work with." in text
    assert "Next: *Lumen Health* — Lumen Health weekly sync" in text and "brief at" in text
    assert "Briefs come 30 minutes before each client meeting (the workspace default)" in text
    assert len(ics.requests_to(PATH)) == 1  # polled at once, not on the next sync
    (feed,) = calendar_feeds.listed(cal.services.state.db, user_id=MAYA)
    assert feed.owner_email == "maya@brightline.example" and feed.events == 2 and not feed.failing
    assert_secret_nowhere(cal, caplog)


def test_a_bad_address_gets_the_specific_reason(cal: Relbot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    text = reply(cal, f"calendar connect ftp://calendar.example/{SECRET}.ics").text()
    assert "relbot can only read calendars over https://" in text
    assert calendar_feeds.listed(cal.services.state.db, user_id=MAYA) == []
    assert_secret_nowhere(cal, caplog)


def test_a_pasted_address_without_connect_is_not_quoted_back(cal: Relbot, ics: IcsServer,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for text in (f"calendar {ics.url(PATH)}", ics.url(PATH)):
        ack = cal.command(text)
        assert "calendar connect" in ack.json()["text"] and SECRET not in ack.body
    assert_secret_nowhere(cal, caplog)


def test_a_feed_that_fails_is_connected_and_the_reply_says_it_failed(
    cal: Relbot, ics: IcsServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    text = reply(cal, f"calendar connect {ics.url(GONE)}").text()
    assert "Connected your calendar" in text and "But I could not read it just now" in text
    assert "relbot keeps retrying" in text
    (feed,) = calendar_feeds.listed(cal.services.state.db, user_id=MAYA)
    assert feed.failing and feed.failures == 1
    status = reply(cal, "calendar").text()
    assert ":warning:" in status and "could not be read" in status and "next try" in status
    assert_secret_nowhere(cal, caplog)


def test_a_feed_that_keeps_failing_shows_on_the_app_home(cal: Relbot, ics: IcsServer) -> None:
    reply(cal, f"calendar connect {ics.url(GONE)}")
    db = cal.services.state.db
    with db.write() as conn:  # two more failed polls, as the scheduler would have recorded them
        from relbot.store.schema import calendar_feeds as table
        conn.execute(table.update().values(failures=3))
    cal.sender.event(payloads.home_opened(MAYA))
    view = cal.fake.wait_for("views.publish")[-1]
    text = view.text()
    assert "Calendar" in text and "keeps failing (3 times in a row" in text
    assert SECRET not in text and len(view.args["view"]["blocks"]) <= 100


def test_the_app_home_says_how_to_connect_then_shows_the_next_client_meeting(cal: Relbot, ics: IcsServer) -> None:
    cal.sender.event(payloads.home_opened(MAYA))
    assert "/relbot calendar connect URL" in cal.fake.wait_for("views.publish")[-1].text()
    reply(cal, f"calendar connect {ics.url(PATH)}")
    cal.sender.event(payloads.home_opened(MAYA))
    text = cal.fake.wait_for("views.publish", 2)[-1].text()
    assert "Next client meeting: *Lumen Health* — Lumen Health weekly sync" in text and "brief at" in text


def test_status_lists_client_meetings_and_counts_internal_ones(cal: Relbot, ics: IcsServer) -> None:
    assert "You have no calendar connected" in reply(cal, "calendar").text()
    reply(cal, f"calendar connect {ics.url(PATH)}")
    text = reply(cal, "calendar status").text()
    assert redact_url(ics.url(PATH)) in text and "read " in text
    assert "*Lumen Health* — Lumen Health weekly sync" in text and "brief at" in text
    assert "Team stand-up" not in text and "Not listed: 1 internal meeting(s)." in text


def test_a_user_off_the_team_sees_no_account_meeting(cal: Relbot, ics: IcsServer) -> None:
    sam = "U0DEMO01"  # not on Lumen Health's team
    cal.fake.users[sam]["profile"]["email"] = "sam@brightline.example"
    text = reply(cal, f"calendar connect {ics.url(PATH)}", user=sam, channel=GENERAL).text()
    assert "0 of them with clients" in text and "Lumen" not in text
    status = reply(cal, "calendar", user=sam, channel=GENERAL).text()
    assert "Lumen" not in status and "with no account you can see" in status


def test_lead_time_is_set_checked_and_reset(cal: Relbot) -> None:
    db = cal.services.state.db
    assert "Briefs now come 45 minutes before" in reply(cal, "calendar lead 45").text()
    assert calendar_feeds.leads(db) == {MAYA: 45}
    assert "Briefs now come 60 minutes before" in reply(cal, "calendar lead 1h").text()
    bad = reply(cal, "calendar lead soon").text()
    assert "'soon' is not a number of minutes" in bad
    assert "between 5 minutes and 24 hours" in reply(cal, "calendar lead 2").text()
    assert "Back to the workspace default: briefs come 30 minutes" in reply(cal, "calendar lead default").text()
    assert calendar_feeds.leads(db) == {}


def test_disconnect_removes_every_feed_and_says_how_many(cal: Relbot, ics: IcsServer) -> None:
    reply(cal, f"calendar connect {ics.url(PATH)}")
    text = reply(cal, "calendar disconnect").text()
    assert "Disconnected 1 calendar(s)" in text and SECRET not in text
    assert calendar_feeds.listed(cal.services.state.db, user_id=MAYA) == []
    assert "nothing to disconnect" in reply(cal, "calendar disconnect").text()


def test_a_guest_gets_nothing_and_nothing_is_stored(cal: Relbot, ics: IcsServer) -> None:
    text = reply(cal, f"calendar connect {ics.url(PATH)}", user=GUEST).text()
    assert "not available to guest or external accounts" in text
    assert calendar_feeds.listed(cal.services.state.db) == [] and ics.requests == []
    assert "not available to guest" in reply(cal, "calendar", user=GUEST).text()


def test_help_lists_the_calendar_commands(cal: Relbot) -> None:
    general = cal.command("help").json()["text"]
    assert "`/relbot calendar`" in general
    details = cal.command("help calendar").json()["text"]
    for expected in ("calendar connect URL", "calendar disconnect", "calendar lead 45", "lead default"):
        assert expected in details


def test_a_brief_buttons_in_a_dm_message_deliver_the_draft(cal: Relbot) -> None:
    """The pre-call message reuses the App Home's buttons: clicked in the DM, the draft arrives in the DM."""
    payload = cal.sender.block_action_payload(user=MAYA, action_id="relbot_home_questions", value="Lumen Health",
                                              channel=MAYA_DM)
    payload["container"] = {"type": "message", "channel_id": MAYA_DM, "message_ts": "1790000000.000100",
                            "is_ephemeral": False}
    assert cal.sender.interaction(payload).status == 200
    post = cal.fake.wait_for("chat.postMessage")[-1]
    assert post.args["channel"] == MAYA and "Feedback questions · Lumen Health" in post.text()


def test_the_address_never_reaches_a_log_over_http_or_socket_mode(
    over: Way, ics: IcsServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    over.fake.users[MAYA]["profile"]["email"] = "maya@brightline.example"
    before = len(over.fake.calls_to("response_url"))
    over.command(f"calendar connect {ics.url(PATH)}")
    post = over.fake.wait_for("response_url", before + 1)[-1]
    assert "Connected your calendar" in post.text()
    for call in over.fake.calls:
        assert SECRET not in json.dumps(call.args), call.method
    leaks = [r.name for r in caplog.records if SECRET in r.getMessage() or SECRET in (r.exc_text or "")]
    assert leaks == []
