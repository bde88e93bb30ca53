"""What an extractive drafter gets: the account, the day, the analysis of its records, the checklist, the
previous brief's snapshot and a way to search the account's records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relbot.analysis.overview import Analysis
from relbot.domain import ChecklistEntry
from relbot.knowledge import ChecklistItem
from relbot.models import Account, Record, SearchHit

Search = Callable[[str, int], list[SearchHit]]  # (query, limit) -> hits of this account, best first
Embed = Callable[[list[str]], list[list[float]]]


@dataclass(frozen=True)
class DraftContext:
    account: Account
    as_of: dt.date
    analysis: Analysis
    checklist: list[ChecklistEntry]
    items: tuple[ChecklistItem, ...]
    previous: dict[str, Any] | None  # the last brief's snapshot, None before the first brief
    search: Search

    @property
    def records(self) -> list[Record]:
        return self.analysis.records

    def record(self, record_id: str) -> Record | None:
        return next((r for r in self.analysis.records if r.id == record_id), None)
