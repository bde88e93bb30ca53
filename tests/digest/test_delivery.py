"""Sending: DMs once per person and week, guests skipped, Slack failures retried, crashes recovered."""

from __future__ import annotations

import datetime as dt

import pytest

from relbot.digest import subscriptions
from relbot.digest.delivery import Outcome, send_due
from relbot.services import Services
from relbot.slack.digest_messenger import SlackDigestMessenger
from relbot.store import deliveries as claims
from tests.digest.conftest import ADMIN, GUEST, MAYA, NOW, SAM
from tests.digest.fake_dm import DigestSlack, dm_channel

LATER = NOW + claims.LEASE + dt.timedelta(minutes=1)


def _subscribe(svc: Services, *users: str, tz: str = "Europe/London") -> None:
    for user in users:
        subscriptions.subscribe(svc.state, subscriptions.make(user, day="mon", at="08:00", tz=tz))


def _results(outcomes: list[Outcome]) -> dict[str, str]:
    return {o.recipient: o.result for o in outcomes}


def test_each_subscriber_gets_one_dm_with_only_their_accounts(svc: Services, slack: DigestSlack,
                                                              messenger: SlackDigestMessenger) -> None:
    _subscribe(svc, MAYA, SAM, GUEST, ADMIN)
    first = send_due(svc, messenger, now=NOW, use_llm=False)
    assert _results(first) == {MAYA: "sent", SAM: "sent", GUEST: "skipped", ADMIN: "skipped"}
    maya = slack.delivered_to(MAYA)
    assert len(maya) == 1 and "Lumen Health" in str(maya[0]["blocks"]) and "Harbor Foods" not in str(maya[0]["blocks"])
    assert maya[0]["metadata"]["event_payload"] == {"recipient": MAYA, "week": "2026-W48"}
    assert maya[0]["text"].startswith("Weekly digest 2026-W48")
    sam = slack.delivered_to(SAM)
    assert len(sam) == 1 and "Lumen Health" not in str(sam[0]["blocks"])
    # Guests get nothing, not even a DM channel.
    assert slack.delivered_to(GUEST) == [] and not slack.calls_to(
        "conversations.open", where=lambda c: c.args.get("users") == GUEST)
    entry = claims.entry(svc.state, MAYA, "2026-W48")
    assert entry is not None and entry.status == "sent" and entry.ts == maya[0]["ts"]
    again = send_due(svc, messenger, now=NOW + dt.timedelta(hours=3), use_llm=False)
    assert _results(again) == {MAYA: "already_sent", SAM: "already_sent", GUEST: "skipped", ADMIN: "skipped"}
    assert len(slack.delivered) == 2


def test_nothing_goes_out_before_the_local_send_time(svc: Services, slack: DigestSlack,
                                                      messenger: SlackDigestMessenger) -> None:
    _subscribe(svc, MAYA, tz="America/New_York")  # 08:00 in New York is 13:00 UTC
    assert send_due(svc, messenger, now=NOW, use_llm=False) == []
    assert _results(send_due(svc, messenger, now=NOW.replace(hour=13), use_llm=False)) == {MAYA: "sent"}


def test_a_slack_500_on_posting_is_retried_on_the_next_run_and_posts_once(
    svc: Services, slack: DigestSlack, messenger: SlackDigestMessenger
) -> None:
    _subscribe(svc, MAYA)
    slack.fail("chat.postMessage", status=500, times=3)  # outlasts the client's own two retries
    assert _results(send_due(svc, messenger, now=NOW, use_llm=False)) == {MAYA: "failed"}
    assert slack.delivered == []
    entry = claims.entry(svc.state, MAYA, "2026-W48")
    assert entry is not None and entry.status == "failed" and "internal_error" in (entry.error or "")
    assert _results(send_due(svc, messenger, now=NOW + dt.timedelta(minutes=1), use_llm=False)) == {MAYA: "sent"}
    assert len(slack.delivered_to(MAYA)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 4  # 3 refused + 1 delivered
    assert _results(send_due(svc, messenger, now=LATER, use_llm=False)) == {MAYA: "already_sent"}


def test_a_crash_between_claim_and_post_is_recovered_after_the_lease(
    svc: Services, slack: DigestSlack, messenger: SlackDigestMessenger
) -> None:
    _subscribe(svc, MAYA)
    assert claims.claim(svc.state, MAYA, "2026-W48", now=NOW) is not None  # the sender died right after this
    soon = NOW + dt.timedelta(minutes=5)
    assert _results(send_due(svc, messenger, now=soon, use_llm=False)) == {MAYA: "in_progress"}
    assert slack.delivered == []
    assert _results(send_due(svc, messenger, now=LATER, use_llm=False)) == {MAYA: "sent"}
    assert len(slack.delivered_to(MAYA)) == 1
    entry = claims.entry(svc.state, MAYA, "2026-W48")
    assert entry is not None and (entry.status, entry.attempts) == ("sent", 2)


def test_a_crash_after_posting_but_before_recording_does_not_post_again(
    svc: Services, slack: DigestSlack, messenger: SlackDigestMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    _subscribe(svc, MAYA)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # stands in for SIGKILL: nothing after the post runs

    with monkeypatch.context() as patch:
        patch.setattr(claims, "mark_sent", killed)
        with pytest.raises(KeyboardInterrupt):
            send_due(svc, messenger, now=NOW, use_llm=False)
    assert len(slack.delivered_to(MAYA)) == 1
    entry = claims.entry(svc.state, MAYA, "2026-W48")
    assert entry is not None and entry.status == "claimed"
    outcome = send_due(svc, messenger, now=LATER, use_llm=False)
    assert _results(outcome) == {MAYA: "recovered"}
    assert len(slack.delivered_to(MAYA)) == 1  # found in the DM, not posted twice
    entry = claims.entry(svc.state, MAYA, "2026-W48")
    assert entry is not None and entry.status == "sent" and entry.ts == slack.delivered_to(MAYA)[0]["ts"]


def test_send_now_ignores_the_schedule_but_not_the_ledger(svc: Services, slack: DigestSlack,
                                                           messenger: SlackDigestMessenger) -> None:
    sender = svc.digest_sender(messenger, use_llm=False)
    early = NOW.replace(hour=1)
    assert sender.send_now(MAYA, early).result == "sent"
    assert sender.send_now(MAYA, early).result == "already_sent"
    assert [m["channel"] for m in slack.delivered] == [dm_channel(MAYA)]
