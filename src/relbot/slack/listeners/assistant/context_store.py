"""Where the assistant remembers which channel a thread's user was looking at (an account hint)."""

from __future__ import annotations

from slack_bolt.context.assistant.thread_context import AssistantThreadContext
from slack_bolt.context.assistant.thread_context_store.store import AssistantThreadContextStore

from relbot.slack.ttl_cache import TTLCache


class MemoryContextStore(AssistantThreadContextStore):
    def __init__(self) -> None:
        self._contexts: TTLCache[dict[str, str]] = TTLCache(ttl_s=24 * 3600, max_entries=2048)

    def save(self, *, channel_id: str, thread_ts: str, context: dict[str, str]) -> None:
        self._contexts.put(f"{channel_id}:{thread_ts}", dict(context))

    def find(self, *, channel_id: str, thread_ts: str) -> AssistantThreadContext | None:
        found = self._contexts.get(f"{channel_id}:{thread_ts}")
        return AssistantThreadContext(found) if found else None
