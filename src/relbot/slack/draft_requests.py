"""What Slack asks the core for: a ``DraftRequest``, run against ``services.drafts`` (the DraftService).

The request is a small value object so it can ride in a button value and be re-run for "Share to
channel" with the same as-of date.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from relbot.drafting.models import DraftBase
from relbot.services import Services

if TYPE_CHECKING:
    from relbot.drafting.service import DraftService

RequestKind = Literal["brief", "questions", "checklist", "ask"]
KINDS: tuple[RequestKind, ...] = ("brief", "questions", "checklist", "ask")
LABELS: dict[RequestKind, str] = {
    "brief": "brief", "questions": "feedback questions", "checklist": "expectations checklist", "ask": "answer",
}


@dataclass(frozen=True)
class DraftRequest:
    kind: RequestKind
    account: str  # the canonical account name, resolved and access-checked before the request is built
    question: str | None = None
    as_of: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"k": self.kind, "a": self.account}
        if self.question:
            data["q"] = self.question
        if self.as_of:
            data["d"] = self.as_of.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DraftRequest:
        kind = next((k for k in KINDS if k == data["k"]), None)
        if kind is None or not isinstance(data["a"], str):
            raise ValueError("not a draft request")
        question = data.get("q")
        return cls(kind, data["a"], str(question) if question else None,
                   dt.date.fromisoformat(data["d"]) if data.get("d") else None)

    def cli_hint(self) -> str:
        words = ["relbot", self.kind, self.account, *([self.question] if self.question else [])]
        return shlex.join(words) if len(" ".join(words)) < 200 else f"relbot {self.kind} …"


_RUNNERS: dict[RequestKind, Callable[[DraftService, DraftRequest, bool], DraftBase]] = {
    "brief": lambda d, r, fresh: d.brief(r.account, as_of=r.as_of, save_snapshot=fresh),
    "questions": lambda d, r, fresh: d.questions(r.account, as_of=r.as_of),
    "checklist": lambda d, r, fresh: d.checklist(r.account, as_of=r.as_of),
    "ask": lambda d, r, fresh: d.ask(r.account, r.question or "", as_of=r.as_of),
}


def run_draft(services: Services, request: DraftRequest, *, fresh: bool = True) -> DraftBase:
    """``fresh=False`` re-drafts for a share: the brief then leaves the snapshot history alone."""
    return _RUNNERS[request.kind](services.drafts, request, fresh)
