"""Mentions, App Home, the global shortcut and the assistant panel; Slack retries never post twice; Web
API 429s and 5xx are retried."""

from __future__ import annotations

import time

from tests.slack import payloads
from tests.slack.conftest import LUMEN_CHANNEL, MAYA, MAYA_DM, SAM, Relbot


def test_mention_is_answered_privately_in_the_thread_once_despite_retries(relbot: Relbot) -> None:
    event = payloads.mention(LUMEN_CHANNEL, MAYA, "when is the monthly report due?")
    first = relbot.sender.event(event, event_id="EvMENTION1")
    retry = relbot.sender.event(event, event_id="EvMENTION1", retry_num=1)
    assert (first.status, retry.status) == (200, 200)
    [answer] = relbot.fake.wait_for("chat.postEphemeral")
    assert answer.args["user"] == MAYA and answer.args["thread_ts"] == event["ts"]
    assert "Q · when is the monthly report due?" in answer.text()  # account taken from the linked channel
    time.sleep(1.0)
    assert len(relbot.fake.posts()) == 1


def test_app_home_lists_the_users_accounts_with_draft_buttons(relbot: Relbot) -> None:
    relbot.command("brief Harbor Foods", user=SAM)  # leaves a snapshot: health and last contact on Home
    relbot.fake.wait_for("response_url")
    relbot.sender.event(payloads.home_opened(SAM))
    [home] = relbot.fake.wait_for("views.publish")
    assert home.args["user_id"] == SAM and home.args["view"]["type"] == "home"
    text = home.text()
    assert "Harbor Foods" in text and "Vela Fintech" in text and "Lumen Health" not in text
    assert "health " in text and "/100" in text and "last contact" in text
    assert text.count("relbot_home_brief") == 2


def test_home_button_sends_the_draft_by_dm(relbot: Relbot) -> None:
    relbot.sender.block_action(user=SAM, action_id="relbot_home_checklist", value="Vela Fintech")
    [dm] = relbot.fake.wait_for("chat.postMessage")
    assert dm.args["channel"] == SAM and "Expectations checklist · Vela Fintech" in dm.text()
    assert "Share to channel" not in dm.text()  # nowhere to share from a DM


def test_global_shortcut_opens_a_picker_and_briefs_by_dm(relbot: Relbot) -> None:
    relbot.sender.interaction(payloads.global_shortcut(MAYA))
    [form] = relbot.fake.wait_for("views.update")
    assert payloads.options(form) == ["Lumen Health"]
    relbot.sender.interaction(payloads.submission(MAYA, "relbot_brief_me", "Lumen Health"))
    [dm] = relbot.fake.wait_for("chat.postMessage")
    assert dm.args["channel"] == MAYA and "Brief · Lumen Health" in dm.text()


def test_assistant_thread_starts_with_suggested_prompts(relbot: Relbot) -> None:
    thread = payloads.next_ts()
    relbot.sender.event(payloads.thread_started(MAYA, MAYA_DM, thread, viewing=LUMEN_CHANNEL))
    [prompts] = relbot.fake.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts.args["thread_ts"] == thread  # the legacy panel's prompts belong to its thread
    titles = [p["title"] for p in prompts.args["prompts"]]
    assert titles == ["Brief me on Lumen Health", "What did we promise Lumen Health?",
                      "Feedback questions for Lumen Health", "This week's digest"]
    [hello] = relbot.fake.wait_for("chat.postMessage")
    assert hello.args["thread_ts"] == thread


def test_assistant_answers_with_a_status_then_one_streamed_message(relbot: Relbot) -> None:
    thread = payloads.next_ts()
    relbot.sender.event(payloads.thread_message(MAYA, MAYA_DM, thread, "What did we promise Lumen about reports?"))
    [stop] = relbot.fake.wait_for("chat.stopStream")
    [start] = relbot.fake.calls_to("chat.startStream")
    [status] = relbot.fake.calls_to("assistant.threads.setStatus")
    assert status.at < start.at and status.args["thread_ts"] == thread
    assert start.args["channel"] == MAYA_DM and start.args["thread_ts"] == thread
    assert "**What did we promise Lumen about reports?**" in "".join(
        c.text() for c in relbot.fake.calls_to("chat.appendStream"))
    assert "Sources" in stop.text()
    time.sleep(0.5)
    assert relbot.fake.posts() == [start]


def test_assistant_briefs_on_request_and_asks_which_account_when_unclear(relbot: Relbot) -> None:
    thread = payloads.next_ts()
    relbot.sender.event(payloads.thread_message(SAM, MAYA_DM, thread, "Brief me on Vela"))
    relbot.sender.event(payloads.thread_message(SAM, MAYA_DM, thread, "any open invoices?"))
    relbot.sender.event(payloads.thread_message(SAM, MAYA_DM, thread, "This week's digest"))
    posts = relbot.fake.wait_for("chat.postMessage", 3)
    texts = "\n".join(p.text() for p in posts)
    assert "Brief · Vela Fintech" in texts
    assert "Which account is this about?" in texts and "Harbor Foods" in texts and "Lumen Health" not in texts
    assert "Weekly digest ·" in texts and "Lumen Health" not in texts


def test_rate_limits_and_server_errors_from_slack_are_retried(relbot: Relbot) -> None:
    relbot.fake.fail("response_url", status=503, times=1)
    relbot.command("checklist Lumen")
    delivered = relbot.fake.wait_for("response_url", 2)
    assert "Expectations checklist" in delivered[-1].text()

    relbot.fake.fail("chat.postMessage", status=429, retry_after=0, times=1)
    relbot.sender.block_action(user=SAM, action_id="relbot_home_brief", value="Harbor Foods")
    posted = relbot.fake.wait_for("chat.postMessage", 2)
    assert "Brief · Harbor Foods" in posted[-1].text()
