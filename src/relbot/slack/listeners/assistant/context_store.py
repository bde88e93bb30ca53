"""Where the assistant remembers which channel a thread's user was looking at (an account hint).

In the state database, so the replica that answers a message knows the context another replica saved.
"""

from __future__ import annotations

import datetime as dt
import json

from slack_bolt.context.assistant.thread_context import AssistantThreadContext
from slack_bolt.context.assistant.thread_context_store.store import AssistantThreadContextStore

from relbot.store.shared_entries import SharedEntries
from relbot.store.state import StateDB

CONTEXT_TTL = dt.timedelta(days=1)


class SharedContextStore(AssistantThreadContextStore):
    def __init__(self, state: StateDB) -> None:
        self._contexts = SharedEntries(state, "assistant", ttl=CONTEXT_TTL)

    def save(self, *, channel_id: str, thread_ts: str, context: dict[str, str]) -> None:
        self._contexts.put(f"{channel_id}:{thread_ts}", json.dumps(dict(context)))

    def find(self, *, channel_id: str, thread_ts: str) -> AssistantThreadContext | None:
        found = self._contexts.get(f"{channel_id}:{thread_ts}")
        return AssistantThreadContext(json.loads(found)) if found else None
