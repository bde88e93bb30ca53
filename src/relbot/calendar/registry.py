"""Connecting and disconnecting calendars, and a user's lead time: the operations the CLI and Slack share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relbot.calendar.fetch import feed_id, normalise_feed_url, redact_url
from relbot.calendar.upcoming import MAX_LEAD_MINUTES, MIN_LEAD_MINUTES
from relbot.errors import RelbotError
from relbot.store import calendar_feeds
from relbot.store.calendar_feeds import Feed
from relbot.store.database import Database

MAX_FEEDS_PER_USER = 5


class CalendarError(RelbotError):
    """A calendar request that cannot be done as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Connected:
    feed_id: str
    label: str
    new: bool


def connect(db: Database, *, user_id: str, url: str, owner_email: str | None, added_by: str | None,
            now: dt.datetime) -> Connected:
    """Registers ``url`` (normalised; CalendarUrlError if it is no calendar address) as one of the user's feeds."""
    clean = normalise_feed_url(url)
    fid, label = feed_id(clean), redact_url(clean)
    existing = calendar_feeds.listed(db, user_id=user_id)
    if len(existing) >= MAX_FEEDS_PER_USER and all(f.feed_id != fid for f in existing):
        raise CalendarError(f"You already have {len(existing)} calendars connected, the most relbot keeps per "
                            "person. Disconnect one first (`/relbot calendar disconnect`).")
    new = calendar_feeds.add(db, user_id=user_id, feed_id=fid, url=clean, label=label,
                             owner_email=owner_email.lower() if owner_email else None, added_by=added_by, now=now)
    return Connected(fid, label, new)


def disconnect(db: Database, *, user_id: str, feed: str | None = None) -> list[Feed]:
    """Removes one feed (by id) or all the user's feeds, with the meetings read from them; which were removed."""
    mine = calendar_feeds.listed(db, user_id=user_id)
    chosen = [f for f in mine if feed is None or f.feed_id == feed]
    if feed is not None and not chosen:
        known = ", ".join(f.feed_id for f in mine) or "none"
        raise CalendarError(f"No calendar `{feed}` is connected for {user_id} (connected: {known}).")
    for f in chosen:
        calendar_feeds.remove(db, user_id=user_id, feed_id=f.feed_id)
    return chosen


def parse_lead(text: str) -> int:
    """ "45", "45m", "1h", "90 min" -> minutes, within the allowed range."""
    raw = text.strip().lower().replace(" ", "")
    for suffix, factor in (("minutes", 1), ("minute", 1), ("mins", 1), ("min", 1), ("m", 1), ("hours", 60),
                           ("hour", 60), ("h", 60)):
        if raw.endswith(suffix) and raw[: -len(suffix)].isdigit():
            minutes = int(raw[: -len(suffix)]) * factor
            break
    else:
        if not raw.isdigit():
            raise CalendarError(f"'{text.strip()[:20]}' is not a number of minutes; try `/relbot calendar lead 45`.")
        minutes = int(raw)
    if not MIN_LEAD_MINUTES <= minutes <= MAX_LEAD_MINUTES:
        raise CalendarError(f"The lead time must be between {MIN_LEAD_MINUTES} minutes and "
                            f"{MAX_LEAD_MINUTES // 60} hours; {minutes} minutes is outside that.")
    return minutes


def set_lead(db: Database, *, user_id: str, minutes: int | None, now: dt.datetime) -> None:
    """``minutes`` None: back to the workspace default (RELBOT_PRECALL_MINUTES)."""
    calendar_feeds.set_lead(db, user_id, minutes, now=now)
