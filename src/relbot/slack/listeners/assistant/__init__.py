"""The assistant panel (legacy `assistant_view`), and replies in threads of the agent view: suggested prompts when
a thread starts, answers to what the user types in a DM thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Assistant, SaveThreadContext

from relbot.slack.listeners.assistant import thread_started, user_message
from relbot.slack.listeners.assistant.context_store import SharedContextStore
from relbot.slack.runtime import Runtime


def noop_ack(ack: object) -> None:
    """Assistant events are acknowledged automatically; the work happens in the lazy function."""


def remember_context(save_thread_context: SaveThreadContext, payload: dict[str, Any]) -> None:
    context = (payload.get("assistant_thread") or {}).get("context")
    if context:
        save_thread_context(context)


def register(app: App, rt: Runtime) -> None:
    # The built-in context store reads and rewrites thread messages through the Web API on every event;
    # the state database serves every replica without those calls.
    assistant = Assistant(thread_context_store=SharedContextStore(rt.services.state))
    assistant.thread_started(lazy=[thread_started.runner(rt)])(noop_ack)
    # Saved by a lazy function, so the context lands where user messages are answered (the worker).
    assistant.thread_context_changed(lazy=[remember_context])(noop_ack)
    assistant.user_message(lazy=[user_message.runner(rt)])(noop_ack)
    app.use(assistant)
