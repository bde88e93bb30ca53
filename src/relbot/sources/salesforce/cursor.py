"""The Salesforce cursor's shape: a stream position per object, the Accounts synced and any backfill under
way, loaded from and dumped to the JSON the sync stores."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from relbot.sources.models import Cursor
from relbot.sources.salesforce.times import format_time, parse_time

OBJECTS = ("Task", "Event")
# SystemModstamp is stamped when a change is made, not when its transaction commits: a long transaction's rows
# can become visible after a query has passed their stamp. So a query resumes no later than this long before
# the previous sync's first answer (rows re-read unchanged are skipped by their fingerprint when stored).
COMMIT_LAG = dt.timedelta(minutes=2)


def _fingerprint(row: Mapping[str, Any]) -> str:
    content = {key: value for key, value in row.items() if key != "attributes"}
    return hashlib.sha1(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:12]


@dataclass
class Stream:
    """Where one query stream stands: the newest stamp read and what was read at it."""

    since: str | None = None
    seen: dict[str, str] = field(default_factory=dict)  # id -> fingerprint of the rows stamped ``since``

    @classmethod
    def load(cls, raw: Any) -> Stream:
        if not isinstance(raw, Mapping):
            return cls()
        seen = raw.get("seen") or {}
        if isinstance(seen, list):  # ids without fingerprints: skip them whatever they say
            seen = {str(i): "" for i in seen}
        return cls(raw.get("since"), {str(k): str(v) for k, v in seen.items()})

    def dump(self) -> dict[str, Any]:
        return {"since": self.since, "seen": dict(self.seen)}

    def skip(self, row: Mapping[str, Any]) -> bool:
        if self.since is None:
            return False
        stamp, since = parse_time(row["SystemModstamp"]), parse_time(self.since)
        if stamp != since:
            return stamp < since  # older: read before (the SOQL literal is cut to whole seconds)
        known = self.seen.get(row["Id"])
        return known is not None and known in ("", _fingerprint(row))

    def advance(self, row: Mapping[str, Any]) -> None:
        stamp = row["SystemModstamp"]
        if self.since is None or parse_time(stamp) > parse_time(self.since):
            self.since, self.seen = stamp, {}
        self.seen[row["Id"]] = _fingerprint(row)


@dataclass
class Backfill:
    accounts: list[str]
    streams: dict[str, Stream]


@dataclass
class Progress:
    streams: dict[str, Stream]
    deleted_through: dict[str, str | None]
    accounts: list[str]
    backfill: Backfill | None = None
    queried_at: str | None = None  # Salesforce's clock at the first answer of the sync that stored this cursor

    def reread_recent(self, server_now: dt.datetime | None, lag: dt.timedelta = COMMIT_LAG) -> None:
        """Step each stream back to ``lag`` before the previous sync's first answer; mark this sync's."""
        if self.queried_at is not None and lag > dt.timedelta(0):
            floor = parse_time(self.queried_at) - lag
            for stream in self.streams.values():
                if stream.since is not None and parse_time(stream.since) > floor:
                    stream.since, stream.seen = format_time(floor), {}
        if server_now is not None:
            self.queried_at = format_time(server_now)

    @classmethod
    def load(cls, cursor: Cursor) -> Progress:
        backfill = None
        if isinstance(raw := cursor.get("backfill"), Mapping):
            backfill = Backfill([str(i) for i in raw.get("accounts", [])],
                                 {name: Stream.load(raw.get(name)) for name in OBJECTS})
        return cls(
            streams={name: Stream.load(cursor.get(name)) for name in OBJECTS},
            deleted_through={name: (cursor.get(name) or {}).get("deleted_through") for name in OBJECTS},
            accounts=[str(i) for i in cursor.get("accounts", [])],
            backfill=backfill,
            queried_at=cursor.get("queried_at"),
        )

    def dump(self) -> dict[str, Any]:
        cursor: dict[str, Any] = {
            name: {**self.streams[name].dump(), "deleted_through": self.deleted_through[name]} for name in OBJECTS}
        cursor["accounts"] = sorted(self.accounts)
        if self.queried_at is not None:
            cursor["queried_at"] = self.queried_at
        if self.backfill is not None:
            cursor["backfill"] = {"accounts": sorted(self.backfill.accounts),
                                  **{name: self.backfill.streams[name].dump() for name in OBJECTS}}
        return cursor
