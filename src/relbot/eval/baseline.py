"""The retrieval a user would build instead of relbot: langchain's recursive character splitter
(1,000 characters, 200 overlap) over each whole meeting and langchain-chroma dense similarity,
with the same MiniLM model relbot uses, so only chunking and ranking differ."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from relbot.embeddings import Embedder
from relbot.errors import ConfigError
from relbot.eval.qmsum import Account
from relbot.eval.systems import PASSAGES

CHUNK_CHARS = 1000
OVERLAP_CHARS = 200
# Not dependencies of relbot itself: the 'eval' extra installs them (langchain-core is a main dependency).
EXTRA_MODULES = ("langchain_chroma", "langchain_text_splitters")


def require_baseline() -> None:
    """Raise a ConfigError saying how to get the baseline when the 'eval' extra is not installed."""
    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(
            f"the langchain baseline needs {' and '.join(missing)}, which the 'eval' extra installs: "
            "pip install 'relbot[eval]' (or pass --no-baseline to score relbot alone)."
        )


class MiniLMEmbeddings(Embeddings):
    """relbot's ONNX MiniLM behind langchain's Embeddings interface."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self._embedder.embed(texts).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class LangchainBaseline:
    name = "baseline"

    def __init__(self, workdir: Path, embedder: Embedder) -> None:
        require_baseline()
        import chromadb
        from chromadb.config import Settings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self._client = chromadb.PersistentClient(
            path=str(workdir / "baseline-chroma"), settings=Settings(anonymized_telemetry=False)
        )
        self._embeddings = MiniLMEmbeddings(embedder)
        self._splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=OVERLAP_CHARS)
        self._stores: dict[str, Any] = {}

    def add_account(self, account: Account) -> None:
        from langchain_chroma import Chroma

        store = Chroma(
            collection_name=f"account-{len(self._stores)}", embedding_function=self._embeddings, client=self._client
        )
        documents = self._splitter.create_documents(
            [m.text() for m in account.meetings],
            metadatas=[{"meeting": m.name, "date": m.date.isoformat()} for m in account.meetings],
        )
        store.add_documents(documents)
        self._stores[account.name] = store

    def search(self, account: str, query: str) -> list[str]:
        return [doc.page_content for doc in self._stores[account].similarity_search(query, k=PASSAGES)]
