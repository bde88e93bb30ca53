"""A Salesforce Task or Event row as a ``SourceItem``: its label, facts, date, owner and contact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from relbot.ingest.loaders.text import normalize_line, normalize_ws
from relbot.models import SourceItem, SourceKind
from relbot.sources.salesforce.times import parse_time

_TASK_LABELS = {"Call": "Call", "Email": "Email", "ListEmail": "Email", "LinkedIn": "LinkedIn"}


def _name(row: Mapping[str, Any], relation: str) -> str | None:
    related = row.get(relation)  # {"attributes": …, "Name": …}, or null when the lookup is empty
    if not isinstance(related, Mapping):
        return None
    return normalize_line(str(related.get("Name") or "")) or None


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(value) if len(value) == 10 else parse_time(value).astimezone(dt.UTC).date()


def _task_lines(row: Mapping[str, Any]) -> tuple[str, list[str]]:
    label = _TASK_LABELS.get(row.get("TaskSubtype") or "", "Task")
    facts = []
    if label != "Email" and row.get("Status"):  # an e-mail's status is always Completed: noise
        facts.append(f"Status: {row['Status']}")
    if row.get("Priority") and row["Priority"] != "Normal":
        facts.append(f"{row['Priority']} priority")
    return label, [" · ".join(facts)] if facts else []


def _event_lines(row: Mapping[str, Any]) -> tuple[str, list[str]]:
    facts = []
    start, end = row.get("StartDateTime"), row.get("EndDateTime")
    if row.get("IsAllDayEvent") and row.get("ActivityDate"):
        facts.append(f"When: {row['ActivityDate']} (all day)")
    elif start:
        begin = parse_time(start).astimezone(dt.UTC)
        until = f"–{parse_time(end).astimezone(dt.UTC):%H:%M}" if end else ""
        facts.append(f"When: {begin:%Y-%m-%d %H:%M}{until} UTC")
    if location := normalize_line(row.get("Location") or ""):
        facts.append(f"Where: {location}")
    return "Meeting", [" · ".join(facts)] if facts else []


def build_item(sobject: str, row: Mapping[str, Any], source: str, account: str | None) -> SourceItem | None:
    subject = normalize_line(row.get("Subject") or "")
    body = normalize_ws(row.get("Description") or "")
    if not subject and not body:
        return None
    label, facts = _task_lines(row) if sobject == "Task" else _event_lines(row)
    head = f"{label} — {subject}" if subject else label
    who = _name(row, "Who")
    if sobject == "Task":
        date = _day(row.get("ActivityDate")) or _day(row.get("CreatedDate"))
    else:
        date = _day(row.get("ActivityDate")) or _day(row.get("StartDateTime"))
    return SourceItem(
        text="\n".join(part for part in (head, *facts, body) if part), kind=SourceKind.CRM, source=source,
        position=0, date=date, author=_name(row, "Owner"), title=subject or None, account=account,
        participants=(who,) if who else ())
