"""What each `/relbot` subcommand does once parsed and once the user and conversation passed the checks.

``ROUTES`` is the dispatch table: a new subcommand is a parser case in ``commands.py`` and one entry here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from relbot.errors import RelbotError
from relbot.slack.commands import (
    Ask,
    Calendar,
    Command,
    Digest,
    DigestSubscription,
    Draft,
    Help,
    Link,
    Log,
    Sources,
    help_text,
)
from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import LABELS, DraftRequest
from relbot.slack.flows import deliver_draft
from relbot.slack.paging import Page
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import escape


def receipt(command: Command) -> str:
    """The ack's one-line answer: immediate, and free of any account data."""
    if isinstance(command, Draft):
        return f":hourglass_flowing_sand: Drafting the {LABELS[command.kind]} for *{escape(command.account)}*…"
    if isinstance(command, Ask):
        return ":hourglass_flowing_sand: Looking through the account's history…"
    if isinstance(command, DigestSubscription):
        return ":hourglass_flowing_sand: Checking your digest subscription…"
    if isinstance(command, Calendar):  # never the address: this text is the ack, logged by bolt at DEBUG
        return {"connect": ":hourglass_flowing_sand: Connecting your calendar and reading it…",
                "status": ":hourglass_flowing_sand: Looking at your calendar…"}.get(
            command.action, ":hourglass_flowing_sand: Updating your calendar settings…")
    if isinstance(command, Sources):
        return ":hourglass_flowing_sand: Looking at the live sources…"
    return ":hourglass_flowing_sand: On it…"


def run_subcommand(rt: Runtime, command: Command, dest: Destination) -> None:
    ROUTES[type(command)](rt, command, dest)


def _help(rt: Runtime, command: Help, dest: Destination) -> None:
    rt.delivery.say(dest, help_text(command.topic))


def _draft(rt: Runtime, command: Draft, dest: Destination) -> None:
    account = rt.access.resolve(dest.user_id, command.account)
    deliver_draft(rt, DraftRequest(command.kind, account.name), dest)


def _ask(rt: Runtime, command: Ask, dest: Destination) -> None:
    account = rt.access.resolve(dest.user_id, command.account)
    deliver_draft(rt, DraftRequest("ask", account.name, command.question), dest)


def _log(rt: Runtime, command: Log, dest: Destination) -> None:
    account = rt.access.resolve(dest.user_id, command.account)
    rt.capture.save_note(account=account.name, user_id=dest.user_id, text=command.text)
    rt.delivery.say(dest, f":memo: Saved your note to *{escape(account.name)}*'s history.")


def _link(rt: Runtime, command: Link, dest: Destination) -> None:
    account = rt.access.resolve(dest.user_id, command.account)
    channel = rt.access.check_channel(dest.channel_id or "")
    if channel.is_im:
        raise RelbotError("Direct messages cannot be linked; run `/relbot link` in the account's channel.")
    rt.services.state.link_channel(account.name, channel.id, linked_by=dest.user_id)
    text = f":link: Linked this channel to *{escape(account.name)}*: new messages here become its history."
    if not channel.is_member:
        rt.delivery.say(dest, text + " Invite me (`/invite @relbot`), then link again to import its history.")
        return
    days = rt.services.settings.backfill_days
    if days == 0:
        rt.delivery.say(dest, text)
        return
    rt.delivery.say(dest, text + f" Importing the last {days} days of messages now; I'll tell you when it's done.")
    rt.backfill.start(account.name, channel.id)
    done = rt.backfill.run(channel.id)
    rt.delivery.say(dest, f":inbox_tray: Imported {done.saved} earlier message(s) from this channel into "
                          f"*{escape(account.name)}*'s history.")


def _digest(rt: Runtime, command: Digest, dest: Destination) -> None:
    """This week's digest of the accounts this user may see, privately (it spans teams: no Share button)."""
    from relbot.digest.content import build_digest
    from relbot.digest.weeks import IsoWeek
    from relbot.slack.digest_blocks import message

    today = dt.date.today()
    digest = build_digest(rt.services, recipient=dest.user_id, week=IsoWeek.of(today), today=today)
    text, blocks = message(digest)
    rt.delivery.send(dest, [Page(text=text, blocks=blocks)])


def _digest_subscription(rt: Runtime, command: DigestSubscription, dest: Destination) -> None:
    """subscribe / unsubscribe / subscription: digest_subscription.py does the work; the reply is private."""
    from relbot.slack.digest_subscription import change_subscription

    rt.delivery.say(dest, change_subscription(rt, user_id=dest.user_id, text=command.text))


def _calendar(rt: Runtime, command: Calendar, dest: Destination) -> None:
    from relbot.slack.calendar_commands import run_calendar

    run_calendar(rt, command, dest)


def _sources(rt: Runtime, command: Sources, dest: Destination) -> None:
    from relbot.slack.sources_status import run_sources

    rt.delivery.say(dest, run_sources(rt, command, user_id=dest.user_id))


ROUTES: dict[type, Callable[[Runtime, Any, Destination], None]] = {
    Help: _help, Draft: _draft, Ask: _ask, Log: _log, Link: _link, Digest: _digest,
    DigestSubscription: _digest_subscription, Calendar: _calendar, Sources: _sources,
}
