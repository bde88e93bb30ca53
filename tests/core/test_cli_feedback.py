"""`relbot feedback`, `relbot eval feedback` and the digest's feedback line for admins, over ratings stored as
the Slack listener stores them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from relbot.cli import main
from relbot.config import load_settings
from relbot.digest.content import build_digest
from relbot.digest.weeks import IsoWeek
from relbot.services import build_services
from relbot.slack.digest_blocks import message
from relbot.store import feedback
from relbot.store.feedback import Entry
from relbot.store.state import StateDB

WEEK = IsoWeek(2026, 48)  # Monday 2026-11-23 to Sunday 2026-11-29
MON = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
REASON = "It says the dashboard is overdue; it shipped on Friday."


def _seed(state: StateDB) -> None:
    base = Entry(user_id="U0DEMO02", rating="up", kind="brief", account="Lumen Health", as_of="2026-11-23",
                 llm=False, version="0.1.0", rated_at=MON, channel_id="C0DEMOLH1", ts="1")
    for n, (kind, llm, rating, reason) in enumerate([
        ("brief", False, "up", None), ("answer", False, "up", None), ("answer", False, "down", REASON),
        ("answer", True, "down", None), ("checklist", True, "up", None),
    ]):
        feedback.record(state, dataclasses.replace(base, kind=kind, llm=llm, rating=rating, reason=reason, ts=str(n),
                                                   rated_at=MON + dt.timedelta(hours=n)))
    feedback.record(state, dataclasses.replace(base, ts="old", rated_at=MON - dt.timedelta(days=40)))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_feedback_lists_counts_per_kind_and_drafter_and_the_reasons(data_env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _seed(StateDB(data_env / "state.sqlite3"))
    out = _run(capsys, "feedback", "--since", "2026-11-20")
    assert out.splitlines()[0] == "Feedback since 2026-11-20: 3 up, 2 down"
    assert "  answer       offline     1     1" in out and "  answer       llm         0     1" in out
    assert "Reasons given (1):" in out and REASON in out and "answer of Lumen Health as of 2026-11-23" in out
    data = json.loads(_run(capsys, "feedback", "--since", "2026-10-01", "--json"))
    assert (data["up"], data["down"], data["since"]) == (4, 2, "2026-10-01")
    assert {"kind": "brief", "drafter": "offline", "up": 2, "down": 0} in data["counts"]
    assert [(r["kind"], r["drafter"], r["reason"]) for r in data["reasons"]] == [("answer", "offline", REASON)]


def test_eval_feedback_gives_the_share_of_thumbs_up_per_version_kind_and_drafter(data_env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = _run(capsys, "eval", "feedback")
    assert "No feedback since" in out
    _seed(StateDB(data_env / "state.sqlite3"))
    data = json.loads(_run(capsys, "eval", "feedback", "--since", "2026-11-20", "--json"))
    groups = {(g["kind"], g["drafter"]): (g["ratings"], g["share_up"]) for g in data["groups"]}
    assert groups[("answer", "offline")] == (2, 0.5) and groups[("answer", "llm")] == (1, 0.0)
    assert groups[("all", None)] == (5, 0.6)
    out = _run(capsys, "eval", "feedback", "--since", "2026-11-20")
    assert "  0.1.0      all                         5    60%" in out and "(fewer than 5 ratings)" in out


def test_admins_digest_carries_a_feedback_line_and_nobody_elses_does(data_env: Path) -> None:
    services = build_services(load_settings(slack_admins=["U0ADMIN1"]))
    _seed(services.state)
    today = dt.date(2026, 11, 30)
    admin = build_digest(services, recipient="U0ADMIN1", week=WEEK, today=today, use_llm=False)
    assert admin.feedback is not None and (admin.feedback.up, admin.feedback.down) == (3, 2)
    _, blocks = message(admin)
    line = "Feedback this week: 3 :+1:, 2 :-1: (2 on answers) · 1 reason: `relbot feedback --since 2026-11-23`"
    assert line in json.dumps(blocks, ensure_ascii=False)
    member = build_digest(services, recipient="U0DEMO02", week=WEEK, today=today, use_llm=False)
    assert member.feedback is None and "Feedback this week" not in json.dumps(message(member)[1])
    quiet = build_digest(services, recipient="U0ADMIN1", week=IsoWeek(2026, 46), today=today, use_llm=False)
    assert quiet.feedback is None  # a week without ratings says nothing
