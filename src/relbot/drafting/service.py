"""The drafting facade every surface uses (CLI, Slack, digest): resolve the account, analyse its records,
draft extractively, and, when a language model is configured, let it rewrite the draft from the same
evidence (falling back to the extractive draft, with a notice, when it fails)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from relbot.analysis.checklist import checklist as check_expectations
from relbot.analysis.overview import analyze
from relbot.analysis.since_last_brief import snapshot as brief_snapshot
from relbot.config import Settings
from relbot.drafting import answering, extractive
from relbot.drafting.context import DraftContext
from relbot.drafting.llm_hook import refine
from relbot.drafting.models import Answer, Brief, Checklist, DraftBase, QuestionSet
from relbot.drafting.progress import Progress, ProgressFn, ignore
from relbot.embeddings import Embedder
from relbot.knowledge import load_cadence, load_checklist
from relbot.models import SearchHit
from relbot.retrieval import Retriever
from relbot.store.pinned import PinnableStore
from relbot.store.state import StateDB

log = logging.getLogger(__name__)
D = TypeVar("D", bound=DraftBase)
ASK_PASSAGES = 8
CHECKLIST_PASSAGES = 8


class DraftService:
    """Wired by the composition root (``services.Services.drafts``) with exactly what drafting reads: the
    account registry and brief snapshots (``state``), the account searches (``retriever``), the store whose
    record ids a draft pins (``store``), the embedder that ranks an answer's sentences, the playbook folder
    and the settings (LLM switch and client, the agency's own e-mail domains)."""

    def __init__(self, *, state: StateDB, retriever: Retriever, store: PinnableStore, embedder: Embedder,
                 knowledge_dir: Path, settings: Settings) -> None:
        self._state = state
        self._retriever = retriever
        self._store = store
        self._embedder = embedder
        self._knowledge_dir = knowledge_dir
        self._settings = settings

    # -- drafts ------------------------------------------------------------------------------------
    def brief(
        self, account: str, *, as_of: dt.date | None = None, use_llm: bool | None = None, save_snapshot: bool = True,
        since: dt.date | None = None,
    ) -> Brief:
        """``since``: list the changes since the account as it stood that day (a user's last meeting with the
        client) instead of since the last brief anyone drew."""
        ctx = self.context(account, as_of=as_of)
        if since is not None:
            ctx = replace(ctx, previous=brief_snapshot(self.context(account, as_of=since).analysis))
        draft = self._maybe_llm(extractive.brief(ctx), ctx, "brief", use_llm)
        if save_snapshot:
            self._state.save_snapshot(ctx.account.name, brief_snapshot(ctx.analysis))
        return draft

    def questions(self, account: str, *, as_of: dt.date | None = None, use_llm: bool | None = None) -> QuestionSet:
        ctx = self.context(account, as_of=as_of)
        return self._maybe_llm(extractive.questions(ctx), ctx, "questions", use_llm)

    def checklist(self, account: str, *, as_of: dt.date | None = None, use_llm: bool | None = None) -> Checklist:
        ctx = self.context(account, as_of=as_of)
        return self._maybe_llm(extractive.checklist(ctx), ctx, "checklist", use_llm)

    def ask(
        self, account: str, question: str, *, as_of: dt.date | None = None, use_llm: bool | None = None,
        progress: ProgressFn = ignore,
    ) -> Answer:
        """``progress`` hears each step as it starts and ends (records read, answer written, citations checked)."""
        found = self._state.resolve_account(account)
        day = as_of or dt.date.today()
        progress(Progress("search", found.name, done=False))
        hits = [h for h in self._retriever.search(found.name, question, limit=ASK_PASSAGES, as_of=day)
                if h.date is None or h.date <= day]
        progress(Progress("search", found.name, done=True, count=len(hits)))
        llm = self._llm_on(use_llm)
        progress(Progress("draft", found.name, done=False, llm=llm))
        draft = answering.answer(found.name, question, day, hits, self._embedder.embed)
        if llm:
            draft = refine(self._settings, draft, prompt="ask", account=found.name, as_of=day,
                           knowledge_dir=self._knowledge_dir, records=hits, extra={"question": question})
        progress(Progress("draft", found.name, done=True, llm=draft.generated_by == "llm"))
        read = {h.id for h in hits}
        cited = [c for claim in draft.claims for c in claim.citations]
        progress(Progress("cite", found.name, done=True, count=len(cited),
                          matched=sum(1 for c in cited if c.record_id in read)))
        return draft

    # -- shared ------------------------------------------------------------------------------------
    def context(self, account: str, *, as_of: dt.date | None = None) -> DraftContext:
        """Everything a draft of ``account`` on ``as_of`` (default today) is built from."""
        found = self._state.resolve_account(account)
        day = as_of or dt.date.today()
        kdir = self._knowledge_dir
        # The retriever's index of the account holds its records, current as of this call (and cached, so a
        # repeated draft reads none from Chroma); the checklist's searches below then need no id check each.
        records = self._retriever.account_index(found.name).records
        analysis = analyze(records, found, day, load_cadence(kdir), self._settings.agency_domains)
        items = load_checklist(kdir)

        def search(query: str, limit: int) -> list[SearchHit]:
            hits = self._retriever.search(found.name, query, limit=limit, as_of=day)
            return [h for h in hits if h.date is None or h.date <= day]

        names = frozenset(n for full in analysis.people.names() for n in (full, full.split()[0]))
        with self._store.pinned(found.name, [r.id for r in records]):
            entries = check_expectations(items, analysis.records, names=names,
                                         search=lambda q: [h.id for h in search(q, CHECKLIST_PASSAGES)])
        previous = self._state.latest_snapshot(found.name)
        return DraftContext(account=found, as_of=day, analysis=analysis, checklist=entries, items=items,
                            previous=previous[1] if previous else None, search=search)

    def _llm_on(self, use_llm: bool | None) -> bool:
        return self._settings.llm_enabled if use_llm is None else use_llm

    def _maybe_llm(self, draft: D, ctx: DraftContext, prompt: str, use_llm: bool | None) -> D:
        if not self._llm_on(use_llm):
            return draft
        return refine(self._settings, draft, prompt=prompt, account=ctx.account.name, as_of=ctx.as_of,
                      knowledge_dir=self._knowledge_dir, records=ctx.records, context=ctx)
