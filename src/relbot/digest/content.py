"""Build the digest for one recipient and one ISO week.

Deterministic for a given day: each account is analysed as of the week's end (or today, while the week
runs) and seven days earlier from the same records, so re-running a past week gives the same digest. One
builder serves many recipients in a sending run: records and account reviews are cached per account and day.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from relbot.analysis.overview import analyze
from relbot.config import Settings
from relbot.digest import stages
from relbot.digest.account import account_digest
from relbot.digest.models import AccountDigest, Digest, FeedbackTally
from relbot.digest.ranking import split
from relbot.digest.review import Review
from relbot.digest.weeks import IsoWeek
from relbot.knowledge import load_cadence
from relbot.models import Account, Record
from relbot.store import feedback
from relbot.store.state import StateDB

if TYPE_CHECKING:
    from relbot.digest.narrative import Narrator


class DigestBuilder:
    """Wired by the composition root (``services.Services.digest_builder``) with what a digest reads: the account
    registry, stage history and feedback (``state``), an account's records (``account_records``, called only
    when an account is first reviewed, so a run with nothing to build never opens the vector store), the
    playbook folder (cadence) and the settings (admins, the agency's domains, the LLM for the narrative)."""

    def __init__(self, *, state: StateDB, account_records: Callable[[str], list[Record]], knowledge_dir: Path,
                 settings: Settings, use_llm: bool | None = None) -> None:
        self._state = state
        self._account_records = account_records
        self._knowledge_dir = knowledge_dir
        self._settings = settings
        self._use_llm = settings.llm_enabled if use_llm is None else use_llm
        self._lock = threading.Lock()
        self._records: dict[str, list[Record]] = {}
        self._reviews: dict[tuple[str, str, dt.date], tuple[AccountDigest, Review]] = {}
        self._narrator: Narrator | None = None

    def build(self, *, recipient: str | None, week: IsoWeek, today: dt.date) -> Digest:
        as_of = week.as_of(today)
        accounts = self._state.list_accounts()
        if week == IsoWeek.of(today):  # only the running week may record what the registry says now
            for account in accounts:
                stages.record(self._state, account.name, str(week), account.stage)
        admins = self._settings.slack_admins
        reviewed = [self._review(a, week, as_of) for a in accounts if a.visible_to(recipient, admins)]
        exceptions, quiet = split([d for d, _ in reviewed])
        digest = Digest(recipient=recipient, week=str(week), week_start=week.start, week_end=week.end, as_of=as_of,
                        compared_with=as_of - dt.timedelta(days=7), exceptions=exceptions, quiet=quiet,
                        feedback=self._feedback(week) if recipient is None or recipient in admins else None)
        if self._use_llm and exceptions:
            reviews = {d.account: r for d, r in reviewed}
            digest = self._narrate().narrate(digest, [reviews[d.account] for d in exceptions])
        return digest

    def _review(self, account: Account, week: IsoWeek, as_of: dt.date) -> tuple[AccountDigest, Review]:
        key = (account.name, str(week), as_of)
        with self._lock:
            if key not in self._reviews:
                records = self._records.get(account.name)
                if records is None:
                    records = self._records[account.name] = self._account_records(account.name)
                cadence = load_cadence(self._knowledge_dir)
                ours = self._settings.agency_domains
                review = Review(
                    now=analyze(records, account, as_of, cadence, ours),
                    before=analyze(records, account, as_of - dt.timedelta(days=7), cadence, ours),
                    cadence=cadence, week=week,
                    previous_stage=stages.seen_before(self._state, account.name, str(week)),
                )
                self._reviews[key] = (account_digest(review), review)
            return self._reviews[key]

    def _feedback(self, week: IsoWeek) -> FeedbackTally | None:
        tally = feedback.summary(self._state, week.start, week.end + dt.timedelta(days=1))
        if not tally.up + tally.down:
            return None
        return FeedbackTally(up=tally.up, down=tally.down, down_by_kind=tally.down_by_kind(),
                             reasons=len(tally.reasons))

    def _narrate(self) -> Narrator:
        from relbot.digest.narrative import Narrator  # the LLM client costs ~2 s to import: only when used

        with self._lock:
            if self._narrator is None:
                self._narrator = Narrator(self._settings)
            return self._narrator


class BuildsDigests(Protocol):
    """What builds a ``DigestBuilder``: the composition root, ``services.Services`` (this package never imports it)."""

    def digest_builder(self, *, use_llm: bool | None = None) -> DigestBuilder: ...


def build_digest(
    services: BuildsDigests, *, recipient: str | None, week: IsoWeek, today: dt.date, use_llm: bool | None = None
) -> Digest:
    """One digest; for many recipients in one run, keep a ``DigestBuilder`` so accounts are analysed once."""
    return services.digest_builder(use_llm=use_llm).build(recipient=recipient, week=week, today=today)
