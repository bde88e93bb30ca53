"""Block Kit for every draft, built with ``slack_sdk.models.blocks``.

A list (interactions, commitments, questions…) renders as one section of bullets, each ending in a
reference number, followed by one compact context line resolving the numbers to sources; permalinks
become links. That keeps a typical brief to one message (a block per bullet would need three).

A draft renders to *units*: lists of blocks that belong together (a run of bullets and their sources), so
the pager (``paging.py``) splits between units. Every piece of source or model text passes through
``sanitize.escape``; no block exceeds its own limit here (limits.py: sections 3,000 characters, headers 150,
context blocks 10 elements); message-level limits are the pager's job. ``section``, ``context`` and ``plain``
are the pieces the digest and the meeting messages build with too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    RawTextObject,
    SectionBlock,
    TableBlock,
    TableBlockColumnSettings,
)

from relbot.drafting.models import (
    Answer,
    Brief,
    Checklist,
    ChecklistEntry,
    ChecklistStatus,
    Claim,
    Commitment,
    Concern,
    Contact,
    DraftBase,
    HealthScore,
    Question,
    QuestionSet,
)
from relbot.models import Citation
from relbot.slack.limits import CONTEXT_ELEMENTS, HEADER_CHARS, SECTION_CHARS
from relbot.slack.sanitize import clip, escape, is_slack_permalink, link

GROUP_CHARS = 2_400  # bullets per section before starting the next one (leaves room for escaping)
GROUP_ITEMS = CONTEXT_ELEMENTS  # one context element per bullet's sources
CONTEXT_CHARS = 1_000  # one bullet's source line; the element limit is higher, compactness is the point
FIELD_CHARS = 2_000
BRIEF_CONTACTS = 8
TABLE_ROWS = 100  # Slack's limit, the header row included (and at most 20 columns, one table per message)
CELL_CHARS = 300  # Slack publishes no cell limit; a factor's reason is one sentence
TABLE_TEXT = 1_500  # all of a table's cells: rides on top of a page's MESSAGE_TEXT, well under Slack's ~11k

Unit = list[Block]


@dataclass
class Rendered:
    """A draft as Block Kit: ``title`` is the notification/fallback text, ``units`` the body in order."""

    title: str
    units: list[Unit] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    """One bullet: mrkdwn that is already escaped, and the sources it rests on."""

    text: str
    sources: tuple[Citation, ...] = ()


def render(draft: DraftBase) -> Rendered:
    if isinstance(draft, Brief):
        return brief(draft)
    if isinstance(draft, QuestionSet):
        return questions(draft)
    if isinstance(draft, Checklist):
        return checklist(draft)
    if isinstance(draft, Answer):
        return answer(draft)
    raise TypeError(f"no Slack rendering for {type(draft).__name__}")


def message(title: str, text: str) -> Rendered:
    """A plain message (help, refusals, confirmations) in the same shape as a draft."""
    return Rendered(title=clip(title, 150), units=[paragraphs(text)])


# -- drafts ------------------------------------------------------------------------------------------
def brief(draft: Brief) -> Rendered:
    snap = draft.snapshot
    out = Rendered(title=f"Brief: {draft.account}")
    meta = f"{snap.tier.value} · {snap.stage.value} · {snap.relationship_type.value}"
    out.units.append(_heading(f"Brief · {draft.account}", draft, meta))
    out.units.extend(_notice(draft))
    last = snap.last_contact.isoformat() if snap.last_contact else "no contact on record"
    if snap.days_since_contact is not None:
        last += f" ({snap.days_since_contact} days ago)"
    # The factors' points as text too, beside the score: the table's fallback where tables do not render.
    factors = " · ".join(f"{f.name} {f.points:g}/{f.max_points:g}" for f in snap.health.factors)
    facts = [("Client contact", snap.client_contact or "—"), ("Account manager", snap.account_manager or "—"),
             ("Last contact", last), ("Health", f"{snap.health.score}/100" + (f"\n{factors}" if factors else ""))]
    unit: Unit = [SectionBlock(fields=[MarkdownTextObject(text=clip(f"*{k}*\n{escape(v)}", FIELD_CHARS))
                                       for k, v in facts])]
    out.units.append([*unit, *health_table(snap.health)])
    out.units += listing("Recent interactions", [_claim(c) for c in draft.recent_interactions])
    out.units += listing("Commitments", [_commitment(c) for c in draft.commitments])
    out.units += listing("Risks and concerns", [_concern(c) for c in draft.risks])
    out.units += listing("Decisions", [_claim(c) for c in draft.decisions])
    out.units += listing("Contacts", _contacts(draft))
    out.units += listing("Changes since the last brief", [_claim(c) for c in draft.changes_since_last_brief])
    out.units += listing("Talking points", [_claim(c) for c in draft.talking_points])
    return out


def questions(draft: QuestionSet) -> Rendered:
    out = Rendered(title=f"Feedback questions: {draft.account}")
    out.units.append(_heading(f"Feedback questions · {draft.account}", draft))
    out.units.extend(_notice(draft))
    out.units += listing("Questions to ask", [_question(q) for q in draft.questions])
    return out


_STATUS = {
    ChecklistStatus.DOCUMENTED: ":white_check_mark: documented",
    ChecklistStatus.CONTRADICTED: ":warning: contradicted",
    ChecklistStatus.MISSING: ":grey_question: missing",
}


def checklist(draft: Checklist) -> Rendered:
    out = Rendered(title=f"Expectations checklist: {draft.account}")
    out.units.append(_heading(f"Expectations checklist · {draft.account}", draft))
    out.units.extend(_notice(draft))
    counts = " · ".join(f"{_STATUS[s]}: {sum(e.status == s for e in draft.entries)}" for s in ChecklistStatus)
    out.units.append([context([counts])])
    out.units += listing("Expectations", [_entry(e) for e in draft.entries])
    return out


def answer(draft: Answer) -> Rendered:
    out = Rendered(title=f"{draft.account}: {draft.question}")
    out.units.append(_heading(f"Q · {draft.question}", draft, draft.account))
    out.units.extend(_notice(draft))
    text = draft.answer if draft.found else (draft.answer or "I could not find this in the account's history.")
    out.units.append(paragraphs(escape(text)))
    out.units += answer_sources(draft)
    return out


def answer_sources(draft: Answer) -> list[Unit]:
    """The answer's claims with their sources (what a streamed answer ends with, below its text)."""
    return listing("Sources", [_claim(c) for c in draft.claims], empty=None)


# -- lists -------------------------------------------------------------------------------------------
def listing(title: str, items: Sequence[Item], empty: str | None = "_Nothing on record._") -> list[Unit]:
    """A titled list in runs of ≤ 10 bullets / ~2,400 characters: a section of bullets, then their sources."""
    if not items:
        return [[DividerBlock(), *paragraphs(f"*{title}*\n{empty}")]] if empty else []
    units: list[Unit] = []
    run: list[tuple[int, Item]] = []
    for number, item in enumerate(items, 1):
        size = sum(len(i.text) for _, i in run) + len(item.text)
        if run and (len(run) >= GROUP_ITEMS or size > GROUP_CHARS):
            units.append(_run(title if not units else None, run))
            run = []
        run.append((number, item))
    units.append(_run(title if not units else None, run))
    return units


def _run(title: str | None, run: list[tuple[int, Item]]) -> Unit:
    bullets = "\n".join(f"• {item.text}" + (f" `[{n}]`" if item.sources else "") for n, item in run)
    unit: Unit = [DividerBlock()] if title else []
    unit += paragraphs(f"*{title}*\n{bullets}" if title else bullets)
    lines = [f"`[{n}]` {sources_line(item.sources)}" for n, item in run if item.sources]
    if lines:
        unit.append(context(lines))
    return unit


def _claim(claim: Claim) -> Item:
    return Item(escape(claim.text), tuple(claim.citations))


def _commitment(c: Commitment) -> Item:
    who = f" — {escape(c.owner)}" if c.owner else ""
    whose = {"agency": " (our promise)", "client": " (client's promise)"}.get(c.side or "", "")
    if c.asked_by:
        whose = f" (asked by {escape(c.asked_by)})"
    due = f", due {c.due.isoformat()}" if c.due else ""
    chased = f", chased {c.chases}×" if c.chases else ""
    return Item(f"{escape(c.what)}{who}{whose}{due} · *{c.status.value}*{chased}", (*c.citations, *c.evidence))


def _concern(c: Concern) -> Item:
    latest = f"\n   ↳ _{escape(clip(c.mentions[-1].text, 400))}_" if c.mentions else ""
    text = f"*{escape(c.topic)}* ({c.trend.value}, {len(c.mentions)} mention(s)){latest}"
    return Item(text, tuple(cit for m in c.mentions for cit in m.citations))


def _contacts(draft: Brief) -> list[Item]:
    """The people who matter first (the draft orders them); a long cc list in real mail would crowd out the
    rest of the brief, so the others are counted, not listed."""
    shown = [_contact(c) for c in draft.contacts[:BRIEF_CONTACTS]]
    more = len(draft.contacts) - BRIEF_CONTACTS
    if more > 0:
        shown.append(Item(f"_…and {more} more: `relbot brief \"{escape(draft.account)}\" --json` lists everyone._"))
    return shown


def _contact(c: Contact) -> Item:
    role = f", {escape(c.role)}" if c.role else ""
    seen = f" — last seen {c.last_seen.isoformat()}" if c.last_seen else ""
    return Item(f"{escape(c.name)} ({c.side}{role}){seen}", tuple(c.citations))


def _question(q: Question) -> Item:
    playbook = (q.playbook,) if q.playbook else ()
    return Item(f"*{escape(q.question)}*\n   _Why:_ {escape(q.why)}", (*q.citations, *playbook))


def _entry(e: ChecklistEntry) -> Item:
    text = f"*{escape(e.label)}* — {_STATUS[e.status]}"
    for claim in e.evidence:
        text += f"\n   ↳ _{escape(clip(claim.text, 300))}_"
    if e.question:
        text += f"\n   _Ask:_ {escape(e.question)}"
    return Item(text, (*(c for claim in e.evidence for c in claim.citations), e.playbook))


def health_table(health: HealthScore) -> list[Block]:
    """The health factors as Slack's table block (factor, points, why), in place of the line of points a brief
    used to spend a block on. Slack shows a table below the message's other blocks, wherever it sits."""
    if not health.factors:
        return []
    rows = [[_cell("Health factor"), _cell("Points"), _cell("Why")]]
    used = sum(len(c.text) for c in rows[0])
    for f in health.factors[: TABLE_ROWS - 1]:
        row = [_cell(f.name), _cell(f"{f.points:g}/{f.max_points:g}"), _cell(f.detail)]
        used += sum(len(c.text) for c in row)
        if used > TABLE_TEXT:
            break  # the rest are still in the Health field's line of points
        rows.append(row)
    wrapped = TableBlockColumnSettings(is_wrapped=True)
    settings = [wrapped, TableBlockColumnSettings(align="right"), wrapped]
    return [TableBlock(rows=rows, column_settings=settings)]


def _cell(text: str) -> RawTextObject:
    # raw_text is shown as typed (no mrkdwn, no pings); angle brackets would still read as markup to a human.
    return RawTextObject(text=clip(text.replace("<", "‹").replace(">", "›"), CELL_CHARS) or " ")


# -- pieces ------------------------------------------------------------------------------------------
def paragraphs(mrkdwn: str) -> Unit:
    """One or more sections holding ``mrkdwn`` (already escaped), split at line or word boundaries."""
    blocks: Unit = []
    rest = mrkdwn.strip() or " "
    while rest:
        if len(rest) <= SECTION_CHARS:
            piece, rest = rest, ""
        else:
            cut = _cut_point(rest, SECTION_CHARS)
            piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        blocks.append(SectionBlock(text=MarkdownTextObject(text=piece or " ")))
    return blocks


def _cut_point(text: str, limit: int) -> int:
    window = text[:limit]
    for sep in ("\n", ". ", " "):
        at = window.rfind(sep)
        if at > limit // 2:
            cut = at + len(sep)
            break
    else:
        cut = limit
    amp = text.rfind("&", 0, cut)
    if amp != -1 and text.find(";", amp) >= cut:
        cut = amp  # never end a section inside "&amp;"
    return cut


def plain(text: str, limit: int = HEADER_CHARS) -> PlainTextObject:
    # plain_text never pings, but angle brackets would still read as markup to a human; drop them.
    return PlainTextObject(text=clip(text.replace("<", "‹").replace(">", "›"), limit), emoji=True)


def _heading(title: str, draft: DraftBase, extra: str | None = None) -> Unit:
    made_by = "LLM draft" if draft.generated_by == "llm" else "extractive draft"
    parts = [f"as of {draft.as_of.isoformat()}", *([escape(extra)] if extra else []), made_by]
    if draft.dropped_claims:
        parts.append(f"{draft.dropped_claims} uncited claim(s) dropped")
    return [HeaderBlock(text=plain(title)), context([" · ".join(parts)])]


def _notice(draft: DraftBase) -> list[Unit]:
    return [paragraphs(f":warning: {escape(draft.notice)}")] if draft.notice else []


def section(mrkdwn: str) -> SectionBlock:
    """One section of ``mrkdwn`` (already escaped), clipped to a section's limit (``paragraphs`` splits instead)."""
    return SectionBlock(text=MarkdownTextObject(text=clip(mrkdwn, SECTION_CHARS)))


def context(lines: Sequence[str], limit: int = CONTEXT_CHARS) -> ContextBlock:
    """A context block: one element per line (``mrkdwn``, already escaped, each clipped to ``limit``), the first
    ``CONTEXT_ELEMENTS`` of them."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(line, limit)) for line in lines[:CONTEXT_ELEMENTS]])


def sources_line(citations: Iterable[Citation]) -> str:
    labels = list(dict.fromkeys(citation_label(c) for c in citations))
    line, shown = "", 0
    for label in labels:
        if len(line) + len(label) > CONTEXT_CHARS - 30:
            break
        line += (", " if shown else "") + label
        shown += 1
    return line + (f" +{len(labels) - shown} more" if shown < len(labels) else "")


def citation_label(c: Citation) -> str:
    """Compact: 'email 2026-11-02 · kickoff.eml', or a link when the source is a Slack permalink."""
    if c.section:
        return f"playbook: {escape(c.section)}"
    when = c.date.isoformat() if isinstance(c.date, dt.date) else "undated"
    kind = c.kind.value if c.kind else "record"
    if is_slack_permalink(c.source):
        return link(c.source, f"{kind} {when}")
    name = PurePosixPath(c.source.replace("\\", "/")).name or c.source
    return f"{kind} {when} · {escape(clip(name, 60))}"
