"""`/relbot digest subscribe|unsubscribe|subscription` as the README promises them: signed commands in, the
Web API calls counted out, the subscription asserted in the state database, and the digest DM it leads to."""

from __future__ import annotations

import datetime as dt

import pytest

from relbot.digest import subscriptions as subs
from relbot.digest.delivery import send_due
from relbot.slack.commands import DIGEST_ACTIONS
from relbot.slack.digest_messenger import SlackDigestMessenger
from relbot.slack.digest_subscription import ACTIONS, NOT_ADMIN
from tests.slack.conftest import ADMIN, GENERAL, GUEST, LUMEN_CHANNEL, MAYA, SAM, Relbot
from tests.support.fake_slack import Call

LEO = "U0DEMO03"  # a full member on Harbor Foods' team


def reply(relbot: Relbot, text: str, *, user: str = MAYA, channel: str = LUMEN_CHANNEL) -> Call:
    """The private answer to one `/relbot …`, after checking the ack was the receipt, not the digest."""
    before = len(relbot.fake.calls_to("response_url"))
    ack = relbot.command(text, user=user, channel=channel)
    assert ack.status == 200 and ack.json()["response_type"] == "ephemeral"
    assert "digest subscription" in ack.json()["text"]
    post = relbot.fake.wait_for("response_url", before + 1)[-1]
    assert post.args["response_type"] == "ephemeral"
    return post


def stored(relbot: Relbot) -> dict[str, str]:
    return {s.user_id: s.describe() for s in subs.subscriptions(relbot.services.state)}


def test_subscribe_as_the_readme_shows_stores_it_and_answers_privately(relbot: Relbot) -> None:
    post = reply(relbot, "digest subscribe mon 08:00 Europe/London")
    assert "Subscribed. You will get the weekly digest Mondays at 08:00 (Europe/London), as a DM" in post.text()
    assert "Weekly digest ·" not in post.text()  # the old parser showed this week's digest instead
    assert stored(relbot) == {MAYA: "Mondays at 08:00 (Europe/London)"}
    expected = subs.Subscription(user_id=MAYA, day=0, at=dt.time(8), tz="Europe/London")
    assert subs.subscription(relbot.services.state, MAYA) == expected
    assert len(relbot.fake.calls_to("response_url")) == 1
    assert relbot.fake.calls_to("chat.postMessage") == [] and relbot.fake.calls_to("chat.postEphemeral") == []
    assert len(relbot.fake.calls_to("users.info")) == 1  # the access check's lookup serves the time zone too


def test_omitted_parts_are_monday_0800_and_the_users_own_slack_time_zone(relbot: Relbot) -> None:
    relbot.fake.users[SAM]["tz"] = "America/Chicago"
    post = reply(relbot, "digest subscribe", user=SAM, channel=GENERAL)
    assert "Mondays at 08:00 (America/Chicago)" in post.text() and "The time zone is your Slack one" in post.text()
    reply(relbot, "digest subscribe 17:30 tue", user=SAM, channel=GENERAL)  # any order; replaces the first
    assert stored(relbot) == {SAM: "Tuesdays at 17:30 (America/Chicago)"}
    post = reply(relbot, "digest subscribe Friday 7:05 asia/tokyo", user=SAM, channel=GENERAL)
    assert "Fridays at 07:05 (Asia/Tokyo)" in post.text() and "Slack one" not in post.text()
    assert stored(relbot) == {SAM: "Fridays at 07:05 (Asia/Tokyo)"}


def test_subscription_shows_it_and_unsubscribe_removes_it(relbot: Relbot) -> None:
    assert "You have no digest subscription" in reply(relbot, "digest subscription").text()
    reply(relbot, "digest subscribe wed 09:15 Europe/Paris")
    shown = reply(relbot, "digest subscription").text()
    assert "You get the weekly digest Wednesdays at 09:15 (Europe/Paris)." in shown
    assert "You will no longer get the weekly digest." in reply(relbot, "digest unsubscribe").text()
    assert stored(relbot) == {}
    assert "You had no digest subscription." in reply(relbot, "digest unsubscribe").text()


@pytest.mark.parametrize(("text", "expected"), [
    ("digest subscribe funday", "'funday' is not a day; use one of mon, tue, wed"),
    ("digest subscribe mon 25:00", "'25:00' is not a time; use HH:MM on a 24-hour clock"),
    ("digest subscribe 8am", "'8am' is not a time"),
    ("digest subscribe Europe/Londn", "'Europe/Londn' is not a time zone. Did you mean Europe/London"),
    ("digest subscribe London", "'London' is not a time zone. Did you mean Europe/London?"),
    ("digest subscribe mon tue", "Two values for the day: 'mon' and 'tue'"),
    ("digest subscribe @leo wed", "Name the person by their member ID"),
    ("digest subscribe <!channel>", "'&lt;!channel&gt;' is not a day"),  # quoted back, never a ping
])
def test_a_bad_day_time_or_zone_is_a_specific_private_error_and_stores_nothing(
    relbot: Relbot, text: str, expected: str
) -> None:
    post = reply(relbot, text)
    assert expected in post.text() and "relbot could not do that" in post.text()
    assert "Traceback" not in post.text()
    assert stored(relbot) == {}


def test_a_mistyped_digest_command_is_answered_in_the_ack_with_the_closest(relbot: Relbot) -> None:
    ack = relbot.command("digest subscibe mon")
    assert "Did you mean `/relbot digest subscribe`?" in ack.json()["text"]
    assert relbot.fake.posts() == [] and stored(relbot) == {}


def test_an_admin_may_subscribe_someone_else_in_their_slack_time_zone(relbot: Relbot) -> None:
    relbot.fake.users[LEO]["tz"] = "Asia/Singapore"
    post = reply(relbot, f"digest subscribe {LEO} wed", user=ADMIN, channel=GENERAL)
    assert f"<@{LEO}> will get the weekly digest Wednesdays at 08:00 (Asia/Singapore)" in post.text()
    reply(relbot, f"digest subscribe <@{LEO}|leo> thu 10:00", user=ADMIN, channel=GENERAL)  # an escaped mention
    assert stored(relbot) == {LEO: "Thursdays at 10:00 (Asia/Singapore)"}
    assert f"<@{LEO}> gets the weekly digest" in reply(relbot, f"digest subscription {LEO}", user=ADMIN).text()
    reply(relbot, f"digest unsubscribe {LEO}", user=ADMIN)
    assert stored(relbot) == {}


def test_others_cannot_change_someone_elses_and_nobody_can_subscribe_a_guest(relbot: Relbot) -> None:
    assert NOT_ADMIN in reply(relbot, f"digest subscribe {LEO}").text()
    assert "is a guest, external or deactivated account" in reply(
        relbot, f"digest subscribe {GUEST}", user=ADMIN, channel=GENERAL).text()
    assert "I could not find U0NOBODY1 in Slack" in reply(
        relbot, "digest subscribe U0NOBODY1", user=ADMIN, channel=GENERAL).text()
    assert "not available to guest" in reply(relbot, "digest subscribe", user=GUEST, channel=GENERAL).text()
    assert stored(relbot) == {}


def test_help_digest_shows_the_subscription_commands_in_the_ack(relbot: Relbot) -> None:
    text = relbot.command("help digest").json()["text"]
    for usage in ("`/relbot digest subscribe [day] [HH:MM] [Area/City]`", "`/relbot digest unsubscribe`",
                  "`/relbot digest subscription`", "Monday, 08:00 and your Slack time zone"):
        assert usage in text
    assert "`/relbot help digest`" in relbot.command("help").json()["text"]
    assert relbot.fake.posts() == []


def test_a_subscription_made_in_slack_is_the_one_the_sender_delivers(relbot: Relbot) -> None:
    relbot.fake.answer("conversations.open", lambda call: {"ok": True, "channel": {"id": "D0MAYADM9"}})
    reply(relbot, "digest subscribe tue 09:00 Europe/London")
    monday = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    messenger = SlackDigestMessenger(relbot.app.client)
    assert send_due(relbot.services, messenger, now=monday) == []  # not due before Tuesday 09:00
    [outcome] = send_due(relbot.services, messenger, now=monday + dt.timedelta(days=1))
    assert (outcome.recipient, outcome.week, outcome.result) == (MAYA, "2026-W48", "sent")
    [dm] = relbot.fake.calls_to("chat.postMessage")
    assert dm.args["channel"] == "D0MAYADM9" and "Weekly digest ·" in dm.text() and "Lumen Health" in dm.text()


def test_the_parser_and_the_subscription_module_agree_on_the_words() -> None:
    assert DIGEST_ACTIONS == ACTIONS
