"""The three meeting messages as Block Kit: what they say, that feed text cannot ping, and that any brief fits one
Slack message (50 blocks, 3,000 characters a section, well under the ~12k of text Slack takes)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from relbot.calendar.content import Nudge, PrecallBrief, Recap
from relbot.calendar.matching import Match
from relbot.calendar.upcoming import Meeting
from relbot.domain import (
    Attendee,
    ChecklistEntry,
    ChecklistStatus,
    Commitment,
    CommitmentStatus,
    Concern,
    ConcernTrend,
    Occurrence,
)
from relbot.models import Citation
from relbot.slack.limits import MAX_BLOCKS
from relbot.slack.meeting_blocks import render
from relbot.slack.view_layouts import HOME_ACTION_PREFIX
from tests.slack import models_factory as make

START = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)


def meeting(*, title: str = "Lumen Health weekly sync", description: str = "Campaign metrics, open asks.",
            also: list[str] | None = None) -> Meeting:
    occurrence = Occurrence(
        uid="u1", key="u1", start=START, end=START + dt.timedelta(minutes=45), all_day=False, title=title,
        description=description, organizer="maya@brightline.example",
        attendees=(Attendee("maya@brightline.example", "Maya Chen", "ACCEPTED"),
                   Attendee("rachel.adeyemi@lumenhealth.example.org", "Rachel Adeyemi", "ACCEPTED"),
                   Attendee("jonah.price@lumenhealth.example.org", None, "DECLINED")))
    match = Match("Lumen Health", ["rachel is known"], also=also or [],
                  client_attendees=["rachel.adeyemi@lumenhealth.example.org", "jonah.price@lumenhealth.example.org"])
    return Meeting(user_id="U0DEMO02", occurrence=occurrence, match=match, lead=dt.timedelta(minutes=30),
                   declined=False)


def precall(m: Meeting | None = None, *, items: int = 3, text: str = "Rachel asked for the Q4 report by Friday.",
            since: dt.date | None = dt.date(2026, 11, 18)) -> PrecallBrief:
    draft = make.brief(items=items, text=text)
    return PrecallBrief(meeting=m or meeting(), tz="Europe/London", brief=draft, since=since,
                        due=draft.commitments[:2], questions=make.questions(2).questions)


def all_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def assert_fits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert 1 <= len(block["text"]["text"]) <= 3_000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
    assert sum(b["type"] == "table" for b in blocks) <= 1
    texts = [len(v) for v in _strings(blocks)]
    assert sum(texts) < 10_000


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in ([v] if k == "text" and isinstance(v, str) else _strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_precall_leads_with_the_meeting_then_changes_due_questions_and_the_brief() -> None:
    text, blocks = render(precall(), now=START - dt.timedelta(minutes=30))
    assert text.startswith("Your call with Lumen Health in 30 min")
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text":
                                                    "Your call with Lumen Health in 30 min", "emoji": True}}
    body = all_text(blocks)
    assert "Thu 3 Dec, 15:00–15:45 (Europe/London)" in body
    assert "_Client:_ Rachel Adeyemi (rachel.adeyemi@lumenhealth.example.org)" in body
    assert "jonah.price@lumenhealth.example.org _(declined)_" in body
    assert "_Ours:_ Maya Chen (maya@brightline.example)" in body
    assert "*Agenda*\\nCampaign metrics, open asks." in body
    order = [body.index(s) for s in ("Since your last call on 2026-11-18", "Open commitments due by 2026-12-10",
                                     "Worth asking", "Brief · Lumen Health")]
    assert order == sorted(order)
    assert "Changes since the last brief" not in body  # said once, at the top
    assert "`[1]`" in body and "email 2026-11-02 · 2026-11-02-status.eml" in body  # cited as /relbot brief cites
    buttons = [b for b in blocks if b["type"] == "actions"][-1]["elements"]
    assert [(e["action_id"], e["value"]) for e in buttons] == [
        (f"{HOME_ACTION_PREFIX}questions", "Lumen Health"), (f"{HOME_ACTION_PREFIX}checklist", "Lumen Health")]
    assert_fits(blocks)


def test_precall_without_a_last_call_and_pushed_late_says_the_time_and_since_the_last_brief() -> None:
    text, blocks = render(precall(since=None), now=START - dt.timedelta(hours=3))
    assert text.startswith("Your call with Lumen Health at 15:00")
    assert "Since the last brief" in all_text(blocks)


def test_also_matches_is_shown() -> None:
    _, blocks = render(precall(meeting(also=["Harbor Foods"])), now=START)
    assert "also matches: Harbor Foods" in all_text(blocks)


def test_feed_text_cannot_ping_or_link() -> None:
    m = meeting(title="<!channel> sync <@U0DEMO01>", description="Hi <!here> see <https://evil.example|this> @channel")
    text, blocks = render(precall(m), now=START)
    body = all_text(blocks) + text
    for raw in ("<!channel>", "<!here>", "<@U0DEMO01>", "<https://evil.example"):
        assert raw not in body
    assert "&lt;!channel&gt; sync" in body and "&lt;!here&gt;" in body
    assert "@channel" not in body  # a word joiner keeps it inert too


def test_a_huge_brief_is_cut_to_one_message_keeping_the_meeting_header() -> None:
    long = "Rachel asked for the Q4 report by Friday and then wrote a great deal more about it. " * 60
    m = meeting(description="Agenda item. " * 500)
    _, blocks = render(precall(m, items=40, text=long), now=START)
    assert_fits(blocks)
    body = all_text(blocks)
    assert blocks[0]["type"] == "header" and "Thu 3 Dec, 15:00–15:45" in body
    assert "The rest did not fit in one Slack message" in body and "/relbot brief Lumen Health" in body
    assert blocks[-1]["type"] == "actions"  # the buttons survive the cut


@pytest.mark.parametrize("items", [0, 1, 12])
def test_any_size_fits(items: int) -> None:
    _, blocks = render(precall(items=items), now=START)
    assert_fits(blocks)


def recap(**kw: Any) -> Recap:
    cited = make.claim("Notes (2026-12-03): weekly sync", 9)
    return Recap(meeting=meeting(), tz="Europe/London", account="Lumen Health", new_records=[cited], **kw)


def test_recap_lists_what_the_call_produced_with_citations() -> None:
    playbook = Citation(source="knowledge/expectations.md", section="expectation-setting#budget")
    commitment = Commitment(what="Send the revised media plan", owner="Maya", due=dt.date(2026, 12, 8),
                            status=CommitmentStatus.OPEN, citations=[make.cite(9)])
    concern = Concern(topic="Reporting delays", trend=ConcernTrend.GROWING,
                      mentions=[make.claim("Rachel: the report was late again", 9)])
    entry = ChecklistEntry(item_id="budget", label="Budget", status=ChecklistStatus.DOCUMENTED,
                           evidence=[make.claim("Budget agreed at $40k", 9)], playbook=playbook)
    text, blocks = render(recap(commitments=[commitment], concerns=[(concern, concern.mentions)], documented=[entry],
                                health_before=70, health_after=64))
    body = all_text(blocks)
    assert text == "Recap of your call with Lumen Health (Lumen Health weekly sync, Thu 3 Dec)"
    assert "Recap of your call with Lumen Health" in blocks[0]["text"]["text"]
    for expected in ("Notes (2026-12-03): weekly sync", "Send the revised media plan — Maya", "due 2026-12-08",
                     "*Reporting delays* (growing)", "Rachel: the report was late again", "Budget",
                     "*Health* 70/100 → 64/100", "email 2026-11-10"):
        assert expected in body, expected
    assert "found no commitments" not in body
    assert_fits(blocks)


def test_an_empty_recap_says_so_and_still_cites_the_notes() -> None:
    _, blocks = render(recap())
    body = all_text(blocks)
    assert "The notes arrived, but relbot found no commitments or concerns in them." in body
    assert "Notes (2026-12-03): weekly sync" in body and "`[1]`" in body


def test_nudge_is_one_short_message() -> None:
    text, blocks = render(Nudge(meeting=meeting(title="<!here> sync"), tz="Europe/London", account="Lumen Health"))
    assert len(blocks) == 1
    line = blocks[0]["text"]["text"]
    assert line.startswith(":memo: No notes from your call with *Lumen Health* on Thu 3 Dec, &lt;!here&gt; sync")
    assert "`/relbot log Lumen Health …`" in line and "ingest the transcript" in line
    assert text == "No notes from your call with Lumen Health on Thu 3 Dec"


def test_a_bad_zone_falls_back_to_utc() -> None:
    m = precall()
    _, blocks = render(PrecallBrief(meeting=m.meeting, tz="Mars/Olympus", brief=m.brief, since=None, due=[],
                                    questions=[]), now=START)
    assert "Thu 3 Dec, 15:00–15:45 (UTC)" in all_text(blocks)
