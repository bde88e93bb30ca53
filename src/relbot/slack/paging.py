"""Split a rendered draft into messages Slack accepts: never a failed post, at worst a shortened draft.

A page is one message within Slack's limits (limits.py: 50 blocks, ``MESSAGE_TEXT`` characters of block text),
and holds one table at most (documented). ``response_url`` takes at most 5 posts, hence ``MAX_PAGES``; what
does not fit is dropped with a note saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from relbot.slack.blocks import Rendered, Unit
from relbot.slack.limits import MAX_BLOCKS, MESSAGE_TEXT, block_text, fallback_text
from relbot.slack.sanitize import escape

MAX_PAGES = 4  # response_url allows 5 posts; one stays free for a follow-up or an error
# "part n of m", "n more did not fit", then the Share button and the feedback thumbs on the private copy, or
# "Shared by" on the public one: four at most, the same budget for both so that they paginate alike
FOOTER_BLOCKS = 4


@dataclass(frozen=True)
class Page:
    """One Slack message: ``text`` is the notification fallback, ``blocks`` the JSON-ready body."""

    text: str
    blocks: list[dict[str, Any]]


def paginate(
    rendered: Rendered, *, footer: Sequence[Block] = (), max_pages: int = MAX_PAGES, cli_hint: str | None = None
) -> list[Page]:
    """Pack units into pages in order; ``footer`` (e.g. the Share button) goes on the last page."""
    budget_blocks = MAX_BLOCKS - FOOTER_BLOCKS
    pages: list[list[Block]] = [[]]
    for unit in _fit_units(rendered.units, budget_blocks):
        current = pages[-1]
        if current and (len(current) + len(unit) > budget_blocks or _chars(current) + _chars(unit) > MESSAGE_TEXT
                        or (_tables(current) and _tables(unit))):  # Slack takes one table per message
            pages.append([])
        pages[-1].extend(unit)
    dropped = len(pages) > max_pages
    pages = pages[:max_pages]
    out: list[Page] = []
    for number, blocks in enumerate(pages, 1):
        tail: list[Block] = []
        if len(pages) > 1:
            tail.append(_note(f"Part {number} of {len(pages)}"))
        if dropped and number == len(pages):
            more = f" Run `{escape(cli_hint)}` for all of it." if cli_hint else ""  # it may quote a question
            tail.append(_note(f":scissors: The rest of this draft did not fit in Slack's message limits.{more}"))
        if number == len(pages):
            tail.extend(footer)
        suffix = f" ({number}/{len(pages)})" if len(pages) > 1 else ""
        out.append(Page(text=fallback_text(rendered.title, suffix), blocks=[b.to_dict() for b in [*blocks, *tail]]))
    return out


def _fit_units(units: Iterable[Unit], budget_blocks: int) -> Iterable[Unit]:
    """Units larger than a page (a 20,000-character claim) are split into page-sized runs of blocks."""
    for unit in units:
        if len(unit) <= budget_blocks and _chars(unit) <= MESSAGE_TEXT:
            yield unit
            continue
        run: Unit = []
        for block in unit:
            if run and (len(run) >= budget_blocks or _chars(run) + _chars([block]) > MESSAGE_TEXT):
                yield run
                run = []
            run.append(block)
        if run:
            yield run


def _tables(blocks: Iterable[Block]) -> int:
    return sum(b.type == "table" for b in blocks)


def _chars(blocks: Iterable[Block]) -> int:
    # A table's text is bounded where it is built (blocks.TABLE_TEXT) and a page holds one: it rides on top.
    return block_text(b for b in blocks if b.type != "table")


def _note(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])
