"""The digest (``relbot.digest.models.Digest``, built by the core) as one Slack message, always within Slack's
limits.

One message, not pages: the delivery ledger records one ts per (recipient, week). So the renderer budgets:
at most ``MAX_BLOCKS`` blocks and ``MESSAGE_TEXT`` characters of block text (limits.py). Exceptions come first,
each as a section of cited bullets plus a context line of sources; when the budget runs out the rest are named
in one line, and quiet accounts shrink to names. All record and model text passes through ``sanitize.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from relbot.digest.models import AccountDigest, Digest
from relbot.models import Citation
from relbot.slack.blocks import context, plain, section, sources_line
from relbot.slack.limits import MAX_BLOCKS, MESSAGE_TEXT, SECTION_CHARS, block_text, fallback_text
from relbot.slack.sanitize import clip, escape

ITEM_CHARS = 420  # one bullet; the citation line carries the rest
MAX_ITEMS = 6  # per account
TAIL_BLOCKS = 3  # the overflow note and the quiet section (+ divider) always fit
LINE_CHARS = 2_000  # one context line (the meta line, a bullet's sources, the overflow note)


def message(digest: Digest) -> tuple[str, list[dict[str, Any]]]:
    """(notification fallback text, blocks as JSON-ready dicts) for chat.postMessage."""
    return fallback(digest), [b.to_dict() for b in render(digest)]


def fallback(digest: Digest) -> str:
    names = ", ".join(a.account for a in digest.exceptions[:5])
    need = f"{len(digest.exceptions)} need attention" + (f": {names}" if names else "")
    return fallback_text(f"Weekly digest {digest.week}: {need}")


def render(digest: Digest) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=plain(f"Weekly digest · {digest.week}")),
                           context([_meta(digest)], LINE_CHARS)]
    if digest.feedback:
        blocks.append(context([feedback_line(digest)], LINE_CHARS))
    if digest.notice:
        blocks.append(section(f":warning: {escape(digest.notice)}"))
    if digest.narrative:
        bullets = [(escape(f"{n.account}: {n.text}"), n.citations) for n in digest.narrative]
        blocks += _cited("*Summary*", bullets)
    budget = MESSAGE_TEXT - block_text(blocks)
    shown = 0
    for account in digest.exceptions:
        unit = [DividerBlock(), *_account(account)]
        if len(blocks) + len(unit) > MAX_BLOCKS - TAIL_BLOCKS or block_text(unit) > budget - 1_000:
            break
        blocks += unit
        budget -= block_text(unit)
        shown += 1
    rest = digest.exceptions[shown:]
    if rest:
        names = ", ".join(escape(a.account) for a in rest)
        blocks.append(context([clip(f":scissors: {len(rest)} more need attention: {names}. "
                                    "Run `relbot digest` for the full list.", 1_000)], LINE_CHARS))
    if not digest.accounts:
        blocks.append(section("_No accounts to show: you are not on any account's team yet._"))
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


def feedback_line(d: Digest) -> str:
    """ "Feedback this week: 12 :+1:, 3 :-1: (2 on answers, 1 on briefs) · 2 reasons: `relbot feedback …`" """
    f = d.feedback
    if f is None:
        return ""
    line = f"Feedback this week: {f.up} :+1:, {f.down} :-1:"
    on = f.down_on()
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
        blocks.append(context([f"+{more} more signal(s): `relbot digest --json` lists them all."], LINE_CHARS))
    return blocks


def _cited(title: str, bullets: Sequence[tuple[str, Sequence[Citation]]]) -> list[Block]:
    """A section of bullets numbered `[n]`, then one context element per bullet naming its sources."""
    lines = [f"• {text} `[{n}]`" for n, (text, _) in enumerate(bullets, 1)]
    sources = [clip(f"`[{n}]` {sources_line(cites)}", 600) for n, (_, cites) in enumerate(bullets, 1)]
    return [section(title + "\n" + "\n".join(lines)), context(sources[:10], LINE_CHARS)]


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
    return section(text)


def _first_source(a: AccountDigest) -> str:
    return sources_line(a.summary_citations[:2]) if a.summary_citations else "no records"
