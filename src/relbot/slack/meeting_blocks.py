"""Block Kit for the meeting messages (``relbot.calendar.content``): the pre-call brief, the recap, the nudge.

The account parts reuse the brief's own pieces from ``blocks.py`` (bullets ending in ``[n]``, a sources line
per run) so a citation reads the same as in `/relbot brief`. A meeting message is one DM, so it must fit one
Slack message: the meeting header always goes in; what changed, what is due and what to ask come next; the
brief fills what is left and is cut first, with a note saying how to get all of it.

Everything that came from a calendar feed (title, description, names) or a record passes through ``escape``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from relbot.calendar.content import DUE_SOON, MeetingMessage, Nudge, PrecallBrief, Recap
from relbot.calendar.upcoming import Meeting
from relbot.drafting.models import Claim, Concern
from relbot.slack import blocks as brief_blocks
from relbot.slack.blocks import Item, Unit, context, listing, paragraphs, plain, section
from relbot.slack.limits import MAX_BLOCKS, MESSAGE_TEXT, SECTION_CHARS, block_text, fallback_text
from relbot.slack.sanitize import clip, escape
from relbot.slack.view_layouts import HOME_ACTION_PREFIX

AGENDA_CHARS = 600
TITLE_CHARS = 200
ATTENDEES_SHOWN = 12
ITEM_CHARS = 700  # one bullet of the lead sections: a pasted essay must not crowd out the rest
RESERVED = 2  # the trimmed note and the buttons always have room
SOON = dt.timedelta(minutes=90)  # nearer than this, the header says "in N min"; otherwise the clock time
# Google appends its Meet boilerplate after a "-::~:~::~" rule; it is noise in an agenda.
_MEET_RULE = re.compile(r"\n?-::~[:~]*")


def render(message: MeetingMessage, *, now: dt.datetime | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and the blocks (as dicts) of one meeting message; ``now`` phrases "in 30 min"."""
    if isinstance(message, PrecallBrief):
        return _precall(message, now)
    if isinstance(message, Recap):
        return _recap(message)
    return _nudge(message)


# -- the three messages ------------------------------------------------------------------------------
def _precall(m: PrecallBrief, now: dt.datetime | None) -> tuple[str, list[dict[str, Any]]]:
    meeting, zone = m.meeting, zone_of(m.tz)
    account = m.brief.account
    title = f"Your call with {account} {_how_soon(meeting, zone, now)}"
    head: Unit = [HeaderBlock(text=plain(title)), *_meeting_details(meeting, m.tz)]
    since = f"Since your last call on {m.since.isoformat()}" if m.since else "Since the last brief"
    by = (meeting.occurrence.start.astimezone(zone).date() + DUE_SOON).isoformat()
    lead: list[Unit] = [
        *listing(since, [_claim(c) for c in m.changes], empty="_Nothing new on record._"),
        *listing(f"Open commitments due by {by}", [_short(brief_blocks._commitment(c)) for c in m.due],
                 empty="_Nothing due._"),
        *listing("Worth asking", [_short(brief_blocks._question(q)) for q in m.questions], empty=None),
    ]
    # The lead already says what changed; the brief's own copy of it would only cost room.
    body = brief_blocks.brief(m.brief.model_copy(update={"changes_since_last_brief": []})).units
    body = [u for u in body if not _is_empty_changes(u)]
    tail: Unit = [_buttons(account)]
    hint = f"`/relbot brief {_code(account)}` shows the whole brief."
    return fallback_text(f"{title}: {meeting.occurrence.title}"), _pack(head, [*lead, *body], tail, hint)


def _recap(m: Recap) -> tuple[str, list[dict[str, Any]]]:
    o = m.meeting.occurrence
    title = f"Recap of your call with {m.account}"
    head: Unit = [HeaderBlock(text=plain(title)), context([f"{escape(clip(o.title, TITLE_CHARS))} · "
                                                             f"{span(m.meeting, m.tz)}"])]
    units: list[Unit] = []
    if not (m.commitments or m.concerns or m.documented):
        units.append(paragraphs("The notes arrived, but relbot found no commitments or concerns in them."))
    units += listing("New notes and transcripts", [_claim(c) for c in m.new_records])
    units += listing("New commitments", [_short(brief_blocks._commitment(c)) for c in m.commitments], empty=None)
    units += listing("Concerns raised", [_raised(concern, hits) for concern, hits in m.concerns], empty=None)
    units += listing("Playbook items now documented", [_short(brief_blocks._entry(e)) for e in m.documented],
                     empty=None)
    if m.health_before is not None or m.health_after is not None:
        units.append([DividerBlock(), *paragraphs(f"*Health* {_score(m.health_before)} → {_score(m.health_after)}")])
    hint = f"`/relbot brief {_code(m.account)}` shows the account as it is now."
    return fallback_text(f"{title} ({o.title}, {_day(m.meeting, m.tz)})"), _pack(head, units, [], hint)


def _nudge(m: Nudge) -> tuple[str, list[dict[str, Any]]]:
    o = m.meeting.occurrence
    when = f"{_day(m.meeting, m.tz)}, {escape(clip(o.title, TITLE_CHARS))}"
    text = (f":memo: No notes from your call with *{escape(m.account)}* on {when} — add them with "
            f"`/relbot log {_code(m.account)} …` or ingest the transcript.")
    blocks: list[Block] = [section(text)]
    return fallback_text(f"No notes from your call with {m.account} on {_day(m.meeting, m.tz)}"), _dicts(blocks)


# -- the meeting header --------------------------------------------------------------------------------
def _meeting_details(meeting: Meeting, tz: str) -> list[Block]:
    o = meeting.occurrence
    lines = [f"*{escape(clip(o.title, TITLE_CHARS))}*", span(meeting, tz)]
    if o.location.strip():
        lines.append(f"_Where:_ {escape(clip(o.location.strip(), 200))}")
    people = _attendees(meeting)
    if people:
        lines.append(people)
    out: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines), 2_000)))]
    agenda = _agenda(o.description)
    if agenda:
        out.append(SectionBlock(text=MarkdownTextObject(text=f"*Agenda*\n{agenda}")))
    if meeting.match.also:
        out.append(context([f"also matches: {escape(clip(', '.join(meeting.match.also), 300))}"]))
    return out


def _attendees(meeting: Meeting) -> str:
    o = meeting.occurrence
    names = {a.email: a.name for a in o.attendees}
    declined = {a.email for a in o.attendees if a.partstat == "DECLINED"}
    clients = set(meeting.match.client_attendees)
    everyone = o.emails()

    def who(email: str) -> str:
        name = names.get(email)
        shown = f"{escape(clip(name, 80))} ({escape(email)})" if name and name.lower() != email else escape(email)
        return shown + (" _(declined)_" if email in declined else "")

    parts = []
    for label, group in (("Client", [e for e in everyone if e in clients]),
                         ("Ours", [e for e in everyone if e not in clients])):
        if group:
            shown = ", ".join(who(e) for e in group[:ATTENDEES_SHOWN])
            more = f" +{len(group) - ATTENDEES_SHOWN} more" if len(group) > ATTENDEES_SHOWN else ""
            parts.append(f"_{label}:_ {shown}{more}")
    return "\n".join(parts)


def _agenda(description: str) -> str:
    text = _MEET_RULE.split(description or "", maxsplit=1)[0].strip()
    # Clipped before escaping (what the reader sees) and after (escaping can grow it past a section's limit).
    return clip(escape(clip(text, AGENDA_CHARS)), SECTION_CHARS - 20) if text else ""


def _how_soon(meeting: Meeting, zone: ZoneInfo, now: dt.datetime | None) -> str:
    start = meeting.occurrence.start
    left = start - now if now is not None else meeting.lead
    if dt.timedelta(0) < left <= SOON:
        return f"in {max(1, round(left.total_seconds() / 60))} min"
    local = start.astimezone(zone)
    today = (now or start).astimezone(zone).date()
    return f"at {local:%H:%M}" if local.date() == today else f"on {local:%a} {local.day} {local:%b} at {local:%H:%M}"


def span(meeting: Meeting, tz: str) -> str:
    """ "Thu 3 Dec, 15:00–15:45 (Europe/London)" in the user's zone."""
    o, zone = meeting.occurrence, zone_of(tz)
    start, end = o.start.astimezone(zone), o.end.astimezone(zone)
    if o.all_day:
        return f"{_date(start)} (all day)"
    if start.date() == end.date():
        return f"{_date(start)}, {start:%H:%M}–{end:%H:%M} ({zone.key})"
    return f"{_date(start)} {start:%H:%M} – {_date(end)} {end:%H:%M} ({zone.key})"


def _day(meeting: Meeting, tz: str) -> str:
    return _date(meeting.occurrence.start.astimezone(zone_of(tz)))


def _date(when: dt.datetime) -> str:
    return f"{when:%a} {when.day} {when:%b}"


def zone_of(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# -- pieces ----------------------------------------------------------------------------------------------
def _claim(claim: Claim) -> Item:
    return Item(escape(clip(claim.text, ITEM_CHARS)), tuple(claim.citations))


def _short(item: Item) -> Item:
    return Item(clip(item.text, ITEM_CHARS), item.sources)  # clip never splits an &amp; entity


def _raised(concern: Concern, hits: Sequence[Claim]) -> Item:
    text = f"*{escape(clip(concern.topic, 200))}* ({concern.trend.value})"
    for claim in hits[:3]:
        text += f"\n   ↳ _{escape(clip(claim.text, 300))}_"
    return Item(text, tuple(c for claim in hits for c in claim.citations))


def _score(value: int | None) -> str:
    return f"{value}/100" if value is not None else "—"


def _buttons(account: str) -> ActionsBlock:
    # The App Home's draft buttons (same action ids and value): their listener DMs the draft to whoever clicks.
    return ActionsBlock(elements=[
        ButtonElement(text=label, action_id=f"{HOME_ACTION_PREFIX}{kind}", value=account[:2000])
        for kind, label in (("questions", "Questions to ask"), ("checklist", "Expectations checklist"))
    ])


def _is_empty_changes(unit: Unit) -> bool:
    return any(isinstance(b, SectionBlock) and b.text is not None
               and b.text.text.startswith("*Changes since the last brief*") for b in unit)


def _code(account: str) -> str:
    return escape(account.replace("`", "'"))


# -- fitting one message -----------------------------------------------------------------------------------
def _pack(head: Unit, units: Iterable[Unit], tail: Unit, hint: str) -> list[dict[str, Any]]:
    """``head`` always; then ``units`` in order while they fit; then ``tail``. The first unit that does not fit
    ends the body (a later, smaller one would leave a gap in a numbered list)."""
    blocks: list[Block] = list(head)
    used = block_text(blocks) + block_text(tail)
    room = MAX_BLOCKS - len(tail) - RESERVED
    trimmed = False
    for unit in units:
        size = block_text(unit)
        if len(blocks) + len(unit) > room or used + size > MESSAGE_TEXT:
            trimmed = True
            break
        blocks += unit
        used += size
    if trimmed:
        blocks.append(context([f":scissors: The rest did not fit in one Slack message. {hint}"]))
    return _dicts([*blocks, *tail])


def _dicts(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]
