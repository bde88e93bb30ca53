"""`/relbot` end to end: signed request in over HTTP, ack under 3 s, the draft delivered privately, shared
publicly on request; help, typos and unknown accounts answered specifically."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from relbot.slack.draft_requests import DraftRequest
from relbot.slack.shares import SHARE_ACTION, encode
from tests.slack.conftest import GENERAL, LUMEN_CHANNEL, MAYA, WORKERS, Relbot
from tests.slack.payloads import share_value

ACK_LIMIT_S = 3.0


def test_brief_is_acked_at_once_and_arrives_privately(relbot: Relbot) -> None:
    ack = relbot.command("brief Lumen Health")
    assert ack.status == 200 and ack.elapsed < ACK_LIMIT_S
    assert "Drafting the brief for *Lumen Health*" in ack.json()["text"]
    [post] = relbot.fake.wait_for("response_url")
    assert post.args["response_type"] == "ephemeral"
    assert "Brief · Lumen Health" in post.text() and "Rachel Adeyemi" in post.text()
    assert "Share to channel" in post.text()
    assert relbot.fake.calls_to("chat.postMessage") == []  # nothing public until someone shares


def test_share_posts_the_same_draft_publicly_in_the_channel(relbot: Relbot) -> None:
    relbot.command("questions Lumen")
    [private] = relbot.fake.wait_for("response_url")
    relbot.sender.block_action(user=MAYA, action_id=SHARE_ACTION, value=share_value(private),
                               channel=LUMEN_CHANNEL, response_url=relbot.fake.response_url("share"))
    [public] = relbot.fake.wait_for("chat.postMessage")
    assert public.args["channel"] == LUMEN_CHANNEL
    body = [b for b in private.args["blocks"] if b.get("block_id") != SHARE_ACTION and b["type"] != "context_actions"]
    assert public.args["blocks"][: len(body)] == body  # exactly what Maya reviewed, without her buttons
    assert f"Shared by <@{MAYA}>" in public.text() and "Share to channel" not in public.text()


def test_share_redrafts_when_the_cached_copy_is_gone_without_a_new_snapshot(relbot: Relbot) -> None:
    before = relbot.services.state.latest_snapshot("Lumen Health")
    value = encode("expired-token", DraftRequest("brief", "Lumen Health", as_of=dt.date(2026, 11, 23)))
    relbot.sender.block_action(user=MAYA, action_id=SHARE_ACTION, value=value, channel=LUMEN_CHANNEL,
                               response_url=relbot.fake.response_url("share"))
    [public] = relbot.fake.wait_for("chat.postMessage")
    assert "Brief · Lumen Health" in public.text() and "as of 2026-11-23" in public.text()
    assert relbot.services.state.latest_snapshot("Lumen Health") == before


def test_team_account_drafts_are_not_shared_outside_its_linked_channels(relbot: Relbot) -> None:
    relbot.command("brief Lumen Health", channel=GENERAL)
    [private] = relbot.fake.wait_for("response_url")
    relbot.sender.block_action(user=MAYA, action_id=SHARE_ACTION, value=share_value(private), channel=GENERAL,
                               response_url=relbot.fake.response_url("share"))
    [refusal] = relbot.fake.wait_for("response_url", where=lambda c: c.path.endswith("/share"))
    assert "can only be shared in a channel linked to it" in refusal.text()
    assert relbot.fake.calls_to("chat.postMessage") == []


def test_help_is_the_ack_itself(relbot: Relbot) -> None:
    for text in ("", "help"):
        ack = relbot.command(text)
        assert ack.status == 200 and "/relbot brief ACCOUNT" in ack.json()["text"]
    time.sleep(0.3)
    assert relbot.fake.posts() == []


def test_unknown_subcommand_suggests_the_closest_in_the_ack(relbot: Relbot) -> None:
    ack = relbot.command("brief-me Lumen")
    assert "`brief-me` is not a relbot command. Did you mean `brief`?" in ack.json()["text"]


def test_unknown_account_suggests_close_accounts_the_user_may_see(relbot: Relbot) -> None:
    relbot.command("checklist Lumen Helth")
    [post] = relbot.fake.wait_for("response_url")
    assert "I don't know an account called *Lumen Helth*. Did you mean: Lumen Health?" in post.text()


def test_ask_answers_from_the_history_with_sources(relbot: Relbot) -> None:
    relbot.command("ask Lumen Health when is the monthly report due?")
    [post] = relbot.fake.wait_for("response_url")
    assert "Q · when is the monthly report due?" in post.text()
    assert "`[1]`" in post.text()  # each source numbered and resolved in a context line


def test_digest_arrives_privately_and_covers_only_the_users_accounts(relbot: Relbot) -> None:
    relbot.command("digest")  # Maya is on Lumen Health's team only
    [post] = relbot.fake.wait_for("response_url", timeout=60)
    assert post.args["response_type"] == "ephemeral" and "Weekly digest ·" in post.text()
    assert "Lumen Health" in post.text()
    assert not any(name in post.text() for name in ("Harbor Foods", "Vela Fintech", "Crestline", "Oakridge"))
    assert "Share to channel" not in post.text()  # it spans teams


def test_log_saves_a_note_to_the_account_history(relbot: Relbot) -> None:
    relbot.command("log Lumen Health Rachel called: the board wants the paid-search pilot extended to March.")
    [post] = relbot.fake.wait_for("response_url")
    assert "Saved your note to *Lumen Health*" in post.text()
    records = relbot.services.store.account_records("Lumen Health")
    [note] = [r for r in records if "pilot extended to March" in r.text]
    assert note.author == "Maya Chen" and note.date == dt.date.today()


def test_a_slow_drafter_never_delays_acks_of_other_requests(relbot: Relbot) -> None:
    gate = threading.Event()
    real = relbot.services.drafts

    class SlowDrafts:
        """The one test double inside the process: drafting made slow on purpose, to hold every worker.

        Only this ack-latency test uses it; every other test drafts for real."""

        def brief(self, *args: Any, **kwargs: Any) -> Any:
            gate.wait(30)
            return real.brief(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    relbot.services.__dict__["drafts"] = SlowDrafts()  # replaces the cached_property's value
    try:
        held = [relbot.command("brief Lumen Health", key=f"held{i}") for i in range(WORKERS + 1)]  # all busy
        later = [relbot.command(text, key=f"later{i}") for i, text in enumerate(
            ["brief Lumen Health", "help", "brie x", "ask Lumen Health who approves budgets?", "", "link"] * 2
        )]
    finally:
        gate.set()
    acks = [r.elapsed for r in held + later]
    assert all(r.status == 200 for r in held + later)
    assert max(acks) < ACK_LIMIT_S, f"slowest ack {max(acks):.3f}s"
    assert max(acks) < 1.5, f"acks must not wait for drafting (held 30 s); slowest {max(acks):.3f}s"
    relbot.fake.wait_for("response_url", WORKERS + 1, where=lambda c: "/held" in c.path, timeout=60)
