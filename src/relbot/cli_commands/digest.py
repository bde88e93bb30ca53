"""`relbot digest [--week 2026-W48] [--for USER] [--json] [--send] [--no-llm] [--now ISO]` and
`relbot digest subscribe USER --day mon --time 08:00 --tz Europe/London | unsubscribe USER | subscriptions`."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from typing import Any

from relbot.cli_support import moment, print_json, services

_SEND_HELP = ("post this week's digest to every subscriber whose time has come (once per person and week; "
              "safe to run from cron on several hosts); with --for, to that person now")


def register(sub: Any) -> None:
    p = sub.add_parser("digest", help="the weekly digest: accounts needing attention, and its subscriptions")
    p.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: this week)")
    p.add_argument("--for", dest="recipient", metavar="USER", help="a Slack user id: only accounts they may see "
                   "(default, or 'all': every account)")
    p.add_argument("--json", action="store_true", help="print only JSON")
    p.add_argument("--send", action="store_true", help=_SEND_HELP)
    p.add_argument("--no-llm", action="store_true", help="no LLM summary, even with an LLM configured")
    p.add_argument("--now", type=moment, metavar="ISO", help="act as if it were this moment (replays, tests); "
                   "a time without zone is UTC")
    p.set_defaults(handler=_digest)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    s = actions.add_parser("subscribe", help="send USER the digest every week at a local day and time")
    s.add_argument("user", help="Slack member id, e.g. U0123ABCD")
    s.add_argument("--day", default="mon", help="mon..sun (default mon)")
    s.add_argument("--time", default="08:00", help="HH:MM, 24-hour (default 08:00)")
    s.add_argument("--tz", default="UTC", help="IANA time zone, e.g. Europe/London (default UTC)")
    s.set_defaults(handler=_subscribe)
    u = actions.add_parser("unsubscribe", help="stop sending USER the digest")
    u.add_argument("user")
    u.set_defaults(handler=_unsubscribe)
    ls = actions.add_parser("subscriptions", help="who gets the digest, when")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)


def _digest(args: argparse.Namespace) -> int:
    from relbot.digest.weeks import IsoWeek, system_clock

    now: dt.datetime = args.now or system_clock()
    recipient = None if args.recipient in (None, "all") else args.recipient
    use_llm = False if args.no_llm else None
    if args.send:
        if args.week:
            print("relbot: --send always sends the current week; drop --week.", file=sys.stderr)
            return 2
        return _send(recipient, now, use_llm, args.json)
    from relbot.digest.content import build_digest

    today = now.astimezone().date()  # the operator's own calendar day
    week = IsoWeek.parse(args.week) if args.week else IsoWeek.of(today)
    digest = build_digest(services(), recipient=recipient, week=week, today=today, use_llm=use_llm)
    if args.json:
        print_json(digest.model_dump(mode="json"))
        return 0
    from relbot.render.digest import render_digest

    render_digest(digest)
    return 0


def _send(recipient: str | None, now: dt.datetime, use_llm: bool | None, as_json: bool) -> int:
    from relbot.errors import ConfigError
    from relbot.slack.digest_messenger import SlackDigestMessenger
    from relbot.slack.webclient import build_web_client

    svc = services()
    if svc.settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set; sending digests posts DMs through the Slack app.")
    sender = svc.digest_sender(SlackDigestMessenger(build_web_client(svc.settings)), use_llm=use_llm)
    outcomes = [sender.send_now(recipient, now)] if recipient else sender.send_due(now)
    if as_json:
        print_json([dataclasses.asdict(o) for o in outcomes])
    else:
        for o in outcomes:
            print(f"{o.week} {o.recipient:12} {o.result}" + (f" ({o.detail})" if o.detail else ""))
        if not outcomes:
            print("No digest is due now.")
    return 1 if any(o.result in ("failed", "gave_up") for o in outcomes) else 0


def _subscribe(args: argparse.Namespace) -> int:
    from relbot.digest import subscriptions as subs

    sub = subs.subscribe(services().state, subs.make(args.user, day=args.day, at=args.time, tz=args.tz), by="cli")
    print(f"{sub.user_id} gets the weekly digest {sub.describe()}.")
    return 0


def _unsubscribe(args: argparse.Namespace) -> int:
    from relbot.digest import subscriptions as subs

    gone = subs.unsubscribe(services().state, args.user)
    print(f"{args.user} unsubscribed." if gone else f"{args.user} had no digest subscription.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from relbot.digest import subscriptions as subs

    found = subs.subscriptions(services().state)
    if args.json:
        print_json([s.model_dump(mode="json") for s in found])
        return 0
    for s in found:
        print(f"{s.user_id:12} {s.describe()}")
    if not found:
        print("No digest subscriptions. `relbot digest subscribe USER --day mon --time 08:00 --tz Europe/London`")
    return 0
