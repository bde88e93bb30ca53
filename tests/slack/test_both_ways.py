"""The key scenarios once over HTTP and once over Socket Mode (``over``): the same app must answer both alike.

In: what Slack sends (a signed request, or an envelope on the WebSocket). Out: the ack, then the Web API calls
counted at the local Slack. State: the state database and the record store.
"""

from __future__ import annotations

import time

from relbot.digest import subscriptions as subs
from relbot.slack.shares import SHARE_ACTION
from tests.slack import payloads
from tests.slack.conftest import GENERAL, LUMEN_CHANNEL, MAYA
from tests.slack.transports import Way

ACK_LIMIT_S = 3.0
BEN = "U0DEMO07"  # on Lumen Health's team


def test_a_brief_is_acked_at_once_delivered_privately_and_shared_on_request(over: Way) -> None:
    ack = over.command("brief Lumen Health")
    assert ack.ok and ack.elapsed < ACK_LIMIT_S
    assert ack.body is not None and ack.body["response_type"] == "ephemeral"
    assert "Drafting the brief for *Lumen Health*" in ack.text
    [private] = over.fake.wait_for("response_url")
    assert private.args["response_type"] == "ephemeral" and "Brief · Lumen Health" in private.text()
    assert over.fake.calls_to("chat.postMessage") == []  # nothing public until someone shares

    over.interaction(over.sender.block_action_payload(
        user=MAYA, action_id=SHARE_ACTION, value=payloads.share_value(private), channel=LUMEN_CHANNEL,
        response_url=over.fake.response_url("share")))
    [public] = over.fake.wait_for("chat.postMessage")
    assert public.args["channel"] == LUMEN_CHANNEL and f"Shared by <@{MAYA}>" in public.text()


def test_ask_answers_privately_with_its_sources(over: Way) -> None:
    ack = over.command("ask Lumen Health when is the monthly report due?")
    assert ack.ok and "Looking through the account's history" in ack.text
    [post] = over.fake.wait_for("response_url")
    assert "Q · when is the monthly report due?" in post.text() and "`[1]`" in post.text()


def test_help_and_typos_are_answered_in_the_ack_itself(over: Way) -> None:
    assert "/relbot brief ACCOUNT" in over.command("help").text
    assert "Did you mean `brief`?" in over.command("brie Lumen").text
    time.sleep(0.3)
    assert over.fake.posts() == []


def test_the_message_shortcut_opens_a_modal_and_saves_the_message(over: Way) -> None:
    ts = payloads.next_ts()
    shortcut = payloads.message_shortcut(MAYA, GENERAL, BEN, "Rachel: legal signs off every approval.", ts)
    ack = over.interaction(shortcut)
    assert ack.ok and ack.elapsed < ACK_LIMIT_S
    [placeholder] = over.fake.calls_to("views.open")  # opened before the ack (the trigger lives 3 s)
    assert placeholder.args["trigger_id"] == shortcut["trigger_id"]
    [form] = over.fake.wait_for("views.update")
    assert payloads.options(form) == ["Lumen Health"]
    over.interaction(payloads.submission(MAYA, "relbot_save_message", "Lumen Health",
                                         form.args["view"]["private_metadata"]))
    [confirm] = over.fake.wait_for("chat.postEphemeral")
    assert "Saved to *Lumen Health*'s history" in confirm.text()
    [record] = [r for r in over.services.store.account_records("Lumen Health") if "legal signs off" in r.text]
    assert record.author == "Ben Okafor" and record.source.endswith(ts.replace(".", ""))


def test_a_mention_is_answered_once_despite_a_retry(over: Way) -> None:
    event = payloads.mention(LUMEN_CHANNEL, MAYA, "when is the monthly report due?")
    assert over.event(event, event_id="EvMENTION9").ok
    assert over.event(event, event_id="EvMENTION9", retry=1).ok
    [answer] = over.fake.wait_for("chat.postEphemeral")
    assert answer.args["user"] == MAYA and answer.args["thread_ts"] == event["ts"]
    assert "Q · when is the monthly report due?" in answer.text()
    time.sleep(0.5)
    assert len(over.fake.posts()) == 1


def test_a_message_in_a_linked_channel_becomes_history_once(over: Way) -> None:
    event = payloads.message(LUMEN_CHANNEL, BEN, "Kiosk rollout confirmed for May.", payloads.next_ts())
    over.event(event, event_id="EvKIOSK001")
    over.event(event, event_id="EvKIOSK001", retry=1)
    deadline = time.monotonic() + 20
    while not (found := [r for r in over.services.store.account_records("Lumen Health") if "Kiosk" in r.text]):
        assert time.monotonic() < deadline, "the message was not stored"
        time.sleep(0.05)
    time.sleep(0.3)
    assert len(found) == 1 and found[0].author == "Ben Okafor"


def test_a_digest_subscription_is_stored_from_the_command(over: Way) -> None:
    ack = over.command("digest subscribe thu 07:45 Europe/Berlin")
    assert "Checking your digest subscription" in ack.text
    [post] = over.fake.wait_for("response_url")
    assert "Thursdays at 07:45 (Europe/Berlin)" in post.text()
    assert [s.describe() for s in subs.subscriptions(over.services.state)] == ["Thursdays at 07:45 (Europe/Berlin)"]
