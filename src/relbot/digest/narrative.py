"""The optional summary on top of a digest: a few cited lines per exception account, written by the LLM from
prompts/digest.yaml and checked like every LLM draft (claims citing records outside the prompt are dropped).

It is an extra, never a dependency: on any failure the digest goes out without it, with a notice. After one
failure the narrator stops asking for the rest of its life (a sending run), so a dead LLM server costs one
timeout, not one per account and recipient.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING

from relbot.config import Settings
from relbot.digest.models import AccountNarrative, Digest, NarrativeLine
from relbot.digest.review import Review
from relbot.errors import ConfigError, DraftingError
from relbot.models import Citation, Record

if TYPE_CHECKING:
    from relbot.drafting.llm import LlmDrafter

log = logging.getLogger(__name__)
MAX_ACCOUNTS = 3  # the top exceptions; the rest speak through their items
MAX_LINES = 3  # per account: a manager skims this
MAX_RECORDS = 40


class Narrator:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._drafter: LlmDrafter | None = None  # built on first use, inside the fallback's try
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, dt.date], tuple[list[NarrativeLine], int]] = {}
        self._failure: str | None = None

    def narrate(self, digest: Digest, reviews: list[Review]) -> Digest:
        lines: list[NarrativeLine] = []
        dropped = 0
        for review in reviews[:MAX_ACCOUNTS]:
            try:
                found, lost = self._account(review, digest)
            except (DraftingError, ConfigError) as exc:
                log.warning("Digest summary unavailable: %s", exc)
                return digest.model_copy(update={
                    "notice": f"The language model was unavailable ({exc}); this digest has no summary on top.",
                })
            lines += found
            dropped += lost
        return digest.model_copy(update={"narrative": lines, "generated_by": "llm", "dropped_claims": dropped})

    def _account(self, review: Review, digest: Digest) -> tuple[list[NarrativeLine], int]:
        key = (review.account.name, review.as_of)
        with self._lock:
            if self._failure:
                raise DraftingError(self._failure)
            if key not in self._cache:
                try:
                    self._cache[key] = self._draft(review, digest)
                except (DraftingError, ConfigError) as exc:
                    self._failure = str(exc)
                    raise
            return self._cache[key]

    def _draft(self, review: Review, digest: Digest) -> tuple[list[NarrativeLine], int]:
        from relbot.drafting.llm import LlmDrafter
        from relbot.drafting.prompts import format_records

        self._drafter = self._drafter or LlmDrafter(self._settings)
        name = review.account.name
        records = _evidence(review, digest)
        known: dict[str, Citation] = {r.id: r.citation() for r in records}
        period = f"the week {digest.week} ({digest.week_start} to {digest.week_end}), as of {review.as_of}"
        result, dropped = self._drafter.draft(
            AccountNarrative, prompt_name="digest", allowed_ids=set(known), known_citations=known,
            variables={"account": name, "as_of": review.as_of.isoformat(), "period": period,
                       "records": format_records(records)},
        )
        lines = [NarrativeLine(account=name, text=c.text, citations=c.citations) for c in result.lines if c.citations]
        return lines[:MAX_LINES], dropped


def _evidence(review: Review, digest: Digest) -> list[Record]:
    """The week's records, then those the account's digest items cite (an overdue promise made in September)."""
    entry = next((a for a in digest.accounts if a.account == review.account.name), None)
    cited = {c.record_id for i in (entry.items if entry else []) for c in i.citations if c.record_id}
    week = [r for r in review.now.records if r.date and review.since < r.date <= review.as_of]
    in_week = {r.id for r in week}
    older = [r for r in review.now.records if r.id in cited and r.id not in in_week][-(MAX_RECORDS // 2):]
    return sorted([*older, *week[-(MAX_RECORDS - len(older)):]], key=lambda r: r.date or dt.date.min)
