"""`/relbot calendar [connect URL | disconnect | lead MINUTES]`: the Slack side of ``relbot.calendar.registry``.

The address is a secret (a Google "secret address in iCal format" reads the whole calendar): it goes to the
registry and nowhere else. Replies, logs and errors name the feed by its redacted label.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from relbot.calendar import registry
from relbot.calendar.run import sync_options
from relbot.calendar.sync import LOOK_AHEAD, FeedOutcome, sync_one
from relbot.slack import calendar_status as status
from relbot.slack.commands import Calendar, CalendarAction
from relbot.slack.delivery import Destination
from relbot.slack.meeting_messenger import zone_name
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import clip, escape
from relbot.store import calendar_feeds

log = logging.getLogger(__name__)
RESET_WORDS = frozenset({"default", "reset", "off"})
CONNECT_HINT = "`/relbot calendar connect URL` with your calendar's secret iCal address (`/relbot help calendar`)."


def run_calendar(rt: Runtime, command: Calendar, dest: Destination) -> None:
    HANDLERS[command.action](rt, command, dest)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- connect -----------------------------------------------------------------------------------------------
def _connect(rt: Runtime, command: Calendar, dest: Destination) -> None:
    now, db = _now(), rt.services.state.db
    # Their own address tells relbot which attendee they are (their domain is ours); their zone, when "the next
    # morning" is. Both optional: the access checks' cached users.info lookup has them when Slack gives them.
    user = rt.access.directory.user(dest.user_id)
    connected = registry.connect(db, user_id=dest.user_id, url=command.arg, owner_email=user.email if user else None,
                                 added_by=dest.user_id, now=now)
    if user and user.tz:
        calendar_feeds.set_zone(db, dest.user_id, zone_name(user.tz), now=now)
    outcome = sync_one(db, sync_options(rt.services), user_id=dest.user_id, feed_id=connected.feed_id, now=now)
    log.info("Calendar %s connected for %s (%s)", connected.label, dest.user_id,
             outcome.result if outcome else "being polled elsewhere")
    rt.delivery.say(dest, connect_reply(rt, dest.user_id, connected, outcome, now=now))


def connect_reply(rt: Runtime, user_id: str, connected: registry.Connected, outcome: FeedOutcome | None, *,
                  now: dt.datetime) -> str:
    label = f"`{escape(connected.label)}`"
    first = (f":white_check_mark: Connected your calendar {label}." if connected.new
             else f":white_check_mark: Your calendar {label} was already connected; I read it again.")
    if outcome is None:
        return f"{first} It is being read right now; `/relbot calendar` shows what it holds in a minute."
    if outcome.result == "failed":
        error = escape(clip(outcome.error or "unknown error", 300))
        return (f"{first}\n:warning: But I could not read it just now: {error}. relbot keeps retrying and "
                "`/relbot calendar` shows how it goes. If the address is wrong, connect the right one.")
    view = status.overview(rt, user_id, now=now, days=LOOK_AHEAD.days)
    total = len(view.client) + view.internal + view.other
    lines = [first, f"It holds {total} meeting(s) over the next {LOOK_AHEAD.days} days, {len(view.client)} of them "
                    "with clients you work with."]
    upcoming = [m for m in view.client if m.push_at is not None]
    if upcoming:
        lines.append(f"Next: {status.meeting_line(upcoming[0], view.tz, now=now)}.")
    lines.append(status.lead_line(view) + " Change it with `/relbot calendar lead 45`.")
    return "\n".join(lines)


# -- disconnect, lead ------------------------------------------------------------------------------------
def _disconnect(rt: Runtime, command: Calendar, dest: Destination) -> None:
    removed = registry.disconnect(rt.services.state.db, user_id=dest.user_id)
    if not removed:
        rt.delivery.say(dest, "You have no calendar connected, so there was nothing to disconnect.")
        return
    labels = ", ".join(f"`{escape(f.label)}`" for f in removed)
    rt.delivery.say(dest, f":wave: Disconnected {len(removed)} calendar(s) ({labels}) and forgot their meetings. "
                          "No more meeting briefs until you connect one again.")


def _lead(rt: Runtime, command: Calendar, dest: Destination) -> None:
    db, now = rt.services.state.db, _now()
    if command.arg.strip().casefold() in RESET_WORDS:
        registry.set_lead(db, user_id=dest.user_id, minutes=None, now=now)
        default = rt.services.settings.precall_minutes
        rt.delivery.say(dest, f":alarm_clock: Back to the workspace default: briefs come {default} minutes "
                              "before each client meeting.")
        return
    minutes = registry.parse_lead(command.arg)
    registry.set_lead(db, user_id=dest.user_id, minutes=minutes, now=now)
    rt.delivery.say(dest, f":alarm_clock: Briefs now come {minutes} minutes before each client meeting.")


# -- status ------------------------------------------------------------------------------------------------
def _status(rt: Runtime, command: Calendar, dest: Destination) -> None:
    now = _now()
    rt.delivery.say(dest, status_text(status.overview(rt, dest.user_id, now=now, days=7), now=now),
                    title="Your calendar")


def status_text(view: status.Overview, *, now: dt.datetime) -> str:
    if not view.connected:
        return f"You have no calendar connected. To get a brief before each client call: {CONNECT_HINT}"
    lines = ["*Your calendars*", *(f"• {status.feed_line(f, view.tz, now=now)}" for f in view.feeds),
             status.lead_line(view), "", "*Next client meetings* (7 days)"]
    if view.client:
        lines += [f"• {status.meeting_line(m, view.tz, now=now)}" for m in view.client[: status.SHOWN]]
        if len(view.client) > status.SHOWN:
            lines.append(f"…and {len(view.client) - status.SHOWN} more.")
    else:
        lines.append("_None in the next 7 days._")
    rest = status.uncounted(view)
    if rest:
        lines.append(rest)
    lines.append(f"Times are in {escape(view.tz)}.")
    return "\n".join(lines)


HANDLERS: dict[CalendarAction, Callable[[Runtime, Calendar, Destination], None]] = {
    "status": _status, "connect": _connect, "disconnect": _disconnect, "lead": _lead,
}
