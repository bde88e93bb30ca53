"""`relbot eval feedback`: what people's thumbs in Slack say about each relbot version, kind of draft and drafter
(offline or LLM): the share of thumbs up, and how many ratings that share rests on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from relbot.store.feedback import Entry

FEW = 5  # below this many ratings a share says little


@dataclass(frozen=True)
class Approval:
    version: str
    kind: str  # "all" for a version's total
    llm: bool | None  # None for a version's total
    up: int
    down: int

    @property
    def ratings(self) -> int:
        return self.up + self.down

    @property
    def share_up(self) -> float:
        return self.up / self.ratings if self.ratings else 0.0

    @property
    def drafter(self) -> str | None:
        return None if self.llm is None else "llm" if self.llm else "offline"

    @property
    def few(self) -> bool:
        return self.ratings < FEW


def approvals(entries: Iterable[Entry]) -> list[Approval]:
    """Per version (oldest first as text sorts), each kind and drafter, then the version's total."""
    tally: dict[tuple[str, str, bool | None], list[int]] = {}
    for e in entries:
        for key in ((e.version, e.kind, e.llm), (e.version, "all", None)):
            counts = tally.setdefault(key, [0, 0])
            counts[0 if e.rating == "up" else 1] += 1
    ordered = sorted(tally, key=lambda k: (k[0], k[1] == "all", k[1], k[2] is True))
    return [Approval(version, kind, llm, *tally[(version, kind, llm)]) for version, kind, llm in ordered]
