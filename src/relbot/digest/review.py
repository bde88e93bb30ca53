"""What the signals of one account are computed from: its analysis at the week's as-of day and seven days
earlier (the same records, so the difference is the week's), the tier cadences and the stage a previous
digest saw."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from relbot.analysis.overview import Analysis
from relbot.digest.weeks import IsoWeek
from relbot.knowledge import Cadence
from relbot.models import Account, Citation, Record, Stage


@dataclass(frozen=True)
class SeenStage:
    week: str  # the digest week that recorded it
    stage: Stage


@dataclass(frozen=True)
class Review:
    now: Analysis
    before: Analysis
    cadence: Cadence
    week: IsoWeek
    previous_stage: SeenStage | None = None

    @property
    def account(self) -> Account:
        return self.now.account

    @property
    def as_of(self) -> dt.date:
        return self.now.as_of

    @cached_property
    def _by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.now.records}

    def record(self, citation: Citation) -> Record | None:
        """The record a citation names, as the analysis read it (None for a playbook section)."""
        return self._by_id.get(citation.record_id) if citation.record_id else None

    @property
    def since(self) -> dt.date:
        """The day before the week under review starts: the analysis it is compared with."""
        return self.before.as_of
