"""Subscriptions: specific validation errors, storage, the local send time, and the Slack text form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relbot.digest import subscriptions as subs
from relbot.digest.subscriptions import Subscription, SubscriptionError
from relbot.digest.weeks import IsoWeek
from relbot.slack.digest_subscription import NOT_ADMIN, apply_slack_text, is_subscription_text
from relbot.store.state import StateDB


@pytest.fixture()
def state(state_target: str | Path) -> StateDB:
    return StateDB(state_target)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"tz": "Europe/Londn"}, "'Europe/Londn' is not a time zone. Did you mean Europe/London"),
    ({"tz": "Mars/Olympus_Mons"}, "Use an IANA name"),
    ({"day": "funday"}, "'funday' is not a day; use one of mon, tue"),
    ({"day": "t"}, "'t' is not a day"),
    ({"at": "25:00"}, "'25:00' is not a time; use HH:MM"),
    ({"at": "7:60"}, "'7:60' is not a time"),
    ({"at": "8am"}, "'8am' is not a time"),
    ({"user": "bob"}, "'bob' is not a Slack user id"),
    ({"user": "C0DEMOLH1"}, "is not a Slack user id"),  # a channel id
])
def test_each_invalid_part_gets_its_own_message(kwargs: dict[str, str], message: str) -> None:
    args = {"user": "U0DEMO02", "day": "mon", "at": "08:00", "tz": "Europe/London", **kwargs}
    with pytest.raises(SubscriptionError) as err:
        subs.make(args.pop("user"), **args)
    assert message in str(err.value)


def test_lenient_spellings_are_normalised() -> None:
    sub = subs.make("<@u0demo02|maya>", day="Thursday", at="7:05", tz="europe/london")
    assert (sub.user_id, sub.day, sub.at, sub.tz) == ("U0DEMO02", 3, dt.time(7, 5), "Europe/London")
    assert sub.describe() == "Thursdays at 07:05 (Europe/London)"
    assert sub.model_dump(mode="json")["at"] == "07:05"


def test_subscribe_replaces_and_unsubscribe_removes(state: StateDB) -> None:
    subs.subscribe(state, subs.make("U0DEMO02", day="mon", at="08:00", tz="UTC"))
    subs.subscribe(state, subs.make("U0DEMO02", day="fri", at="16:30", tz="Asia/Tokyo"))
    subs.subscribe(state, subs.make("U0DEMO01", day="mon", at="08:00", tz="UTC"))
    assert [(s.user_id, s.day, s.tz) for s in subs.subscriptions(state)] == [
        ("U0DEMO01", 0, "UTC"), ("U0DEMO02", 4, "Asia/Tokyo")]
    assert subs.unsubscribe(state, "U0DEMO02") is True
    assert subs.unsubscribe(state, "U0DEMO02") is False
    assert [s.user_id for s in subs.subscriptions(state)] == ["U0DEMO01"]


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_due_once_the_local_day_and_time_have_passed() -> None:
    london = Subscription(user_id="U1", day=0, at=dt.time(8), tz="Europe/London")
    assert london.due_week(_utc("2026-11-23T07:59")) is None
    assert london.due_week(_utc("2026-11-23T08:00")) == IsoWeek(2026, 48)
    assert london.due_week(_utc("2026-11-29T23:00")) == IsoWeek(2026, 48)  # still that week: catch up
    la = Subscription(user_id="U1", day=0, at=dt.time(8), tz="America/Los_Angeles")
    assert la.due_week(_utc("2026-11-23T15:59")) is None  # 07:59 in Los Angeles
    assert la.due_week(_utc("2026-11-23T16:00")) == IsoWeek(2026, 48)
    # Monday 09:00 in Auckland is still Sunday in UTC: the local week counts.
    auckland = Subscription(user_id="U1", day=0, at=dt.time(8), tz="Pacific/Auckland")
    assert auckland.due_week(_utc("2026-11-22T20:00")) == IsoWeek(2026, 48)
    sunday = Subscription(user_id="U1", day=6, at=dt.time(18), tz="UTC")
    assert sunday.due_week(_utc("2026-11-23T09:00")) is None
    assert sunday.due_week(_utc("2026-11-29T18:00")) == IsoWeek(2026, 48)


def test_slack_text_subscribes_the_requester_in_any_order(state: StateDB) -> None:
    assert is_subscription_text("subscribe tue 17:30") and not is_subscription_text("2026-W47")
    reply = apply_slack_text(state, user_id="U0DEMO02", text="subscribe 17:30 Europe/Paris tue")
    assert "Tuesdays at 17:30 (Europe/Paris)" in reply
    apply_slack_text(state, user_id="U0DEMO01", text="subscribe --day fri --time 09:00", default_tz="Asia/Tokyo")
    apply_slack_text(state, user_id="U0DEMO03", text="subscribe")
    got = {s.user_id: s.describe() for s in subs.subscriptions(state)}
    assert got == {"U0DEMO02": "Tuesdays at 17:30 (Europe/Paris)", "U0DEMO01": "Fridays at 09:00 (Asia/Tokyo)",
                   "U0DEMO03": "Mondays at 08:00 (UTC)"}
    assert "Tuesdays at 17:30" in apply_slack_text(state, user_id="U0DEMO02", text="subscription")
    assert "no longer" in apply_slack_text(state, user_id="U0DEMO02", text="unsubscribe")
    assert "had no digest subscription" in apply_slack_text(state, user_id="U0DEMO02", text="unsubscribe")


@pytest.mark.parametrize(("text", "message"), [
    ("subscribe 25:00", "'25:00' is not a time"),
    ("subscribe mon tue", "Two values for the day"),
    ("subscribe --tz", "--tz needs a value"),
    ("subscribe mon Mars/Base", "'Mars/Base' is not a time zone"),
    ("subscribe <@U0DEMO03>", NOT_ADMIN),
])
def test_slack_text_errors_are_specific(state: StateDB, text: str, message: str) -> None:
    with pytest.raises(SubscriptionError) as err:
        apply_slack_text(state, user_id="U0DEMO02", text=text)
    assert message in str(err.value)
    assert subs.subscriptions(state) == []


def test_an_admin_may_subscribe_someone_else(state: StateDB) -> None:
    reply = apply_slack_text(state, user_id="U0ADMIN1", text="subscribe <@U0DEMO03|leo> wed", admins=["U0ADMIN1"])
    assert "<@U0DEMO03> will get the weekly digest Wednesdays" in reply
    assert [s.user_id for s in subs.subscriptions(state)] == ["U0DEMO03"]
