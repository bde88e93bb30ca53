"""The digest as one Slack message (Block Kit via ``slack_sdk.models.blocks``), always within Slack's limits.

One message, not pages: the delivery ledger records one ts per (recipient, week). So the renderer budgets:
at most 50 blocks and ``TEXT_BUDGET`` characters of block text (Slack refuses ~11k+ with
``msg_blocks_too_long``; see slack/paging.py). Exceptions come first, each as a section of cited bullets plus
a context line of sources; when the budget runs out the rest are named in one line, and quiet accounts
shrink to names. All record and model text passes through ``sanitize.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from relbot.digest.models import AccountDigest, Digest
from relbot.models import Citation
from relbot.slack.blocks import plain, sources_line
from relbot.slack.sanitize import clip, escape

MAX_BLOCKS = 50
TEXT_BUDGET = 7_000
SECTION_CHARS = 3_000
ITEM_CHARS = 420  # one bullet; the citation line carries the rest
MAX_ITEMS = 6  # per account
TAIL_BLOCKS = 3  # the overflow note and the quiet section (+ divider) always fit
FALLBACK_CHARS = 300


def message(digest: Digest) -> tuple[str, list[dict[str, Any]]]:
    """(notification fallback text, blocks as JSON-ready dicts) for chat.postMessage."""
    return fallback(digest), [b.to_dict() for b in render(digest)]


def fallback(digest: Digest) -> str:
    names = ", ".join(a.account for a in digest.exceptions[:5])
    need = f"{len(digest.exceptions)} need attention" + (f": {names}" if names else "")
    return clip(escape(f"Weekly digest {digest.week}: {need}"), FALLBACK_CHARS)


def render(digest: Digest) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=plain(f"Weekly digest · {digest.week}")), _context([_meta(digest)])]
    if digest.feedback:
        blocks.append(_context([feedback_line(digest)]))
    if digest.notice:
        blocks.append(_section(f":warning: {escape(digest.notice)}"))
    if digest.narrative:
        bullets = [(escape(f"{n.account}: {n.text}"), n.citations) for n in digest.narrative]
        blocks += _cited("*Summary*", bullets)
    budget = TEXT_BUDGET - _size(blocks)
    shown = 0
    for account in digest.exceptions:
        unit = [DividerBlock(), *_account(account)]
        if len(blocks) + len(unit) > MAX_BLOCKS - TAIL_BLOCKS or _size(unit) > budget - 1_000:
            break
        blocks += unit
        budget -= _size(unit)
        shown += 1
    rest = digest.exceptions[shown:]
    if rest:
        names = ", ".join(escape(a.account) for a in rest)
        blocks.append(_context([clip(f":scissors: {len(rest)} more need attention: {names}. "
                                     "Run `relbot digest` for the full list.", 1_000)]))
    if not digest.accounts:
        blocks.append(_section("_No accounts to show: you are not on any account's team yet._"))
    elif digest.quiet:
        blocks += [DividerBlock(), _quiet(digest.quiet, max(400, min(SECTION_CHARS, budget)))]
    return blocks[:MAX_BLOCKS]


def _meta(d: Digest) -> str:
    made = "LLM summary" if d.generated_by == "llm" else "extractive"
    parts = [f"{d.week_start:%d %b} – {d.week_end:%d %b %Y}", f"as of {d.as_of}", f"compared with {d.compared_with}",
             f"{len(d.exceptions)} need attention", f"{len(d.quiet)} quiet", made]
    if d.dropped_claims:
        parts.append(f"{d.dropped_claims} uncited line(s) dropped")
    return " · ".join(parts)


_PLURAL = {"answer": "answers", "brief": "briefs", "checklist": "checklists", "digest": "digests"}


def feedback_line(d: Digest, *, up: str = ":+1:", down: str = ":-1:") -> str:
    """ "Feedback this week: 12 :+1:, 3 :-1: (2 on answers, 1 on briefs) · 2 reasons: `relbot feedback …`" """
    f = d.feedback
    if f is None:
        return ""
    line = f"Feedback this week: {f.up} {up}, {f.down} {down}"
    on = [f"{n} on {_PLURAL.get(kind, kind)}" for kind, n in sorted(f.down_by_kind.items(), key=lambda kv: -kv[1])]
    if on:
        line += f" ({', '.join(escape(o) for o in on)})"
    if f.reasons:
        line += f" · {f.reasons} reason{'s' * (f.reasons != 1)}: `relbot feedback --since {d.week_start}`"
    return line


def _account(a: AccountDigest) -> list[Block]:
    delta = a.health - a.health_week_before
    moved = f" ({delta:+d})" if delta else ""
    title = f"*{escape(a.account)}* · {a.tier.value} · {a.stage.value} · health {a.health}{moved}"
    more = len(a.items) - MAX_ITEMS
    bullets = [(clip(escape(i.text), ITEM_CHARS), i.citations) for i in a.items[:MAX_ITEMS]]
    blocks = _cited(title, bullets)
    if more > 0:
        blocks.append(_context([f"+{more} more signal(s): `relbot digest --json` lists them all."]))
    return blocks


def _cited(title: str, bullets: Sequence[tuple[str, Sequence[Citation]]]) -> list[Block]:
    """A section of bullets numbered `[n]`, then one context element per bullet naming its sources."""
    lines = [f"• {text} `[{n}]`" for n, (text, _) in enumerate(bullets, 1)]
    sources = [clip(f"`[{n}]` {sources_line(cites)}", 600) for n, (_, cites) in enumerate(bullets, 1)]
    return [_section(title + "\n" + "\n".join(lines)), _context(sources[:10])]


def _quiet(quiet: list[AccountDigest], chars: int) -> Block:
    """One line per quiet account while they fit, then just the names of the rest."""
    head = f"*Quiet this week* ({len(quiet)})"
    text, shown = head, 0
    for a in quiet:
        line = f"\n• *{escape(a.account)}* — {clip(escape(a.summary), 260)} · sources: {_first_source(a)}"
        if len(text) + len(line) > chars - 200:
            break
        text += line
        shown += 1
    if shown < len(quiet):
        text += clip("\n• Also quiet: " + ", ".join(escape(a.account) for a in quiet[shown:]), chars - len(text))
    return _section(text)


def _first_source(a: AccountDigest) -> str:
    return sources_line(a.summary_citations[:2]) if a.summary_citations else "no records"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_CHARS)))


def _context(lines: Sequence[str]) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(line, 2_000)) for line in lines[:10]])


def _size(blocks: Sequence[Block]) -> int:
    """Characters of text in the blocks, as Slack counts towards its message limit."""
    total = 0
    for block in blocks:
        data = block.to_dict()
        total += len(str(data.get("text", {}).get("text", "")))
        total += sum(len(str(e.get("text", ""))) for e in data.get("elements", []))
    return total
