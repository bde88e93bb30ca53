"""What a draft in progress reports, for surfaces that show it while it runs (Slack's streamed plan).

Plain data and a callback type: the core calls the callback at each step and never learns who listens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Step = Literal["search", "draft", "cite"]


@dataclass(frozen=True)
class Progress:
    """``search``: records of ``account`` being looked up, then ``count`` found and read; ``draft``: the answer
    being written (``llm`` when by the language model); ``cite``: ``count`` citations checked, ``matched`` of
    them pointing at a record that was read."""

    step: Step
    account: str
    done: bool
    count: int = 0
    matched: int = 0
    llm: bool = False


ProgressFn = Callable[[Progress], None]


def ignore(progress: Progress) -> None:
    """The default listener: nobody is watching."""
