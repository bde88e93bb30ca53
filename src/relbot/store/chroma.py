"""The Chroma collection of relationship records. (The playbook is read from its files by section id: it is
48 short sections, and no draft searches it by similarity.)

Vectors are computed by relbot's own embedder and passed in explicitly, so Chroma never needs (or
downloads) an embedding function. The model name is kept in the collection metadata and checked on open.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlparse

import numpy as np

from relbot.embeddings import Embedder
from relbot.errors import StoreMismatchError, StoreUnavailableError
from relbot.models import CHUNKER_VERSION, Record, SourceKind

log = logging.getLogger(__name__)

RECORDS = "relbot-records"


P = ParamSpec("P")
R = TypeVar("R")


def _is_unreachable(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, ConnectionError | TimeoutError | httpx.TransportError)


def guarded(method: Callable[Concatenate[VectorStore, P], R]) -> Callable[Concatenate[VectorStore, P], R]:
    """Turn a lost Chroma server into a clear StoreUnavailableError; the caller stays up and may retry."""

    def wrapper(store: VectorStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(store, *args, **kwargs)
        except Exception as exc:
            if not _is_unreachable(exc):
                raise
            log.warning("Chroma did not answer (%s)", type(exc).__name__)
            raise StoreUnavailableError(
                "The vector store is not answering right now, so nothing was read or changed. "
                "Try again in a minute; if it persists, check the Chroma server (RELBOT_CHROMA_URL)."
            ) from exc

    return wrapper


def connect(*, chroma_dir: Path, chroma_url: str | None) -> Any:
    """An embedded PersistentClient, or an HttpClient when a Chroma server URL is configured."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise StoreUnavailableError(
                f"Cannot reach the Chroma server at {chroma_url}. Start it (`chroma run --path DIR "
                "--port PORT`) or unset RELBOT_CHROMA_URL to use the embedded store."
            ) from exc
    chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_dir), settings=settings)


def _collection(client: Any, name: str, embedder: Embedder, **extra: Any) -> Any:
    """Open (or create, recording ``extra`` in its metadata) a collection built with ``embedder``."""
    metadata: dict[str, Any] = {"embedding_model": embedder.name, "dimension": embedder.dimension, **extra}
    try:
        collection = client.get_or_create_collection(
            name,
            embedding_function=None,
            metadata=metadata,
            configuration={"hnsw": {"space": "cosine"}},
        )
    except Exception as exc:
        raise StoreUnavailableError(f"The vector store could not be opened: {type(exc).__name__}.") from exc
    built_with = (collection.metadata or {}).get("embedding_model")
    if built_with != embedder.name:
        raise StoreMismatchError(
            f"The store was built with the embedding model '{built_with}', but relbot now uses "
            f"'{embedder.name}'. Vectors from different models cannot be mixed: move the data dir aside "
            "(or point RELBOT_DATA_DIR elsewhere) and re-ingest your sources to rebuild it."
        )
    return collection


def _require_chunker(records: Any) -> None:
    """Records cut another way have other ids: re-ingesting a source would store it a second time."""
    chunked_with = (records.metadata or {}).get("chunker", 1)  # version 1 stores predate the key
    if chunked_with != CHUNKER_VERSION:
        raise StoreMismatchError(
            f"The store was built by an older relbot (chunker version {chunked_with}; this one uses "
            f"{CHUNKER_VERSION}), so re-ingesting a source would store it twice. Move the data dir aside "
            "(or point RELBOT_DATA_DIR elsewhere) and re-ingest your sources to rebuild it."
        )


def _record_metadata(record: Record) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "account": record.account,
        "kind": record.kind.value,
        "source": record.source,
        "position": record.position,
        # Chroma filters only on numbers, so the date is kept twice: text for display, ordinal for ranges.
        "day": record.date.toordinal() if record.date else 0,
    }
    for key in ("author", "title", "thread", "author_address"):
        value = getattr(record, key)
        if value:
            meta[key] = value
    if record.carried:
        meta["carried"] = True
    if record.participants:  # Chroma metadata holds scalars only
        meta["participants"] = "\n".join(record.participants)
    if record.date:
        meta["date"] = record.date.isoformat()
    return meta


def record_from_chroma(record_id: str, text: str, meta: dict[str, Any]) -> Record:
    date = meta.get("date")
    return Record(
        id=record_id,
        account=meta["account"],
        kind=SourceKind(meta["kind"]),
        source=meta["source"],
        position=int(meta.get("position", 0)),
        text=text,
        date=dt.date.fromisoformat(date) if date else None,
        author=meta.get("author"),
        title=meta.get("title"),
        thread=meta.get("thread"),
        author_address=meta.get("author_address"),
        participants=tuple(p for p in str(meta.get("participants") or "").split("\n") if p),
        carried=bool(meta.get("carried", False)),
    )


class VectorStore:
    def __init__(self, client: Any, embedder: Embedder) -> None:
        self._client = client
        self._embedder = embedder
        self.records = _collection(client, RECORDS, embedder, chunker=CHUNKER_VERSION)
        _require_chunker(self.records)
        self._batch = max(1, min(int(client.get_max_batch_size()), 5000))

    # -- records -------------------------------------------------------------------------------
    @guarded
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), self._batch):
            found.update(self.records.get(ids=list(ids[start : start + self._batch]), include=[])["ids"])
        return found

    @guarded
    def add_records(self, records: Sequence[Record], embed_texts: Sequence[str]) -> None:
        """Embed and add records that are known to be new (see ``existing_ids``)."""
        for start in range(0, len(records), self._batch):
            batch = records[start : start + self._batch]
            vectors = self._embedder.embed(embed_texts[start : start + self._batch])
            self.records.upsert(
                ids=[r.id for r in batch],
                embeddings=vectors,
                documents=[r.text for r in batch],
                metadatas=[_record_metadata(r) for r in batch],
            )

    @guarded
    def delete_records(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            self.records.delete(ids=ids)

    @guarded
    def account_records(self, account: str) -> list[Record]:
        got = self.records.get(where={"account": account}, include=["documents", "metadatas"])
        return [
            record_from_chroma(i, d or "", dict(m or {}))
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    @guarded
    def account_records_with_vectors(self, account: str) -> tuple[list[Record], Any]:
        """An account's records and their stored vectors (one row each, in the same order)."""
        got = self.records.get(where={"account": account}, include=["documents", "metadatas", "embeddings"])
        records = [
            record_from_chroma(i, d or "", dict(m or {}))
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        embeddings: Any = got["embeddings"]
        if not records:  # a new account: no rows, but still vectors of the right width to search against
            return records, np.zeros((0, self._embedder.dimension), dtype=np.float32)
        return records, np.asarray(embeddings, dtype=np.float32).reshape(len(records), -1)

    @guarded
    def account_record_ids(self, account: str) -> list[str]:
        return list(self.records.get(where={"account": account}, include=[])["ids"])

    @guarded
    def count_records(self) -> int:
        return int(self.records.count())
