"""Feedback on drafts through signed requests against the real app: the thumbs under every private draft, a
thumbs up stored with what it rated, a thumbs down's "What was wrong?" modal and its reason, a second click
changing the one rating, and people who may not see the account refused with nothing stored."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from relbot import __version__
from relbot.store import feedback
from tests.slack import payloads
from tests.slack.conftest import GUEST, LUMEN_CHANNEL, MAYA, OUTSIDER, SAM, Relbot
from tests.support.fake_slack import Call

MESSAGE_TS = "1790000000.000500"


def _brief(relbot: Relbot) -> Call:
    """The brief's last (usually only) page: the one ending in the thumbs."""
    relbot.command("brief Lumen Health", key="brief")
    [draft] = relbot.fake.wait_for("response_url", where=lambda c: c.path.endswith("/brief")
                                   and "relbot_feedback" in c.text())
    return draft


def _click(relbot: Relbot, user: str, value: str, key: str, **kw: Any) -> Call:
    reply = relbot.sender.interaction(payloads.feedback_click(
        user, value, channel=LUMEN_CHANNEL, message_ts=MESSAGE_TS, response_url=relbot.fake.response_url(key), **kw))
    assert reply.status == 200 and reply.elapsed < 1.0
    [said] = relbot.fake.wait_for("response_url", where=lambda c: c.path.endswith(f"/{key}"))
    return said


def _stored(relbot: Relbot) -> list[feedback.Entry]:
    return feedback.since(relbot.services.state, dt.date(2000, 1, 1))


def test_a_thumbs_up_is_stored_with_what_it_rated_and_a_second_click_changes_it(relbot: Relbot) -> None:
    draft = _brief(relbot)
    blocks = draft.args["blocks"]
    assert [b["type"] for b in blocks][-2:] == ["actions", "context_actions"]  # Share, then the thumbs, last
    said = _click(relbot, MAYA, payloads.feedback_value(draft, "up"), "up1")
    assert "Thanks — noted." in said.text() and said.args["response_type"] == "ephemeral"
    [rated] = _stored(relbot)
    assert (rated.user_id, rated.rating, rated.kind, rated.account, rated.llm, rated.version) == (
        MAYA, "up", "brief", "Lumen Health", False, __version__)
    assert dt.date.fromisoformat(rated.as_of) == dt.date.today()
    assert (rated.channel_id, rated.ts, rated.reason) == (LUMEN_CHANNEL, MESSAGE_TS, None)
    assert not relbot.fake.calls_to("views.open")  # a thumbs up asks nothing more

    _click(relbot, MAYA, payloads.feedback_value(draft, "down"), "down1", action_ts="1790000200.000100")
    assert [r.rating for r in _stored(relbot)] == ["down"]  # still one rating of that message


def test_a_thumbs_down_opens_the_reason_modal_and_stores_the_reason(relbot: Relbot) -> None:
    draft = _brief(relbot)
    _click(relbot, MAYA, payloads.feedback_value(draft, "down"), "down")
    [placeholder] = relbot.fake.wait_for("views.open")
    [form] = relbot.fake.wait_for("views.update")
    assert form.args["external_id"] == placeholder.args["view"]["external_id"]
    view = form.args["view"]
    assert view["callback_id"] == "relbot_feedback_reason" and "What was wrong?" in json.dumps(view)
    assert "brief of *Lumen Health*" in json.dumps(view)
    assert [r.rating for r in _stored(relbot)] == ["down"]

    reason = "The dashboard promise was kept last week; the brief says it is open."
    assert relbot.sender.interaction(payloads.reason_submission(MAYA, view, reason)).status == 200
    deadline = time.monotonic() + 10
    while not _stored(relbot)[0].reason and time.monotonic() < deadline:
        time.sleep(0.05)
    [rated] = _stored(relbot)
    assert (rated.rating, rated.reason, rated.kind, rated.ts) == ("down", reason, "brief", MESSAGE_TS)


def test_people_who_may_not_see_the_account_are_refused_and_nothing_is_stored(relbot: Relbot) -> None:
    draft = _brief(relbot)
    said = _click(relbot, OUTSIDER, payloads.feedback_value(draft, "up"), "outsider")
    assert "not on the team" in said.text()
    said = _click(relbot, GUEST, payloads.feedback_value(draft, "down"), "guest")
    assert "not available to guest" in said.text()
    [refusal] = relbot.fake.wait_for("views.update")  # the guest's modal says so too, and asks nothing
    assert "not available to guest" in refusal.text() and "callback_id" not in refusal.args["view"]
    forged = payloads.reason_submission(SAM, {"callback_id": "relbot_feedback_reason", "private_metadata": json.dumps(
        {"v": payloads.feedback_value(draft, "down"), "c": LUMEN_CHANNEL, "ts": MESSAGE_TS,
         "at": "2026-12-01T09:00:00+00:00"})}, "forged")
    relbot.sender.interaction(forged)  # Sam is not on Lumen Health's team either
    [told] = relbot.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == SAM and "not on the team" in told.text()
    assert _stored(relbot) == []


def test_every_private_draft_ends_with_thumbs_that_rate_that_kind(relbot: Relbot) -> None:
    relbot.command("ask Lumen Health when is the monthly report due?", key="ask")
    [answer] = relbot.fake.wait_for("response_url", where=lambda c: c.path.endswith("/ask"))
    _click(relbot, MAYA, payloads.feedback_value(answer, "up"), "ask-up")
    relbot.sender.block_action(user=SAM, action_id="relbot_home_questions", value="Harbor Foods")
    [dm] = relbot.fake.wait_for("chat.postMessage")
    assert dm.args["channel"] == SAM and dm.args["blocks"][-1]["type"] == "context_actions"
    assert sorted(r.kind for r in _stored(relbot)) == ["answer"]
    ref = json.loads(payloads.feedback_value(dm, "down"))
    assert (ref["r"], ref["kind"], ref["account"], ref["llm"]) == ("down", "questions", "Harbor Foods", False)
