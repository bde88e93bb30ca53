"""`relbot calendar add URL --user U… | list | remove | sync` and `relbot meetings --user U…`: the users'
ICS calendars, the client meetings relbot sees in them and the briefs it pushes before each one."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from typing import Any

from relbot.cli_support import moment, print_json, services

_SYNC_HELP = ("poll the feeds that are due and push each brief, recap and nudge that is due, once (safe from "
              "cron on several hosts); without SLACK_BOT_TOKEN it only polls")


def register(sub: Any) -> None:
    p = sub.add_parser("calendar", help="users' ICS calendars: add, list, remove, sync")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="register an ICS feed (http/https) as a Slack user's calendar")
    a.add_argument("url", metavar="URL", help="the calendar's secret iCal address (never printed back in full)")
    a.add_argument("--user", required=True, metavar="SLACK_USER_ID")
    a.add_argument("--email", metavar="ADDRESS", help="the user's own address, to tell which invitations they "
                   "declined (Google feeds name it themselves)")
    a.set_defaults(handler=_add)
    ls = actions.add_parser("list", help="every connected feed, its last poll and any error")
    ls.add_argument("--user", metavar="SLACK_USER_ID", help="only this user's feeds")
    ls.add_argument("--json", action="store_true", help="print only JSON")
    ls.set_defaults(handler=_list)
    rm = actions.add_parser("remove", help="disconnect a feed (by id from `calendar list`) or all of a user's")
    rm.add_argument("feed", nargs="?", metavar="FEED_ID")
    rm.add_argument("--user", required=True, metavar="SLACK_USER_ID")
    rm.set_defaults(handler=_remove)
    s = actions.add_parser("sync", help=_SYNC_HELP)
    s.add_argument("--force", action="store_true", help="poll every feed now, due or not")
    s.add_argument("--no-push", action="store_true", help="only poll the feeds")
    s.add_argument("--no-llm", action="store_true", help="draft the pushed briefs offline")
    s.add_argument("--now", type=moment, metavar="ISO", help="act as if it were this moment (replays, tests)")
    s.add_argument("--json", action="store_true", help="print only JSON")
    s.set_defaults(handler=_sync)

    m = sub.add_parser("meetings", help="a user's upcoming meetings, the account each belongs to and why")
    m.add_argument("--user", required=True, metavar="SLACK_USER_ID")
    m.add_argument("--days", type=int, default=7, metavar="N", help="how far ahead (default 7, at most 14)")
    m.add_argument("--all", action="store_true", help="internal meetings too (default: client meetings only)")
    m.add_argument("--now", type=moment, metavar="ISO", help="act as if it were this moment")
    m.add_argument("--json", action="store_true", help="print only JSON")
    m.set_defaults(handler=_meetings)


def _now(args: argparse.Namespace) -> dt.datetime:
    return getattr(args, "now", None) or dt.datetime.now(dt.UTC)


def _add(args: argparse.Namespace) -> int:
    from relbot.calendar import registry

    done = registry.connect(services().state.db, user_id=args.user, url=args.url, owner_email=args.email,
                            added_by="cli", now=_now(args))
    verb = "Added" if done.new else "Reconnected"
    print(f"{verb} {done.label} (feed {done.feed_id}) as {args.user}'s calendar; `relbot calendar sync` reads it.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from relbot.store import calendar_feeds

    feeds = calendar_feeds.listed(services().state.db, user_id=args.user)
    if args.json:
        print_json([{
            "user": f.user_id, "feed_id": f.feed_id, "label": f.label, "owner_email": f.owner_email,
            "added_at": f.added_at.isoformat(), "polled_at": _iso(f.polled_at), "ok_at": _iso(f.ok_at),
            "meetings": f.events, "failures": f.failures, "error": f.last_error,
            "next_poll_at": f.next_poll_at.isoformat()} for f in feeds])
        return 0
    if not feeds:
        print("No calendars connected. `relbot calendar add URL --user U…` or `/relbot calendar connect URL`.")
    for f in feeds:
        state = (f"failing ({f.failures} in a row: {f.last_error}); next try {f.next_poll_at:%Y-%m-%d %H:%M} UTC"
                 if f.failing else f"ok, last read {_iso(f.ok_at) or 'not yet'}, {f.events} meetings stored")
        print(f"{f.user_id:12} {f.feed_id}  {f.label}  {state}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from relbot.calendar import registry

    gone = registry.disconnect(services().state.db, user_id=args.user, feed=args.feed)
    print(f"Removed {len(gone)} calendar(s) of {args.user}: " + (", ".join(f.label for f in gone) or "none"))
    return 0


def _sync(args: argparse.Namespace) -> int:
    from relbot.calendar.run import run_once

    svc = services()
    messenger = None
    if not args.no_push and svc.settings.slack_bot_token is not None:
        from relbot.slack.meeting_messenger import SlackMessenger
        from relbot.slack.webclient import build_web_client

        messenger = SlackMessenger(build_web_client(svc.settings))
    run = run_once(svc, messenger, now=_now(args), force=args.force, use_llm=False if args.no_llm else None)
    if args.json:
        print_json({"feeds": [dataclasses.asdict(f) for f in run.feeds], "pushed": run.pushed,
                    "deliveries": [{**dataclasses.asdict(p), "start": p.start.isoformat()} for p in run.pushes]})
    else:
        for f in run.feeds:
            count = f", {f.meetings} meetings" if f.meetings is not None else ""
            print(f"feed {f.feed_id} of {f.user_id:12} {f.result}{count}" + (f" ({f.error})" if f.error else ""))
        for p in run.pushes:
            print(f"{p.kind:8} {p.user_id:12} {p.account or '-'}: {p.result}" + (f" ({p.detail})" if p.detail else ""))
        if not run.pushed and not args.no_push:
            print("SLACK_BOT_TOKEN is not set: feeds polled, nothing pushed.", file=sys.stderr)
    failed = any(f.result == "failed" for f in run.feeds) or any(p.result in ("failed", "gave_up") for p in run.pushes)
    return 1 if failed else 0


def _meetings(args: argparse.Namespace) -> int:
    from relbot.calendar.run import meeting_view
    from relbot.errors import RelbotError

    if not 1 <= args.days <= 14:
        raise RelbotError(f"--days must be between 1 and 14 (relbot reads the next 14 days); got {args.days}.")
    found = meeting_view(services()).upcoming(args.user, now=_now(args), days=args.days)
    shown = [m for m in found if args.all or m.account is not None]
    if args.json:
        print_json([m.to_json() for m in shown])
        return 0
    if not shown:
        print(f"No {'' if args.all else 'client '}meetings for {args.user} in the next {args.days} days.")
    for m in shown:
        o = m.occurrence
        push = f"brief at {m.push_at:%a %d %b %H:%M} UTC" if m.push_at else "no brief"
        why = "; ".join(m.match.reasons)
        print(f"{o.start:%a %d %b %H:%M} UTC  {o.title[:60]}  → {m.account or 'no account'} ({push}) — {why}")
    return 0


def _iso(moment_: dt.datetime | None) -> str | None:
    return moment_.isoformat() if moment_ else None
