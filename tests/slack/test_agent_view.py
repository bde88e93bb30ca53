"""The agent view (the app's Messages tab): suggested prompts when it opens, and questions typed there
answered in a thread under them, streamed (``test_streaming`` covers the stream itself)."""

from __future__ import annotations

import time

from tests.slack import payloads
from tests.slack.conftest import GUEST, MAYA, MAYA_DM, SAM, Relbot
from tests.slack.stream_calls import feedback_ref, streamed

SAM_DM = "D0SAMDM01"


def test_messages_tab_suggests_prompts_naming_only_the_users_own_accounts(relbot: Relbot) -> None:
    relbot.fake.add_channel(SAM_DM, "sam-dm", im=True)
    relbot.sender.event(payloads.messages_tab_opened(SAM, SAM_DM))
    relbot.sender.event(payloads.messages_tab_opened(MAYA, MAYA_DM))
    calls = relbot.fake.wait_for("assistant.threads.setSuggestedPrompts", 2)
    by_dm = {c.args["channel_id"]: c for c in calls}
    assert all("thread_ts" not in c.args for c in calls)  # the agent view's prompts belong to the DM itself
    sam = " ".join(p["message"] for p in by_dm[SAM_DM].args["prompts"])
    maya = [p["message"] for p in by_dm[MAYA_DM].args["prompts"]]
    assert "Harbor Foods" in sam and "Vela Fintech" in sam and "Lumen Health" not in sam
    assert maya == ["Brief me on Lumen Health", "What did we promise Lumen Health?",
                    "Feedback questions for Lumen Health", "This week's digest"]
    time.sleep(0.3)
    assert relbot.fake.calls_to("views.publish") == [] and relbot.fake.posts() == []  # no Home view, no greeting


def test_a_guest_opening_the_messages_tab_gets_nothing(relbot: Relbot) -> None:
    relbot.sender.event(payloads.messages_tab_opened(GUEST, MAYA_DM))
    relbot.sender.event(payloads.messages_tab_opened(MAYA, MAYA_DM))
    relbot.fake.wait_for("assistant.threads.setSuggestedPrompts")
    time.sleep(0.5)
    [only] = relbot.fake.calls_to("assistant.threads.setSuggestedPrompts")
    assert "Lumen Health" in str(only.args["prompts"]) and relbot.fake.posts() == []


def test_a_question_typed_in_the_dm_is_answered_by_a_stream_in_a_thread_under_it(relbot: Relbot) -> None:
    message = payloads.dm_message(MAYA, MAYA_DM, "What did we promise Lumen about reports?")
    relbot.sender.event(message)
    start, _, stop = streamed(relbot.fake)
    assert (start.args["channel"], start.args["thread_ts"]) == (MAYA_DM, message["ts"])
    [status] = relbot.fake.calls_to("assistant.threads.setStatus")
    assert status.args["thread_ts"] == message["ts"] and status.at < start.at
    assert feedback_ref(stop.args["blocks"])["account"] == "Lumen Health"
    assert relbot.fake.posts() == [start]


def test_a_draft_asked_for_in_the_dm_comes_as_one_message_in_its_thread(relbot: Relbot) -> None:
    message = payloads.dm_message(SAM, MAYA_DM, "Brief me on Vela")
    relbot.sender.event(message)
    [brief] = relbot.fake.wait_for("chat.postMessage")
    assert brief.args["thread_ts"] == message["ts"] and "Brief · Vela Fintech" in brief.text()
    assert relbot.fake.calls_to("chat.startStream") == []


def test_a_guest_typing_in_the_dm_gets_a_refusal_in_the_thread(relbot: Relbot) -> None:
    message = payloads.dm_message(GUEST, MAYA_DM, "What did we promise Lumen Health?")
    relbot.sender.event(message)
    [reply] = relbot.fake.wait_for("chat.postMessage")
    assert reply.args["thread_ts"] == message["ts"] and "not available to guest" in reply.text()
    assert "Lumen Health" not in reply.text() and relbot.fake.calls_to("chat.startStream") == []
