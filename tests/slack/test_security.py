"""Requests that are not Slack's are rejected; people and places without access get a refusal and no data,
on every surface; logs at INFO carry no client text."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.slack import payloads
from tests.slack.conftest import (
    ADMIN,
    GENERAL,
    GUEST,
    LUMEN_CHANNEL,
    MAYA,
    MAYA_DM,
    OUTSIDER,
    SAM,
    SHARED,
    Relbot,
)
from tests.support.fake_slack import Call
from tests.support.slack_requests import sign

# Things only Lumen Health's history and registry know: none may reach someone without access.
LUMEN_SECRETS = ("Rachel", "Adeyemi", "Maya Chen", "/100", "report", "Brief ·", "Q ·")


def assert_no_account_data(calls: list[Call]) -> None:
    for call in calls:
        for secret in LUMEN_SECRETS:
            assert secret not in call.text(), f"{secret!r} leaked in {call.method}"


def body_for(relbot: Relbot) -> str:
    return relbot.sender.command_body("brief Lumen Health", user=MAYA, channel=LUMEN_CHANNEL,
                                      response_url=relbot.fake.response_url())


def test_forged_signature_is_rejected(relbot: Relbot) -> None:
    body = body_for(relbot)
    forged = sign("not-the-secret", str(int(time.time())), body)
    assert relbot.sender.post(body, "application/x-www-form-urlencoded", signature=forged).status == 401


def test_unsigned_request_is_rejected(relbot: Relbot) -> None:
    assert relbot.sender.post(body_for(relbot), "application/x-www-form-urlencoded", signed=False).status == 401


def test_stale_request_is_rejected_even_with_a_valid_signature(relbot: Relbot) -> None:
    stale = int(time.time()) - 6 * 60
    assert relbot.sender.post(body_for(relbot), "application/x-www-form-urlencoded", timestamp=stale).status == 401


def test_a_replayed_request_is_rejected(relbot: Relbot) -> None:
    body, ts = body_for(relbot), int(time.time())
    first = relbot.sender.post(body, "application/x-www-form-urlencoded", timestamp=ts)
    again = relbot.sender.post(body, "application/x-www-form-urlencoded", timestamp=ts)
    assert (first.status, again.status) == (200, 401)
    relbot.fake.wait_for("response_url")
    time.sleep(0.3)
    assert len(relbot.fake.calls_to("response_url")) == 1
    # Nothing rejected above reached a listener: the single post is the genuine request's brief.


def test_health_endpoint_and_unknown_paths(relbot: Relbot) -> None:
    ok = relbot.sender.request("GET", "/healthz")
    assert (ok.status, ok.json()) == (200, {"ok": True})
    assert relbot.sender.request("GET", "/slack/events").status == 405  # the path exists: POST only
    assert relbot.sender.request("GET", "/nowhere").status == 404
    # Declared size alone decides: the body is refused before it is read.
    huge = relbot.sender.request("POST", "/slack/events", "x", {"Content-Length": "2000000"})
    assert huge.status == 413


@pytest.mark.parametrize(("user", "channel", "expected"), [
    (OUTSIDER, LUMEN_CHANNEL, "You are not on the team for that account"),
    (SAM, LUMEN_CHANNEL, "You are not on the team for that account"),
    (GUEST, LUMEN_CHANNEL, "not available to guest"),
    (MAYA, SHARED, "does not show account data in shared or Slack Connect"),
    (MAYA, "C0UNKNOWN", "can't inspect this conversation"),
])
def test_slash_command_refusals_leak_nothing(relbot: Relbot, user: str, channel: str, expected: str) -> None:
    relbot.command("brief Lumen Health", user=user, channel=channel)
    [post] = relbot.fake.wait_for("response_url")
    assert expected in post.text()
    time.sleep(0.3)
    assert_no_account_data(relbot.fake.posts())


def test_admins_see_team_accounts(relbot: Relbot) -> None:
    relbot.command("brief Lumen Health", user=ADMIN, channel=GENERAL)
    [post] = relbot.fake.wait_for("response_url")
    assert "Brief · Lumen Health" in post.text()


def test_suggestions_never_name_accounts_the_user_cannot_see(relbot: Relbot) -> None:
    relbot.command("brief Lumen Helth", user=SAM, channel=GENERAL)
    [post] = relbot.fake.wait_for("response_url")
    assert "Lumen Health" not in post.text() and "Lumen Helth" in post.text()


def test_share_by_someone_off_the_team_is_refused(relbot: Relbot) -> None:
    relbot.command("brief Lumen Health")
    [private] = relbot.fake.wait_for("response_url")
    relbot.sender.block_action(user=OUTSIDER, action_id="relbot_share", value=payloads.share_value(private),
                               channel=LUMEN_CHANNEL, response_url=relbot.fake.response_url("share"))
    [refusal] = relbot.fake.wait_for("response_url", where=lambda c: c.path.endswith("/share"))
    assert "not on the team" in refusal.text()
    assert relbot.fake.calls_to("chat.postMessage") == []


def test_mention_in_a_shared_channel_is_refused(relbot: Relbot) -> None:
    relbot.sender.event(payloads.mention(SHARED, MAYA, "what did we promise Lumen Health?"))
    [refusal] = relbot.fake.wait_for("chat.postEphemeral")
    assert refusal.args["channel"] == SHARED and "Slack Connect" in refusal.text()
    assert_no_account_data(relbot.fake.posts())


def test_guest_gets_a_refusal_in_the_assistant_panel(relbot: Relbot) -> None:
    thread = payloads.next_ts()
    relbot.sender.event(payloads.thread_message(GUEST, MAYA_DM, thread, "Brief me on Lumen Health"))
    [reply] = relbot.fake.wait_for("chat.postMessage")
    assert "not available to guest" in reply.text()
    assert_no_account_data(relbot.fake.posts())


def test_guest_home_tab_and_modals_show_a_refusal(relbot: Relbot) -> None:
    relbot.sender.event(payloads.home_opened(GUEST))
    [home] = relbot.fake.wait_for("views.publish")
    assert "not available to guest" in home.text()
    relbot.sender.interaction(payloads.global_shortcut(GUEST))
    [modal] = relbot.fake.wait_for("views.update")
    assert "not available to guest" in modal.text() and payloads.options(modal) == []
    assert_no_account_data([home, modal])


def test_a_forged_submission_cannot_save_into_an_account_off_the_users_team(relbot: Relbot) -> None:
    metadata = json.dumps({"c": GENERAL, "ts": payloads.next_ts(), "u": OUTSIDER, "x": "planted text"})
    relbot.sender.interaction(payloads.submission(OUTSIDER, "relbot_save_message", "Lumen Health", metadata))
    [refusal] = relbot.fake.wait_for("chat.postEphemeral")
    assert "not on the team" in refusal.text()
    assert not [r for r in relbot.services.store.account_records("Lumen Health") if "planted" in r.text]


def test_info_logs_carry_no_client_text(relbot: Relbot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    relbot.fake.fail("response_url", status=500, times=3)  # all three attempts fail and get logged
    relbot.command("ask Lumen Health did Rachel approve the SECRET-PILOT budget?")
    relbot.fake.wait_for("response_url", 3)
    relbot.sender.event(payloads.message("C0NOTLINKED", MAYA, "SECRET-PILOT chatter", payloads.next_ts()))
    time.sleep(1.0)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "SECRET-PILOT" not in logged and "Rachel" not in logged
    assert relbot.sender.request("GET", "/healthz").status == 200  # still up after the failed posts
