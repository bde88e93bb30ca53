"""App Home content for one user: the accounts they may see, with last contact and health.

Last contact is read from the account's records (the same rule the briefs use); health comes from the
latest brief's saved snapshot, so opening the tab never runs a full analysis.
"""

from __future__ import annotations

import datetime as dt

from relbot.analysis.activity import last_contact
from relbot.models import Account
from relbot.slack.runtime import Runtime
from relbot.slack.views import HomeEntry


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
