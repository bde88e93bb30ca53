"""Slack's message limits, and the one count of block text relbot checks a message against.

Per message: at most 50 blocks (documented) and an amount of block text that is not documented: Slack answers
``msg_blocks_too_long`` somewhere around 11-13k characters (reported in slackapi/bolt-js#2509 and #2867), so
relbot allows itself ``MESSAGE_TEXT``, leaving room for the JSON containers and link markup Slack may count.
Per block: a section's text 3,000 characters, a header 150, a context block 10 elements. The notification
fallback (a message's ``text``) is kept short: it is what notifications and screen readers show.

The pager (paging.py), the digest (digest_blocks.py) and the meeting messages (meeting_blocks.py) all budget
with these numbers and ``block_text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_sdk.models.blocks import Block

from relbot.slack.sanitize import clip, escape

MAX_BLOCKS = 50
MESSAGE_TEXT = 7_000
SECTION_CHARS = 3_000
HEADER_CHARS = 150
CONTEXT_ELEMENTS = 10
FALLBACK_CHARS = 300


def block_text(blocks: Iterable[Block]) -> int:
    """Characters of text in the blocks, as Slack counts towards its message limit."""
    return sum(text_length(b.to_dict()) for b in blocks)


def text_length(value: Any) -> int:
    """Characters of text in one block's JSON (every ``text``, ``value`` and ``url`` string, however deep)."""
    if isinstance(value, dict):
        return sum(len(v) if k in ("text", "value", "url") and isinstance(v, str) else text_length(v)
                   for k, v in value.items())
    if isinstance(value, list):
        return sum(text_length(v) for v in value)
    return 0


def fallback_text(text: str, suffix: str = "") -> str:
    """A message's notification text: ``text`` escaped and clipped so that, with ``suffix``, it stays short."""
    return clip(escape(text), FALLBACK_CHARS - len(suffix)) + suffix
