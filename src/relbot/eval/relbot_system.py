"""relbot as the harness sees it: the real loader, Ingestor, store and Retriever in a scratch data dir."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from relbot.embeddings import Embedder
from relbot.errors import LoaderError
from relbot.eval.qmsum import Account
from relbot.eval.systems import PASSAGES, slug
from relbot.ingest.pipeline import Ingestor
from relbot.models import SourceKind
from relbot.retrieval import RetrievalOptions, Retriever
from relbot.store.chroma import VectorStore, connect
from relbot.store.state import StateDB


class RelbotSystem:
    name = "relbot"

    def __init__(self, workdir: Path, embedder: Embedder, options: RetrievalOptions | None = None) -> None:
        self._sources = workdir / "sources"
        self.store = VectorStore(connect(chroma_dir=workdir / "chroma", chroma_url=None), embedder)
        self.state = StateDB(workdir / "state.sqlite3")
        self.ingestor = Ingestor(self.store, self.state)
        self.retriever = Retriever(self.store, embedder, options)
        self._as_of: dict[str, dt.date] = {}

    def add_account(self, account: Account) -> None:
        """One ``Speaker: text`` file per meeting, named by date as a user's exports would be."""
        folder = self._sources / slug(account.name)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for meeting in account.meetings:
            path = folder / f"{meeting.date.isoformat()}-{meeting.name}.txt"
            path.write_text(meeting.text() + "\n", encoding="utf-8")
            paths.append(path)
        report = self.ingestor.ingest_paths(paths, account=account.name, kind=SourceKind.TRANSCRIPT)
        if report.failed:
            raise LoaderError(f"{account.name}: the transcript loader refused {report.failed}")
        # Searched "the day after the last meeting", as a user preparing the next one would.
        self._as_of[account.name] = max(m.date for m in account.meetings) + dt.timedelta(days=1)

    def search(self, account: str, query: str) -> list[str]:
        hits = self.retriever.search(account, query, limit=PASSAGES, as_of=self._as_of[account])
        return [hit.text for hit in hits]
