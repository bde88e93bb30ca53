"""The pieces of a streamed answer, without Slack: the plan's task updates, the markdown (escaped, bounded),
the closing blocks (bounded), and the suggested prompts (the user's own accounts, read back as meant)."""

from __future__ import annotations

import json
from typing import Any

from relbot.drafting.progress import Progress
from relbot.models import Account
from relbot.slack.answer_markdown import answer_markdown
from relbot.slack.answer_stream import STREAM_TEXT, closing_blocks
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.feedback_ref import FeedbackRef, feedback_block
from relbot.slack.intent import read_intent
from relbot.slack.limits import MAX_BLOCKS
from relbot.slack.sanitize import escape_markdown
from relbot.slack.stream_plan import PlanUpdates
from relbot.slack.suggestions import suggested_prompts
from tests.slack import models_factory as make


def dicts(chunks: list[Any]) -> list[dict[str, Any]]:
    return [c.to_dict() for c in chunks]


def test_the_plan_reports_records_read_and_citations_checked_in_few_calls() -> None:
    plan = PlanUpdates("Lumen Health")
    assert [c["type"] for c in dicts(plan.opening())] == ["plan_update", "task_update"]
    assert plan.add(Progress("search", "Lumen Health", done=True, count=14)) is False  # waits for the next task
    assert plan.add(Progress("draft", "Lumen Health", done=False)) is True
    first = dicts(plan.take())
    assert [(c["id"], c["status"]) for c in first] == [("search", "complete"), ("read", "in_progress")]
    assert first[0]["output"] == "14 records found" and first[1]["title"] == "Reading 14 records of Lumen Health"
    assert plan.add(Progress("draft", "Lumen Health", done=True)) is False
    assert plan.add(Progress("cite", "Lumen Health", done=True, count=9, matched=9)) is False
    last = dicts(plan.take())
    assert [(c["id"], c["status"]) for c in last] == [("read", "complete"), ("cite", "complete")]
    assert last[1]["title"] == "Checking 9 citations" and last[1]["output"] == "9 of 9 point at records read"
    assert plan.take() == []


def test_nothing_found_means_no_reading_task() -> None:
    plan = PlanUpdates("New Co")
    plan.add(Progress("search", "New Co", done=True, count=0))
    assert plan.add(Progress("draft", "New Co", done=False)) is False
    plan.add(Progress("draft", "New Co", done=True))
    plan.add(Progress("cite", "New Co", done=True))
    [search] = dicts(plan.take())
    assert (search["id"], search["status"], search["output"]) == ("search", "complete", "no matching records")


def test_a_failed_draft_marks_the_task_under_way_as_failed() -> None:
    plan = PlanUpdates("Lumen Health")
    plan.add(Progress("search", "Lumen Health", done=True, count=1))
    plan.add(Progress("draft", "Lumen Health", done=False, llm=True))
    plan.take()
    [failed] = dicts(plan.failed())
    assert failed == {"type": "task_update", "id": "read", "status": "error",
                      "title": "Reading 1 record of Lumen Health with the language model"}


def test_streamed_markdown_is_escaped_and_within_the_stream_limit() -> None:
    hostile = "<!channel> see [the deck](https://evil.example) *now*\n# Heading\n- item"
    text = answer_markdown(make.answer(hostile), STREAM_TEXT)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "[the deck](" not in text and "\\[the deck\\]" in text and "\\*now\\*" in text
    assert "\n# Heading" not in text and "\n\\- item" in text
    assert text.startswith("**What did we promise?**\n\n_Lumen Health · as of")
    assert len(answer_markdown(make.answer("word " * 10_000), STREAM_TEXT)) <= STREAM_TEXT < 12_000


def test_escape_markdown_leaves_ordinary_prose_readable() -> None:
    assert escape_markdown("We'll send the Q4 report by 5 Nov (3.5 days).") == (
        "We'll send the Q4 report by 5 Nov (3.5 days).")
    assert escape_markdown("1. first\n12) twelfth") == "1\\. first\n12\\) twelfth"


def test_the_closing_blocks_fit_one_message_however_many_sources() -> None:
    draft = make.answer()
    draft = draft.model_copy(update={"claims": [make.claim(f"Claim number {n} " + "x" * 200, n) for n in range(300)]})
    request = DraftRequest("ask", "Lumen Health", "What did we promise?")
    ref = FeedbackRef(kind="answer", account="Lumen Health", as_of="2026-11-23", llm=False, version="0.1.0")
    blocks = closing_blocks(request, draft, feedback_block(ref))
    assert len(blocks) <= MAX_BLOCKS
    assert blocks[-1]["type"] == "context_actions" and "did not fit" in json.dumps(blocks)


def test_suggested_prompts_name_the_users_own_accounts_first_and_read_back_as_meant() -> None:
    open_account = Account(name="Open Co")
    mine = Account(name="Lumen Health", team=["U1"])
    prompts = suggested_prompts("U1", [open_account, mine])
    assert [p["message"] for p in prompts] == [
        "Brief me on Lumen Health", "What did we promise Open Co?", "Feedback questions for Lumen Health",
        "This week's digest"]
    assert [read_intent(p["message"]) for p in prompts] == ["brief", "ask", "questions", "digest"]
    assert all(p["title"] == p["message"] for p in prompts)
    assert suggested_prompts("U1", []) == []
