"""Reject a signed request seen before: a valid signature is only valid once.

Bolt's RequestVerification (which runs first) rejects forged, unsigned and stale (> 5 minutes) requests;
within those 5 minutes a captured request could still be sent again. Slack signs every delivery anew
(retries included, except possibly an event retried within the same second: events are exempt and
deduplicated by event id instead), so a repeated signature on a command or an interaction is never Slack's.

Where signatures are remembered depends on the state database. On PostgreSQL (replicas on several hosts) in
the database, so a request replayed to another replica is refused too: one row write per request. On the
embedded SQLite file, in this process only: there every ack's write contended with the draft worker's
writes for SQLite's single writer lock, and the busy-handler waits took the ack p99 from ~52 ms to ~300 ms
(docs/BENCHMARKS.md), so replicas sharing one SQLite file on one host do not see each other's signatures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from relbot.slack.ttl_cache import TTLCache
from relbot.store.shared_entries import SharedEntries
from relbot.store.state import StateDB

WINDOW = dt.timedelta(minutes=5, seconds=30)  # bolt accepts timestamps up to 5 minutes old


class ReplayGuard(Middleware):
    def __init__(self, state: StateDB) -> None:
        self._seen_here: TTLCache[bool] = TTLCache(ttl_s=WINDOW.total_seconds(), max_entries=100_000)
        shared = state.db.dialect != "sqlite"
        self._shared = SharedEntries(state, "signature", ttl=WINDOW) if shared else None

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        if req.mode != "http":  # Socket Mode traffic is not signed per request
            return next()
        if req.body.get("type") == "event_callback":
            # Events are deduplicated by event_id (StateDB.claim_event), which also covers a replay; and a
            # Slack retry sent within the same second would carry the same signature as the original.
            return next()
        signature = _header(req, "x-slack-signature")
        if signature and not self._first_use(signature):
            return BoltResponse(status=401, body='{"error":"replayed request"}')
        return next()

    def _first_use(self, signature: str) -> bool:
        if self._seen_here.get(signature):
            return False
        self._seen_here.put(signature, True)
        return self._shared is None or self._shared.first_use(signature)


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name) or []
    return values[0] if values else None
