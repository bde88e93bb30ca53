"""Ratings of drafts, on SQLite and PostgreSQL: one per user and rated message, a later click wins, the reason
survives whichever of the click and the modal is stored first, summaries count per kind and drafter."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from relbot.store import feedback
from relbot.store.feedback import Entry
from relbot.store.state import StateDB

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def entry(**changes: object) -> Entry:
    base = Entry(user_id="U0DEMO02", rating="up", kind="brief", account="Lumen Health", as_of="2026-11-23",
                 llm=False, version="0.1.0", rated_at=T0, channel_id="D0MAYADM1", ts="1790000000.000001")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_second_click_on_the_same_message_updates_the_one_rating(state_target: str | Path) -> None:
    state = StateDB(state_target)
    assert feedback.record(state, entry())
    assert feedback.record(state, entry(rating="down", rated_at=T0 + dt.timedelta(seconds=5)))
    assert feedback.record(state, entry(user_id="U0ADMIN1"))  # someone else: their own rating
    assert feedback.record(state, entry(ts="1790000000.000002"))  # another message: another rating
    stored = feedback.since(state, T0.date())
    assert [(e.user_id, e.ts, e.rating) for e in stored] == [
        ("U0ADMIN1", "1790000000.000001", "up"), ("U0DEMO02", "1790000000.000002", "up"),
        ("U0DEMO02", "1790000000.000001", "down")]
    mine = stored[-1]
    assert (mine.kind, mine.account, mine.as_of, mine.llm, mine.version) == (
        "brief", "Lumen Health", "2026-11-23", False, "0.1.0")
    assert mine.rated_at == T0 + dt.timedelta(seconds=5)


def test_a_delayed_older_click_never_overwrites_a_newer_one(state_target: str | Path) -> None:
    state = StateDB(state_target)
    feedback.record(state, entry(rating="down", rated_at=T0 + dt.timedelta(seconds=9)))
    assert not feedback.record(state, entry(rating="up", rated_at=T0))
    assert [e.rating for e in feedback.since(state, T0.date())] == ["down"]


def test_the_reason_is_kept_whichever_arrives_first_and_cleared_by_a_thumbs_up(state_target: str | Path) -> None:
    state = StateDB(state_target)
    down = entry(rating="down")
    feedback.record(state, dataclasses.replace(down, reason="  The dashboard promise was kept last week.  "))
    feedback.record(state, down)  # the click's own worker, after the modal was submitted
    assert [e.reason for e in feedback.since(state, T0.date())] == ["The dashboard promise was kept last week."]
    feedback.record(state, dataclasses.replace(down, rated_at=T0 + dt.timedelta(minutes=1), reason="x" * 5_000))
    assert feedback.since(state, T0.date())[0].reason == "x" * feedback.REASON_CHARS
    feedback.record(state, entry(rated_at=T0 + dt.timedelta(minutes=2)))
    assert feedback.since(state, T0.date())[0].reason is None


def test_without_a_message_ts_the_draft_itself_is_what_was_rated(state_target: str | Path) -> None:
    state = StateDB(state_target)
    feedback.record(state, entry(channel_id=None, ts=None))
    feedback.record(state, entry(channel_id=None, ts=None, rating="down", rated_at=T0 + dt.timedelta(seconds=1)))
    feedback.record(state, entry(channel_id=None, ts=None, account=None, kind="digest"))
    assert sorted((e.kind, e.rating) for e in feedback.since(state, T0.date())) == [("brief", "down"),
                                                                                   ("digest", "up")]


def test_summary_counts_per_kind_and_drafter_within_the_window(state_target: str | Path) -> None:
    state = StateDB(state_target)
    for n, (kind, llm, rating) in enumerate([("answer", False, "up"), ("answer", False, "down"),
                                             ("answer", True, "down"), ("brief", False, "up")]):
        feedback.record(state, entry(kind=kind, llm=llm, rating=rating, ts=f"1790000000.{n:06d}",
                                     reason="wrong date" if rating == "down" and llm else None))
    feedback.record(state, entry(rated_at=T0 - dt.timedelta(days=8), ts="old"))  # before the window
    feedback.record(state, entry(rated_at=T0 + dt.timedelta(days=7), ts="later"))  # after it
    week = feedback.summary(state, T0.date(), T0.date() + dt.timedelta(days=7))
    assert [(c.kind, c.llm, c.up, c.down) for c in week.counts] == [
        ("answer", False, 1, 1), ("answer", True, 0, 1), ("brief", False, 1, 0)]
    assert (week.up, week.down, week.down_by_kind()) == (2, 2, {"answer": 2})
    assert [(r.kind, r.llm, r.reason) for r in week.reasons] == [("answer", True, "wrong date")]
    assert feedback.summary(state, T0.date()).up == 3  # open-ended: up to now
