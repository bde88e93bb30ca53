"""Streamed answers: signed requests in, chat.startStream / appendStream / stopStream counted out.

A stream is the plan (start), progress and then the answer's markdown (appends), the sources and feedback
buttons (stop). Streams only ever go to the asker's own DM with relbot; wherever one cannot run, the answer is
one ordinary message in the same thread, and in channels a reply stays a single private message.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from relbot.store import feedback
from tests.slack import payloads
from tests.slack.conftest import LUMEN_CHANNEL, MAYA, MAYA_DM, Relbot
from tests.slack.stream_calls import chunks, feedback_ref, streamed

QUESTION = "What did we promise Lumen about reports?"


def ask_in_thread(relbot: Relbot) -> str:
    thread = payloads.next_ts()
    relbot.sender.event(payloads.thread_message(MAYA, MAYA_DM, thread, QUESTION))
    return thread


def test_an_answer_streams_its_plan_then_its_text_then_sources_and_feedback(relbot: Relbot) -> None:
    thread = ask_in_thread(relbot)
    start, appends, stop = streamed(relbot.fake)
    assert (start.args["channel"], start.args["thread_ts"], start.args["task_display_mode"]) == (
        MAYA_DM, thread, "plan")
    assert chunks(start, "plan_update")[0]["title"] == "Answering from Lumen Health's history"
    tasks = [t for call in appends for t in chunks(call, "task_update")]
    assert any(re.fullmatch(r"Reading \d+ records? of Lumen Health", t["title"]) for t in tasks)
    assert any(re.fullmatch(r"Checking \d+ citations?", t["title"]) and t["status"] == "complete" for t in tasks)
    [text] = [c for call in appends for c in chunks(call, "markdown_text")]
    assert text["text"].startswith(f"**{QUESTION}**") and "Lumen Health · as of" in text["text"]
    assert len(text["text"]) <= 12_000 and len(appends) == 2  # four calls in all: start, 2 appends, stop

    assert len(stop.args["blocks"]) <= 50 and "Sources" in stop.text()
    ref = feedback_ref(stop.args["blocks"])
    assert (ref["kind"], ref["account"], ref["llm"]) == ("answer", "Lumen Health", False)
    assert relbot.fake.streams == {stop.args["ts"]: "stopped"}
    assert relbot.fake.posts() == [start]  # the stream is the one message


def test_a_thumbs_up_on_a_streamed_answer_is_stored_with_what_it_rated(relbot: Relbot) -> None:
    ask_in_thread(relbot)
    _, _, stop = streamed(relbot.fake)
    click = payloads.feedback_click(MAYA, payloads.feedback_value(stop, "up"), channel=MAYA_DM,
                                    message_ts=stop.args["ts"], response_url=relbot.fake.response_url("fb"))
    click["container"]["is_ephemeral"] = False  # a streamed answer is an ordinary message in the DM
    assert relbot.sender.interaction(click).status == 200
    relbot.fake.wait_for("response_url", where=lambda c: c.path.endswith("/fb"))
    [rated] = feedback.since(relbot.services.state, dt.date(2000, 1, 1))
    assert (rated.rating, rated.kind, rated.account, rated.channel_id, rated.ts) == (
        "up", "answer", "Lumen Health", MAYA_DM, stop.args["ts"])


def test_a_refused_stream_falls_back_to_one_message_in_the_thread(relbot: Relbot) -> None:
    relbot.fake.refuse("chat.startStream", "not_allowed")  # e.g. a workspace or client without streaming
    thread = ask_in_thread(relbot)
    [answer] = relbot.fake.wait_for("chat.postMessage")
    assert (answer.args["channel"], answer.args["thread_ts"]) == (MAYA_DM, thread)
    assert f"Q · {QUESTION}" in answer.text() and feedback_ref(answer.args["blocks"])["kind"] == "answer"
    assert len(relbot.fake.calls_to("chat.startStream")) == 1
    assert relbot.fake.calls_to("chat.appendStream") == relbot.fake.calls_to("chat.stopStream") == []


def test_a_rate_limited_stream_start_falls_back_at_once_without_waiting(relbot: Relbot) -> None:
    relbot.fake.fail("chat.startStream", status=429, retry_after=30, times=3)
    sent = time.monotonic()
    ask_in_thread(relbot)
    [answer] = relbot.fake.wait_for("chat.postMessage")
    assert answer.at - sent < 10 and f"Q · {QUESTION}" in answer.text()  # never slept the 30 s Retry-After
    assert len(relbot.fake.calls_to("chat.startStream")) == 1


def test_a_stream_that_breaks_midway_is_stopped_and_the_answer_sent_as_one_message(relbot: Relbot) -> None:
    relbot.fake.refuse("chat.appendStream", "ratelimited")
    thread = ask_in_thread(relbot)
    [answer] = relbot.fake.wait_for("chat.postMessage")
    assert answer.args["thread_ts"] == thread and f"Q · {QUESTION}" in answer.text()
    assert len(relbot.fake.calls_to("chat.appendStream")) == 1  # nothing more was sent after the failed one
    [stop] = relbot.fake.calls_to("chat.stopStream")  # but the stream was stopped, not left spinning
    assert stop.at < answer.at and "blocks" not in stop.args


def test_slash_ask_in_the_dm_streams_in_a_thread_of_its_own(relbot: Relbot) -> None:
    ack = relbot.command("ask Lumen Health when is the monthly report due?", channel=MAYA_DM)
    assert ack.status == 200
    start, _, stop = streamed(relbot.fake)
    [root] = relbot.fake.calls_to("chat.postMessage")  # names the question; the stream is its thread
    assert root.args["channel"] == MAYA_DM and "thread_ts" not in root.args
    assert "Lumen Health" in root.text() and "monthly report" in root.text()
    assert re.fullmatch(r"1790000000\.\d{6}", start.args["thread_ts"])  # a ts the fake gave (the root's)
    assert start.at > root.at and start.args["channel"] == stop.args["channel"] == MAYA_DM
    assert relbot.fake.calls_to("response_url") == []  # the answer is the stream, not a private copy as well


def test_answers_in_channels_stay_single_private_messages(relbot: Relbot) -> None:
    relbot.command("ask Lumen Health when is the monthly report due?", channel=LUMEN_CHANNEL)
    relbot.sender.event(payloads.mention(LUMEN_CHANNEL, MAYA, "when is the monthly report due?"))
    relbot.fake.wait_for("response_url")
    relbot.fake.wait_for("chat.postEphemeral")
    time.sleep(0.3)
    assert relbot.fake.calls_to("chat.startStream") == [] and relbot.fake.calls_to("chat.postMessage") == []
