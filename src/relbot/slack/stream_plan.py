"""The plan a streamed answer shows while it is drafted: the core's progress as Slack task updates.

Three tasks: searching the account's history, reading what was found, checking the answer's citations.
Updates that arrive together go out in one ``chat.appendStream`` (``add`` says when to send, ``take`` hands
them over), so an answer costs a handful of calls whatever the number of steps. Task text holds the account
name and counts only, never client text.
"""

from __future__ import annotations

from slack_sdk.models.messages.chunk import Chunk, PlanUpdateChunk, TaskUpdateChunk

from relbot.drafting.progress import Progress
from relbot.slack.sanitize import clip

TITLE_CHARS = 150  # a task title is one line in Slack


class PlanUpdates:
    def __init__(self, account: str) -> None:
        self._account = account
        self._searching = _title(f"Searching {account}'s history")
        self._reading: str | None = None
        self._found = 0
        self._pending: list[Chunk] = []

    def opening(self) -> list[Chunk]:
        """What the stream starts with: the plan's title and the first task, under way."""
        return [PlanUpdateChunk(title=_title(f"Answering from {self._account}'s history")),
                TaskUpdateChunk(id="search", title=self._searching, status="in_progress")]

    def add(self, progress: Progress) -> bool:
        """Queue the chunks for ``progress``; True when they should be sent now (a new task started)."""
        if progress.step == "search" and progress.done:
            found = f"{_count(progress.count, 'record')} found" if progress.count else "no matching records"
            self._pending.append(TaskUpdateChunk(id="search", title=self._searching, status="complete", output=found))
            self._found = progress.count
        elif progress.step == "draft" and not progress.done and self._found:
            how = " with the language model" if progress.llm else ""
            self._reading = _title(f"Reading {_count(self._found, 'record')} of {self._account}{how}")
            self._pending.append(TaskUpdateChunk(id="read", title=self._reading, status="in_progress"))
            return True
        elif progress.step == "draft" and self._reading:
            self._pending.append(TaskUpdateChunk(id="read", title=self._reading, status="complete"))
        elif progress.step == "cite" and progress.count:
            self._pending.append(TaskUpdateChunk(
                id="cite", title=_title(f"Checking {_count(progress.count, 'citation')}"), status="complete",
                output=f"{progress.matched} of {progress.count} point at records read"))
        return False

    def take(self) -> list[Chunk]:
        pending, self._pending = self._pending, []
        return pending

    def failed(self) -> list[Chunk]:
        """What is queued, and the task under way marked as failed (the draft raised)."""
        task, title = ("read", self._reading) if self._reading else ("search", self._searching)
        return [*self.take(), TaskUpdateChunk(id=task, title=title, status="error")]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _title(text: str) -> str:
    return clip(text, TITLE_CHARS)
