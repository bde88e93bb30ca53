"""Which CSV column holds which activity field, for HubSpot and Salesforce exports (docs/FORMATS.md).

Each field lists candidate headers in order of preference; a row takes the first candidate column that
is non-empty in that row, because a combined export fills "Note body" for notes and "Call notes" for
calls. Headers match case-, space- and punctuation-insensitively ("ActivityDate" == "Activity date").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from relbot.errors import LoaderError

FIELDS: tuple[str, ...] = ("date", "type", "subject", "body", "owner", "account")

HUBSPOT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "date": ("Activity date", "Create date", "Created date", "Meeting start time", "Due date"),
    "type": ("Activity type", "Engagement type", "Call outcome"),
    "subject": ("Subject", "Email subject", "Call title", "Meeting name", "Task title"),
    "body": ("Note body", "Call notes", "Email body", "Body preview", "Meeting description", "Task notes"),
    "owner": ("Activity assigned to", "Created by", "Activity owner", "HubSpot owner"),
    "account": ("Associated Company", "Company name", "Associated companies"),
}

SALESFORCE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "date": ("Date", "Activity Date", "ActivityDate", "Due Date", "Created Date", "CreatedDate"),
    "type": ("Task Subtype", "TaskSubtype", "Type", "Status"),
    "subject": ("Subject",),
    # "Comments" in reports is cut at 255 characters; "Full Comments" is the whole text, so it wins.
    "body": ("Full Comments", "Comments", "Description"),
    "owner": ("Assigned", "Assigned To", "Owner Name", "Owner.Name"),
    "account": ("Account Name", "Company / Account", "Related To", "Account.Name", "What.Name"),
}

PROFILES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "HubSpot": HUBSPOT_COLUMNS,
    "Salesforce": SALESFORCE_COLUMNS,
}


@dataclass(frozen=True)
class ColumnMap:
    profile: str  # "HubSpot", "Salesforce", or "unrecognised" when only --map names columns
    columns: Mapping[str, tuple[int, ...]]  # field -> header indexes, most preferred first

    def has(self, field: str) -> bool:
        return bool(self.columns.get(field))


def header_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def resolve_columns(header: list[str], crm_map: Mapping[str, str] | None, path: Path) -> ColumnMap:
    """Pick the profile matching the most fields, then apply ``--map field=Column`` overrides."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(header_key(name), position)
    profile, columns = max(
        ((name, _match(table, index)) for name, table in PROFILES.items()),
        key=lambda candidate: sum(1 for found in candidate[1].values() if found),
    )  # max() keeps the first of equal scores, so HubSpot wins ties
    if not any(columns.values()):
        profile = "unrecognised"
    overrides = _overrides(crm_map or {}, index, header, path)
    return ColumnMap(profile=profile, columns={**columns, **overrides})


def _match(table: Mapping[str, tuple[str, ...]], index: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    return {
        field: tuple(dict.fromkeys(index[key] for name in names if (key := header_key(name)) in index))
        for field, names in table.items()
    }


def _overrides(
    crm_map: Mapping[str, str], index: Mapping[str, int], header: list[str], path: Path
) -> dict[str, tuple[int, ...]]:
    found: dict[str, tuple[int, ...]] = {}
    for field, column in crm_map.items():
        name = field.strip().lower()
        if name not in FIELDS:
            raise LoaderError(f"--map {field}=...: unknown field; the fields are {', '.join(FIELDS)}.")
        key = header_key(column)
        if key not in index:
            raise LoaderError(
                f"{path}: --map {name}={column}: the CSV has no column '{column}'; "
                f"its columns are: {', '.join(header)}."
            )
        found[name] = (index[key],)
    return found
