"""One calendar run — poll the feeds that are due, then deliver what is due — wired from the services.

`relbot calendar sync` (cron, any number of hosts) and the scheduler of `relbot serve` both call
``run_once``; neither keeps anything between runs, so replicas need no coordination beyond the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relbot.calendar.content import MeetingContent
from relbot.calendar.matching import AccountIndex
from relbot.calendar.pusher import MeetingPusher, Messenger, PushOutcome
from relbot.calendar.sync import FeedOutcome, SyncOptions, sync_feeds
from relbot.calendar.upcoming import MeetingView
from relbot.models import Record
from relbot.store.holders import lease_owner

if TYPE_CHECKING:
    from relbot.services import Services


@dataclass(frozen=True)
class CalendarRun:
    feeds: list[FeedOutcome] = field(default_factory=list)
    pushes: list[PushOutcome] = field(default_factory=list)
    pushed: bool = True  # False when no Slack client was given: feeds polled, nothing delivered


def sync_options(services: Services) -> SyncOptions:
    s = services.settings
    return SyncOptions(owner=lease_owner(), allow_private=s.calendar_allow_private,
                       poll_every=dt.timedelta(minutes=s.calendar_poll_minutes))


def meeting_view(services: Services) -> MeetingView:
    """A view over the stored meetings, matched against the accounts as they are now."""
    return MeetingView(services.state.db, account_index(services),
                       default_lead_minutes=services.settings.precall_minutes)


def account_index(services: Services) -> AccountIndex:
    return AccountIndex.build(services.state.list_accounts(), lambda name: records_of(services, name),
                              services.settings.agency_domains)


def records_of(services: Services, account: str) -> list[Record]:
    return services.retriever.account_index(account).records


def run_once(services: Services, messenger: Messenger | None, *, now: dt.datetime, force: bool = False,
             use_llm: bool | None = None) -> CalendarRun:
    db = services.state.db
    if messenger is None:
        return CalendarRun(feeds=sync_feeds(db, sync_options(services), now=now, force=force), pushed=False)
    accounts = {a.name: a for a in services.state.list_accounts()}
    admins = services.settings.slack_admins

    def allowed(user_id: str, account: str) -> bool:
        found = accounts.get(account)
        return found is not None and found.visible_to(user_id, admins)

    # The view reads the stored meetings on each pass, so one pusher serves both passes (the accounts' address
    # index is built once per run).
    pusher = MeetingPusher(db=db, view=meeting_view(services), content=MeetingContent(services.drafts, use_llm=use_llm),
                           messenger=messenger, can_see=allowed, records_of=lambda name: records_of(services, name))
    # What is due goes out before the feeds are polled (reading hundreds of changed feeds takes a while), then
    # whatever the poll made due (a meeting created inside its lead time) goes out at once.
    pushes = pusher.run(now)
    feeds = sync_feeds(db, sync_options(services), now=now, force=force)
    if any(f.result == "changed" for f in feeds):
        reported = {(p.user_id, p.kind, p.occurrence, p.start) for p in pushes}
        pushes += [p for p in pusher.run(now) if (p.user_id, p.kind, p.occurrence, p.start) not in reported]
    return CalendarRun(feeds=feeds, pushes=pushes)
