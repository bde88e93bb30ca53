"""The meeting Messenger against the local Slack Web API: who may get a meeting DM, the post and its metadata,
and finding an earlier attempt's post by that metadata."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from relbot.calendar.content import Nudge
from relbot.calendar.pusher import Skip
from relbot.slack.meeting_messenger import EVENT_TYPE, SlackMessenger
from tests.slack.test_meeting_blocks import START, meeting
from tests.support.fake_slack import FakeSlack

DM = "D0MAYADM1"
MARKER = {"user": "U1", "kind": "nudge", "occurrence": "u1", "start": "2026-12-03T15:00:00+00:00"}


@pytest.fixture()
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_user("U1", "Maya Chen", tz="America/Chicago")
        slack.add_channel(DM, "maya-dm", im=True)
        slack.answer("conversations.open", lambda call: {"ok": True, "channel": {"id": DM}})
        yield slack


@pytest.fixture()
def messenger(fake: FakeSlack) -> SlackMessenger:
    return SlackMessenger(WebClient(token="xoxb-test", base_url=fake.api_url), clock=lambda: START)


def test_a_member_is_a_recipient_in_their_own_zone(messenger: SlackMessenger) -> None:
    found = messenger.recipient("U1")
    assert (found.user_id, found.tz) == ("U1", "America/Chicago")


@pytest.mark.parametrize("tz", [None, "", "Not/AZone"])
def test_a_missing_or_odd_zone_is_utc(fake: FakeSlack, messenger: SlackMessenger, tz: str | None) -> None:
    fake.users["U1"]["tz"] = tz
    assert messenger.recipient("U1").tz == "UTC"


@pytest.mark.parametrize("flag", ["is_restricted", "is_ultra_restricted", "is_stranger", "deleted", "is_bot"])
def test_guests_external_deleted_and_bots_are_skipped(fake: FakeSlack, messenger: SlackMessenger, flag: str) -> None:
    fake.users["U1"][flag] = True
    with pytest.raises(Skip):
        messenger.recipient("U1")


def test_an_unknown_user_is_skipped(messenger: SlackMessenger) -> None:
    with pytest.raises(Skip):
        messenger.recipient("U0NOBODY")


def test_post_carries_the_marker_and_no_unfurls(fake: FakeSlack, messenger: SlackMessenger) -> None:
    assert messenger.open_dm("U1") == DM
    ts = messenger.post(DM, Nudge(meeting=meeting(), tz="Europe/London", account="Lumen Health"), MARKER)
    call = fake.calls_to("chat.postMessage")[-1]
    assert ts and call.args["channel"] == DM
    assert call.args["metadata"] == {"event_type": EVENT_TYPE, "event_payload": MARKER}
    assert call.args["unfurl_links"] is False and call.args["unfurl_media"] is False
    assert "No notes from your call with *Lumen Health*" in call.text()


def test_find_posted_matches_the_marker_only(fake: FakeSlack, messenger: SlackMessenger) -> None:
    since = START - dt.timedelta(days=2)
    other = {**MARKER, "kind": "recap"}
    fake.add_message(DM, {"ts": f"{START.timestamp():.6f}", "text": "x",
                          "metadata": {"event_type": EVENT_TYPE, "event_payload": other}})
    assert messenger.find_posted(DM, MARKER, since=since) is None
    ts = f"{START.timestamp() + 1:.6f}"
    fake.add_message(DM, {"ts": ts, "text": "y", "metadata": {"event_type": EVENT_TYPE, "event_payload": MARKER}})
    assert messenger.find_posted(DM, MARKER, since=since) == ts
    call = fake.calls_to("conversations.history")[-1]
    assert call.args["include_all_metadata"] in (True, "1", "true") and int(call.args["limit"]) == 200
    assert float(call.args["oldest"]) == since.timestamp()


def test_without_history_access_it_warns_and_posts_again(fake: FakeSlack, messenger: SlackMessenger,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    fake.refuse("conversations.history", "missing_scope")
    with caplog.at_level(logging.WARNING):
        assert messenger.find_posted(DM, MARKER, since=START) is None
    assert "im:history" in caplog.text
