"""App Home content for one user: the accounts they may see, with last contact and health.

Last contact is read from the account's records (the same rule the briefs use); health comes from the
latest brief's saved snapshot, so opening the tab never runs a full analysis.
"""

from __future__ import annotations

import datetime as dt
import logging

from relbot.analysis.activity import last_contact
from relbot.models import Account
from relbot.slack import calendar_status as status
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import HomeEntry

log = logging.getLogger(__name__)
NOT_CONNECTED = ("Not connected. Connect yours with `/relbot calendar connect URL` and get a brief by DM before "
                 "each client call (`/relbot help calendar`).")


def home_entries(rt: Runtime, user_id: str, *, today: dt.date | None = None) -> list[HomeEntry]:
    return [_entry(rt, account, today or dt.date.today()) for account in rt.access.visible_accounts(user_id)]


def _entry(rt: Runtime, account: Account, today: dt.date) -> HomeEntry:
    last = last_contact(rt.services.store.account_records(account.name), today)
    latest = rt.services.state.latest_snapshot(account.name)
    health = latest[1].get("health") if latest else None
    if isinstance(health, dict):  # tolerate a snapshot that stores the whole HealthScore
        health = health.get("score")
    return HomeEntry(
        account=account,
        last_contact=last.date.isoformat() if last and last.date else None,
        health=int(health) if isinstance(health, int | float) else None,
        brief_date=latest[0][:10] if latest else None,
    )


def calendar_lines(rt: Runtime, user_id: str, *, now: dt.datetime | None = None) -> list[str]:
    """The Home's Calendar section: how to connect, or the next client meeting; a failing feed always shows."""
    at = now or dt.datetime.now(dt.UTC)
    try:
        view = status.overview(rt, user_id, now=at, days=7)
    except Exception as exc:  # the accounts below matter more than this section: the Home still opens
        log.warning("App Home calendar section failed: %s", type(exc).__name__)
        return []
    if not view.connected:
        return [NOT_CONNECTED]
    lines = [status.feed_line(f, view.tz, now=at) for f in view.feeds if f.failing]
    upcoming = [m for m in view.client if m.push_at is not None]
    if upcoming:
        lines.append(f"Next client meeting: {status.meeting_line(upcoming[0], view.tz, now=at)}")
    else:
        lines.append("No client meetings in the next 7 days.")
    lines.append("`/relbot calendar` shows the rest.")
    return lines


def live_source_lines(rt: Runtime, user_id: str) -> list[str]:
    """The Home's Sources section, for admins; a database hiccup hides it rather than the whole Home."""
    from relbot.slack.sources_status import sources_lines

    try:
        return sources_lines(rt, user_id)
    except Exception as exc:
        log.warning("App Home sources section failed: %s", type(exc).__name__)
        return []
