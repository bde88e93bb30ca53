"""The composition root: every entry point (CLI, HTTP server, Socket Mode, scheduler) builds its
collaborators here, once, from one Settings object."""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from relbot.config import Settings
from relbot.embeddings import OnnxMiniLM, QueryCache
from relbot.ingest.pipeline import Ingestor
from relbot.resources import configured_dir
from relbot.retrieval import Retriever
from relbot.store.chroma import connect
from relbot.store.pinned import PinnableStore
from relbot.store.state import StateDB

if TYPE_CHECKING:
    from relbot.digest.content import DigestBuilder
    from relbot.digest.delivery import DigestMessenger, DigestSender
    from relbot.drafting.service import DraftService

log = logging.getLogger(__name__)


class Services:
    """Heavy parts (model, Chroma) load on first use, so `accounts list` stays instant."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()

    @cached_property
    def state(self) -> StateDB:
        return StateDB(self.settings.state_db_target)

    @cached_property
    def knowledge_dir(self) -> Path:
        return configured_dir("knowledge", self.settings.knowledge_dir)

    @cached_property
    def embedder(self) -> OnnxMiniLM:
        with self._lock:
            return OnnxMiniLM(self.settings.models_dir)

    @cached_property
    def store(self) -> PinnableStore:
        with self._lock:
            client = connect(chroma_dir=self.settings.chroma_dir, chroma_url=self.settings.chroma_url)
            return PinnableStore(client, self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        # Queries repeat (every draft asks each account the same checklist questions): embed each once.
        return Retriever(self.store, QueryCache(self.embedder))

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.state, max_file_bytes=int(self.settings.max_file_mb * 2**20))

    @cached_property
    def drafts(self) -> DraftService:
        from relbot.drafting.service import DraftService  # drafting pulls in the analysis modules: load on use

        return DraftService(state=self.state, retriever=self.retriever, store=self.store, embedder=self.embedder,
                            knowledge_dir=self.knowledge_dir, settings=self.settings)

    def digest_builder(self, *, use_llm: bool | None = None) -> DigestBuilder:
        """A fresh builder (it caches records and reviews for one run); the store opens on the first review."""
        from relbot.digest.content import DigestBuilder

        return DigestBuilder(state=self.state, account_records=lambda account: self.store.account_records(account),
                             knowledge_dir=self.knowledge_dir, settings=self.settings, use_llm=use_llm)

    def digest_sender(self, messenger: DigestMessenger, *, use_llm: bool | None = None) -> DigestSender:
        """One sending run: its own builder, so each account is analysed once for all recipients; ``messenger``
        posts (``relbot.slack.digest_messenger.SlackDigestMessenger``, handed in by the serving entry points)."""
        from relbot.digest.delivery import DigestSender

        return DigestSender(state=self.state, messenger=messenger, builder=self.digest_builder(use_llm=use_llm))


def build_services(settings: Settings) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Services(settings)
