"""Block Kit rendering: every draft type, within Slack's limits, split rather than failed, escaped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from relbot.domain import HealthFactor
from relbot.slack.blocks import TABLE_TEXT, Rendered, health_table, render
from relbot.slack.feedback_ref import FeedbackRef, feedback_block
from relbot.slack.limits import MAX_BLOCKS, MESSAGE_TEXT
from relbot.slack.paging import MAX_PAGES, Page, paginate
from relbot.slack.shares import share_button
from tests.slack import models_factory as make

ALL = [make.brief(), make.questions(), make.checklist(), make.answer(), make.answer(found=False, text="")]


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "text" and isinstance(v, str)] + [
            t for v in value.values() for t in texts(v)
        ]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def assert_within_limits(pages: list[Page]) -> None:
    assert 1 <= len(pages) <= MAX_PAGES
    for page in pages:
        assert len(page.blocks) <= MAX_BLOCKS
        assert sum(map(len, texts(page.blocks))) <= MESSAGE_TEXT + 200  # footer notes ride on top
        assert len(page.text) <= 300
        for block in page.blocks:
            if block["type"] == "section" and "text" in block:
                assert 1 <= len(block["text"]["text"]) <= 3000
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150


@pytest.mark.parametrize("draft", ALL, ids=lambda d: f"{d.kind}")
def test_every_draft_type_renders_within_limits(draft: Any) -> None:
    pages = paginate(render(draft))
    assert_within_limits(pages)
    assert len(pages) == 1, "a typical draft fits in one message"
    assert draft.account in dump(pages[0].blocks)


def test_brief_shows_snapshot_sections_and_citations() -> None:
    blocks = dump(paginate(render(make.brief()))[0].blocks)
    for needle in ("Brief · Lumen Health", "Rachel Adeyemi", "72/100", "Recent interactions", "Commitments",
                   "Risks and concerns", "Talking points", "extractive draft", "email 2026-11-02"):
        assert needle in blocks, needle


def test_citations_link_to_slack_permalinks() -> None:
    blocks = dump(paginate(render(make.answer()))[0].blocks)
    assert f"<{make.PERMALINK}|slack 2026-11-08>" in blocks


def test_checklist_marks_each_status_and_the_question_to_ask() -> None:
    blocks = dump(paginate(render(make.checklist()))[0].blocks)
    assert ":white_check_mark: documented" in blocks and ":warning: contradicted" in blocks
    assert ":grey_question: missing" in blocks and "Who signs off on creative?" in blocks


def test_a_long_draft_is_split_across_messages_with_the_share_button_last() -> None:
    pages = paginate(render(make.brief(items=40)), footer=[share_button('{"t":"x"}')])
    assert len(pages) > 1
    assert_within_limits(pages)
    assert "Part 1 of" in dump(pages[0].blocks)
    assert [("relbot_share" in dump(p.blocks)) for p in pages] == [False] * (len(pages) - 1) + [True]


def test_a_huge_draft_is_shortened_with_a_note_never_a_failed_post() -> None:
    huge = make.brief(items=120, text="Quarterly review notes. " * 300)  # ~7,000 characters per claim
    pages = paginate(render(huge), footer=[share_button("{}")], cli_hint="relbot brief 'Lumen Health'")
    assert_within_limits(pages)
    assert len(pages) == MAX_PAGES
    assert "did not fit in Slack's message limits" in dump(pages[-1].blocks)
    assert "relbot brief 'Lumen Health'" in dump(pages[-1].blocks)


def test_one_enormous_claim_is_cut_into_sections() -> None:
    pages = paginate(render(make.answer(text="word " * 5_000)))
    assert_within_limits(pages)
    sections = [b for p in pages for b in p.blocks if b["type"] == "section"]
    assert len(sections) >= 9  # 25,000 characters in sections of at most 3,000


def test_source_and_model_text_cannot_ping_or_link() -> None:
    hostile = "<!channel> call <@U0DEMO04> in <#C0DEMOHF1> <https://evil.example|here>"
    draft = make.brief(text=hostile, notice=f"LLM said {hostile}")
    for page in paginate(render(draft)):
        for text in texts(page.blocks):
            for token in ("<!channel>", "<@U0DEMO04>", "<#C0DEMOHF1>", "<https://evil.example"):
                assert token not in text
        assert "<!channel>" not in page.text


def test_a_long_question_is_clipped_in_the_header_and_fallback() -> None:
    pages = paginate(render(make.answer().model_copy(update={"question": "why " * 200})))
    assert_within_limits(pages)


def test_a_page_full_of_blocks_still_has_room_for_every_footer() -> None:
    from relbot.slack.blocks import paragraphs
    from relbot.slack.flows import with_attribution

    crowded = Rendered(title="many", units=[paragraphs("x") for _ in range(1_000)])  # blocks, not text, run out
    thumbs = feedback_block(FeedbackRef("answer", "x", "2026-11-23", llm=False, version="0.1.0"))
    pages = paginate(crowded, footer=[share_button("{}"), thumbs], cli_hint="relbot ask x '<!here> why?'")
    public = paginate(crowded, cli_hint="relbot ask x '<!here> why?'")  # what Share posts, without buttons
    assert len(pages) == MAX_PAGES and "did not fit" in dump(pages[-1].blocks)
    assert all(len(p.blocks) <= MAX_BLOCKS for p in [*pages, *with_attribution(public, "U0DEMO02")])
    assert "<!here>" not in dump(pages[-1].blocks)  # the hint quotes the question: escaped too


def test_the_health_factors_are_one_table_beside_the_snapshot_with_their_points_as_text_too() -> None:
    hostile = HealthFactor(name="Concerns <!here>", points=7.5, max_points=15, detail="Client said <@U0DEMO04> " * 80)
    draft = make.brief()
    draft.snapshot.health.factors.append(hostile)
    [page] = paginate(render(draft))
    types = [b["type"] for b in page.blocks]
    assert types.count("table") == 1 and types.index("table") == types.index("section") + 1  # after the snapshot
    table = page.blocks[types.index("table")]
    rows = [[cell["text"] for cell in row] for row in table["rows"]]
    assert rows[0] == ["Health factor", "Points", "Why"] and rows[1] == ["Contact cadence", "20/25", "weekly calls"]
    assert rows[2][1] == "7.5/15" and len(rows[2][2]) <= 300 and "<@U0DEMO04>" not in rows[2][2]
    assert "<!here>" not in rows[2][0]
    health = page.blocks[types.index("section")]["fields"][3]["text"]  # the text fallback, beside the score
    assert health.startswith("*Health*\n72/100\nContact cadence 20/25 · Concerns &lt;!here&gt; 7.5/15")


def test_a_table_stays_within_slacks_limits_and_one_per_message() -> None:
    many = make.brief().snapshot.health.model_copy(update={"factors": [
        HealthFactor(name=f"{n}", points=1, max_points=2, detail="y") for n in range(150)]})
    [table] = health_table(many)
    data = table.to_dict()
    assert len(data["rows"]) == 100 and all(len(row) <= 20 for row in data["rows"])
    wordy = many.model_copy(update={"factors": [f.model_copy(update={"detail": "why " * 100}) for f in many.factors]})
    [table] = health_table(wordy)
    cells = [cell["text"] for row in table.to_dict()["rows"] for cell in row]
    assert sum(map(len, cells)) <= TABLE_TEXT and len(cells) >= 3 * 4  # a few whole rows, not 100 cut ones
    assert health_table(many.model_copy(update={"factors": []})) == []
    two = Rendered(title="two tables", units=[health_table(many), health_table(many)])
    pages = paginate(two)
    assert [sum(b["type"] == "table" for b in p.blocks) for p in pages] == [1, 1]
