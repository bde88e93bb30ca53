"""The live sources in Slack words, for admins: `/relbot sources`, `/relbot sources sync NAME` and the App
Home's Sources section. Admins only: a source's errors and unfiled counts describe every account's mail and
CRM, not one team's. Only where a secret lives is shown (an environment variable's name), never a value."""

from __future__ import annotations

import datetime as dt

from relbot.slack.commands import Sources
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import clip, escape
from relbot.sources.registry import SourceStatus, statuses
from relbot.store import sources

NOT_ADMIN = "Only relbot admins (RELBOT_SLACK_ADMINS) can see and sync the live sources."
NONE_YET = ("No live sources yet. An operator adds them with `relbot sources add hubspot|salesforce|imap …` "
            "(README: Live sources).")


def _when(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "never"
    minutes = int((now - moment).total_seconds() // 60)
    if 0 <= minutes < 60:
        return f"{minutes} min ago"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def source_line(s: SourceStatus, *, now: dt.datetime) -> str:
    name = f"*{escape(s.name)}* ({s.type}, {escape(s.target)})"
    counts = f"{s.objects:,} stored, {s.unfiled:,} unfiled"
    if s.failures:
        error = escape(clip(s.error or "unknown error", 300))
        retry = "now" if s.next_sync_at <= now else f"{s.next_sync_at:%H:%M} UTC"
        icon = ":rotating_light:" if s.keeps_failing else ":warning:"
        return (f"{icon} {name} — failing ({s.failures} in a row; last good sync {_when(s.ok_at, now)}): {error} "
                f"Next try {retry}. {counts}.")
    syncing = " Syncing now." if s.syncing else ""
    return f":white_check_mark: {name} — synced {_when(s.ok_at, now)}; {counts}.{syncing}"


def sources_lines(rt: Runtime, user_id: str, *, now: dt.datetime | None = None) -> list[str]:
    """The App Home's Sources section: for admins only (empty for everyone else)."""
    if user_id not in set(rt.services.settings.slack_admins):
        return []
    at = now or dt.datetime.now(dt.UTC)
    found = statuses(rt.services.state.db, now=at)
    return [source_line(s, now=at) for s in found] or [NONE_YET]


def run_sources(rt: Runtime, command: Sources, *, user_id: str, now: dt.datetime | None = None) -> str:
    if user_id not in set(rt.services.settings.slack_admins):
        return NOT_ADMIN
    at = now or dt.datetime.now(dt.UTC)
    db = rt.services.state.db
    if command.action == "sync":
        if sources.get(db, command.name) is None:
            names = ", ".join(f"`{escape(s.name)}`" for s in statuses(db, now=at)) or "none yet"
            return f"There is no source named `{escape(command.name)}`. Sources: {names}."
        sources.make_due(db, command.name, now=at)
        return (f":arrows_counterclockwise: `{escape(command.name)}` will sync within a minute (the scheduler, "
                "RELBOT_SCHEDULER, picks it up); `/relbot sources` shows how it went.")
    found = statuses(db, now=at)
    if not found:
        return NONE_YET
    return "\n".join(["*Live sources*", *(source_line(s, now=at) for s in found),
                      "`relbot sources unfiled NAME` lists what could not be filed to an account."])
