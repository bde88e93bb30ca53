"""The HubSpot cursor's shape: per-type resume points, backfilled companies and recycle-bin passes, loaded
from and dumped to the JSON the sync stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from relbot.sources.hubspot.values import modified_ms
from relbot.sources.models import Cursor

ARCHIVE_MARGIN_MS = 300_000  # our clock against HubSpot's: look five minutes before the last pass began
# HubSpot's search index trails its writes by a few seconds: an engagement saved just before a search may be
# missing from it, and the next search starting after its time would never see it. So a search resumes no later
# than this long before the previous one began (what it re-reads unchanged is skipped by its fingerprint).
INDEX_LAG_MS = 60_000


@dataclass
class Mark:
    """Where one search resumes: the newest modified time stored, and the ids stored at that millisecond."""

    since: int = 0
    seen: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, raw: Any) -> Mark:
        if not isinstance(raw, Mapping):
            return cls()
        return cls(int(raw.get("since") or 0), [str(i) for i in raw.get("seen") or []])

    def dump(self) -> dict[str, Any]:
        return {"since": self.since, "seen": list(self.seen)}

    def advance(self, results: list[Any]) -> bool:
        """Take in one page (sorted by modified time); True when ``since`` moved on."""
        if not results:
            return False
        newest = max(modified_ms(r) for r in results)
        at_newest = [str(r.id) for r in results if modified_ms(r) == newest]
        if newest > self.since:
            self.since, self.seen = newest, at_newest
            return True
        self.seen = list(dict.fromkeys([*self.seen, *at_newest]))
        return False


@dataclass
class Bin:
    """Progress through one type's recycle bin. ``after`` resumes a pass begun at ``started`` (our clock);
    removals archived before ``through`` were reported by an earlier pass; ``recent`` (id -> archived ms) are
    those reported at or after it, and ``reported`` those of the pass under way, so none is reported twice."""

    after: str | None = None
    started: int = 0
    through: int = 0
    recent: dict[str, int] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, raw: Any) -> Bin:
        if not isinstance(raw, Mapping):
            return cls()
        return cls(raw.get("after"), int(raw.get("started") or 0), int(raw.get("through") or 0),
                   {str(k): int(v) for k, v in (raw.get("recent") or {}).items()},
                   {str(k): int(v) for k, v in (raw.get("reported") or {}).items()})

    def dump(self) -> dict[str, Any]:
        return {"after": self.after, "started": self.started, "through": self.through,
                "recent": dict(self.recent), "reported": dict(self.reported)}

    def take(self, archived: list[tuple[str, int]]) -> list[str]:
        """The ids of one list page still to report."""
        fresh = [(i, ms) for i, ms in archived if ms >= self.through and i not in self.recent
                 and i not in self.reported]
        self.reported.update(fresh)
        return [i for i, _ in fresh]

    def finish(self) -> None:
        # Anything archived after this pass began may sit behind where it already was: the next pass looks
        # again from a little before (the margin covers our clock against HubSpot's).
        self.through = max(0, self.started - ARCHIVE_MARGIN_MS)
        merged = {**self.recent, **self.reported}
        self.recent = {i: ms for i, ms in merged.items() if ms >= self.through}
        self.started, self.reported = 0, {}


@dataclass
class State:
    marks: dict[str, Mark]
    companies: list[str]
    backfill_company: str | None
    backfill: dict[str, Mark]
    bins: dict[str, Bin]
    searched_at: int = 0  # when (our clock, ms) the sync that stored this cursor began searching

    def reread_recent(self, now_ms: int, lag_ms: int = INDEX_LAG_MS) -> None:
        """Step every search back to ``lag_ms`` before the previous sync began, then mark this one's start."""
        if self.searched_at and lag_ms > 0:
            floor = max(0, self.searched_at - lag_ms)
            for mark in self.marks.values():
                if mark.since > floor:
                    mark.since, mark.seen = floor, []
        self.searched_at = now_ms

    @classmethod
    def load(cls, cursor: Cursor, mapped: list[str]) -> State:
        types = cursor.get("types") or {}
        marks = {kind: Mark.load(raw) for kind, raw in types.items()}
        first_sync = "companies" not in cursor
        # On the first sync the full-history search covers every mapped company already. Later, a company no
        # longer mapped is forgotten, so mapping it again brings its history back.
        companies = sorted(mapped) if first_sync else [c for c in cursor["companies"] if c in set(mapped)]
        raw_backfill = cursor.get("backfill") or {}
        company = raw_backfill.get("company")
        backfill = {k: Mark.load(v) for k, v in (raw_backfill.get("types") or {}).items()}
        if company not in mapped:
            company, backfill = None, {}
        bins = {kind: Bin.load(raw) for kind, raw in (cursor.get("archived") or {}).items()}
        return cls(marks, companies, company, backfill, bins, int(cursor.get("searched_at") or 0))

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": 1,
            "types": {kind: mark.dump() for kind, mark in self.marks.items()},
            "companies": list(self.companies),
            "archived": {kind: b.dump() for kind, b in self.bins.items()},
            "searched_at": self.searched_at,
        }
        if self.backfill_company is not None:
            out["backfill"] = {"company": self.backfill_company,
                               "types": {k: m.dump() for k, m in self.backfill.items()}}
        return out
