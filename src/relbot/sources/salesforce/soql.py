"""The SOQL the connector sends: activity of given Accounts since a stamp, Accounts at the registry's domains,
with every literal quoted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from relbot.sources.models import AccountDirectory
from relbot.sources.salesforce.times import parse_time

_FIELDS = {
    "Task": ("Id", "Subject", "Description", "ActivityDate", "CreatedDate", "Status", "Priority", "TaskSubtype",
             "Owner.Name", "Who.Name", "AccountId", "SystemModstamp", "IsDeleted"),
    "Event": ("Id", "Subject", "Description", "StartDateTime", "EndDateTime", "ActivityDate", "IsAllDayEvent",
              "Location", "Owner.Name", "Who.Name", "AccountId", "SystemModstamp", "IsDeleted"),
}
_DOMAINS_PER_QUERY = 40
_SOQL_TIME = "%Y-%m-%dT%H:%M:%SZ"


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _like_domain(domain: str) -> str:
    # LIKE is only a first cut ("notacme.com" matches too); the directory decides on the exact host.
    escaped = domain.replace("\\", "\\\\").replace("'", "\\'").replace("%", "\\%").replace("_", "\\_")
    return f"Website LIKE '%{escaped}%'"


def activity_soql(sobject: str, account_ids: Sequence[str], since: str | None) -> str:
    where = f"AccountId IN ({', '.join(_quote(i) for i in sorted(account_ids))})"
    if since is not None:
        # SOQL takes whole seconds; rows inside the second already read are skipped by the stream.
        where += f" AND SystemModstamp >= {parse_time(since).astimezone(dt.UTC).strftime(_SOQL_TIME)}"
    return f"SELECT {', '.join(_FIELDS[sobject])} FROM {sobject} WHERE {where} ORDER BY SystemModstamp, Id"


def account_queries(directory: AccountDirectory) -> list[str]:
    select = "SELECT Id, Name, Website FROM Account WHERE "
    domains = sorted({d.strip().lower() for d in directory.domains() if d.strip()})
    return [select + " OR ".join(_like_domain(d) for d in domains[start:start + _DOMAINS_PER_QUERY])
            for start in range(0, len(domains), _DOMAINS_PER_QUERY)]
