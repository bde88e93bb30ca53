"""History from Slack: `/relbot link`, messages in linked channels (deduplicated, edits and deletions
honoured), and the "Save to account history" message shortcut."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from relbot.models import Record
from tests.slack import payloads
from tests.slack.conftest import GENERAL, LUMEN_CHANNEL, MAYA, SHARED, Relbot

BEN = "U0DEMO07"  # on Lumen Health's team


def lumen_records(relbot: Relbot, needle: str) -> list[Record]:
    return [r for r in relbot.services.store.account_records("Lumen Health") if needle in r.text]


def wait_until(check: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_link_then_new_messages_edits_and_deletions_follow(relbot: Relbot) -> None:
    relbot.command("link Lumen Health", channel=GENERAL)
    confirm = relbot.fake.wait_for("response_url")[0]
    assert "Linked this channel to *Lumen Health*" in confirm.text()
    assert relbot.services.state.account_for_channel(GENERAL) == "Lumen Health"

    ts = payloads.next_ts()
    relbot.sender.event(payloads.message(GENERAL, BEN, "Rachel confirmed the kiosk rollout for May.", ts))
    wait_until(lambda: lumen_records(relbot, "kiosk rollout"))
    [record] = lumen_records(relbot, "kiosk rollout")
    assert record.source.startswith(f"https://brightline.slack.com/archives/{GENERAL}/p")  # its permalink
    assert record.author == "Ben Okafor" and record.kind == "slack"

    relbot.sender.event(payloads.edited(GENERAL, BEN, "Rachel confirmed the kiosk rollout for June.", ts))
    wait_until(lambda: lumen_records(relbot, "for June"))
    assert lumen_records(relbot, "for May") == []

    relbot.sender.event(payloads.deleted(GENERAL, ts))
    wait_until(lambda: not lumen_records(relbot, "kiosk rollout"))


def test_a_retried_or_repeated_message_is_stored_once(relbot: Relbot) -> None:
    ts = payloads.next_ts()
    event = payloads.message(LUMEN_CHANNEL, BEN, "Budget sign-off moved to the 14th.", ts)
    relbot.sender.event(event, event_id="EvSAME0001")
    relbot.sender.event(event, event_id="EvSAME0001", retry_num=1)  # Slack's retry: same event id
    relbot.sender.event(event, event_id="EvOTHER002")  # same message delivered under a new id
    wait_until(lambda: lumen_records(relbot, "sign-off moved"))
    time.sleep(0.5)
    assert len(lumen_records(relbot, "sign-off moved")) == 1
    assert len(relbot.fake.calls_to("chat.getPermalink")) == 1


def test_messages_in_unlinked_channels_are_ignored(relbot: Relbot) -> None:
    relbot.sender.event(payloads.message(GENERAL, BEN, "Lunch order: tacos for the Lumen Health team.",
                                         payloads.next_ts()))
    time.sleep(0.5)
    assert lumen_records(relbot, "tacos") == []


def test_link_is_refused_in_a_shared_channel(relbot: Relbot) -> None:
    relbot.command("link Lumen Health", channel=SHARED)
    [refusal] = relbot.fake.wait_for("response_url")
    assert "Slack Connect" in refusal.text()
    assert relbot.services.state.account_for_channel(SHARED) is None


def test_message_shortcut_saves_the_message_with_author_date_and_permalink(relbot: Relbot) -> None:
    ts = payloads.next_ts()
    shortcut = payloads.message_shortcut(MAYA, GENERAL, BEN, "Rachel: please copy legal on every approval.", ts)
    opened = relbot.sender.interaction(shortcut)
    assert opened.status == 200
    [placeholder] = relbot.fake.calls_to("views.open")  # opened before the ack returned (trigger_id lives 3 s)
    assert placeholder.args["trigger_id"] == shortcut["trigger_id"]
    [form] = relbot.fake.wait_for("views.update")
    assert payloads.options(form) == ["Lumen Health"]  # Maya's only team
    metadata = form.args["view"]["private_metadata"]

    for _ in range(2):  # a double submit stores it once
        relbot.sender.interaction(payloads.submission(MAYA, "relbot_save_message", "Lumen Health", metadata))
    confirms = relbot.fake.wait_for("chat.postEphemeral", 2)
    assert {("Saved to" in c.text()) for c in confirms} == {True, False}
    [record] = lumen_records(relbot, "copy legal on every approval")
    assert record.author == "Ben Okafor" and record.source.endswith(ts.replace(".", ""))
    assert record.date is not None and record.date.isoformat() == "2026-09-21"  # from the message ts


def test_a_long_message_travels_outside_private_metadata(relbot: Relbot) -> None:
    text = "Minutes of the quarterly review. " * 150  # ~5,000 characters: more than private_metadata holds
    shortcut = payloads.message_shortcut(MAYA, LUMEN_CHANNEL, BEN, text, payloads.next_ts())
    relbot.sender.interaction(shortcut)
    [form] = relbot.fake.wait_for("views.update")
    metadata = form.args["view"]["private_metadata"]
    assert len(metadata) <= 3000 and json.loads(metadata)["x"] is None
    relbot.sender.interaction(payloads.submission(MAYA, "relbot_save_message", "Lumen Health", metadata))
    relbot.fake.wait_for("chat.postEphemeral")
    assert lumen_records(relbot, "Minutes of the quarterly review")
