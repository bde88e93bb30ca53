"""What one user's calendar looks like to relbot, in Slack words: their feeds (never an address, only the
label), their lead time and their next client meetings. `/relbot calendar`, its connect reply and the App
Home all show it from here, so they agree.

Meetings are named only for accounts the user may see; the rest are counted, never named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from relbot.calendar.run import meeting_view
from relbot.calendar.upcoming import Meeting
from relbot.slack.meeting_blocks import span, zone_of
from relbot.slack.meeting_messenger import zone_name
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import clip, escape
from relbot.store import calendar_feeds
from relbot.store.calendar_feeds import Feed

KEEPS_FAILING = 3  # failures in a row after which a feed is called out as broken, not just unlucky
SHOWN = 5


@dataclass(frozen=True)
class Overview:
    user_id: str
    tz: str
    feeds: list[Feed]
    lead_minutes: int
    lead_is_default: bool
    client: list[Meeting] = field(default_factory=list)  # meetings with an account the user may see, soonest first
    internal: int = 0  # only our own people
    other: int = 0  # outside attendees, but no account the user may see

    @property
    def connected(self) -> bool:
        return bool(self.feeds)


def overview(rt: Runtime, user_id: str, *, now: dt.datetime, days: int = 7) -> Overview:
    db = rt.services.state.db
    feeds = calendar_feeds.listed(db, user_id=user_id)
    own = calendar_feeds.leads(db).get(user_id)
    user = rt.access.directory.user(user_id)
    found = Overview(user_id=user_id, tz=zone_name(user.tz if user else None), feeds=feeds,
                     lead_minutes=own if own is not None else rt.services.settings.precall_minutes,
                     lead_is_default=own is None)
    if not feeds:
        return found
    visible = {a.name for a in rt.access.visible_accounts(user_id)}
    client: list[Meeting] = []
    internal = other = 0
    for meeting in meeting_view(rt.services).upcoming(user_id, now=now, days=days):
        if meeting.match.internal:
            internal += 1
        elif meeting.account in visible:
            client.append(meeting)
        else:
            other += 1
    client.sort(key=lambda m: m.occurrence.start)
    return Overview(user_id=user_id, tz=found.tz, feeds=feeds, lead_minutes=found.lead_minutes,
                    lead_is_default=found.lead_is_default, client=client, internal=internal, other=other)


# -- lines -------------------------------------------------------------------------------------------------
def feed_line(feed: Feed, tz: str, *, now: dt.datetime) -> str:
    name = f"`{escape(feed.label)}`"
    if not feed.failing:
        read = f"read {local(feed.ok_at, tz)}" if feed.ok_at else "not read yet (within a few minutes)"
        return f"{name} — {read}; {feed.events} meeting(s) in the coming days"
    error = escape(clip(feed.last_error or "unknown error", 300))
    retry = "now" if feed.next_poll_at <= now else local(feed.next_poll_at, tz)
    if feed.failures >= KEEPS_FAILING:
        last_ok = f"last read {local(feed.ok_at, tz)}" if feed.ok_at else "never read"
        return (f":rotating_light: {name} keeps failing ({feed.failures} times in a row, {last_ok}): {error}. "
                f"Next try {retry}. If the address changed, connect the new one.")
    return f":warning: {name} could not be read: {error}. relbot keeps retrying; next try {retry}."


def meeting_line(meeting: Meeting, tz: str, *, now: dt.datetime) -> str:
    account = escape(meeting.account or "")
    title = escape(clip(meeting.occurrence.title, 120))
    return f"*{account}* — {title}, {span(meeting, tz)} · {push_phrase(meeting, tz, now=now)}"


def push_phrase(meeting: Meeting, tz: str, *, now: dt.datetime) -> str:
    push_at = meeting.push_at
    if push_at is None:
        reason = "all day" if meeting.occurrence.all_day else "you declined" if meeting.declined else "no account"
        return f"no brief ({reason})"
    if meeting.occurrence.start <= now:
        return "under way"
    if push_at <= now:
        return "brief within a minute"
    return f"brief at {local(push_at, tz)}"


def lead_line(view: Overview) -> str:
    whose = " (the workspace default)" if view.lead_is_default else ""
    return f"Briefs come {view.lead_minutes} minutes before each client meeting{whose}."


def uncounted(view: Overview) -> str:
    parts = []
    if view.internal:
        parts.append(f"{view.internal} internal meeting(s)")
    if view.other:
        parts.append(f"{view.other} with no account you can see")
    return f"Not listed: {' and '.join(parts)}." if parts else ""


def local(when: dt.datetime, tz: str) -> str:
    at = when.astimezone(zone_of(tz))
    return f"{at:%a} {at.day} {at:%b} {at:%H:%M}"
