"""The vector store keeps what it is given, refuses another embedding model, and the demo builds idempotently."""

from __future__ import annotations

import numpy as np
import pytest

from relbot.errors import StoreMismatchError
from relbot.store.chroma import VectorStore, connect


class _OtherModel:
    name = "some-other-model"
    dimension = 384

    def embed(self, texts):  # type: ignore[no-untyped-def]
        return np.zeros((len(texts), 384), dtype=np.float32)


def test_store_refuses_a_different_embedding_model(services) -> None:
    services.store.count_records()  # created with MiniLM
    client = connect(chroma_dir=services.settings.chroma_dir, chroma_url=None)
    with pytest.raises(StoreMismatchError) as err:
        VectorStore(client, _OtherModel())
    message = str(err.value)
    assert "sentence-transformers/all-MiniLM-L6-v2" in message and "some-other-model" in message
    assert "re-ingest" in message


def test_demo_build_is_idempotent_and_keeps_metadata(demo_services) -> None:
    from relbot.demo import build_demo

    services = demo_services
    count = services.store.count_records()
    assert count >= 150
    again = build_demo(services)
    assert again.ok and again.added == 0 and again.duplicate == count
    assert services.store.count_records() == count

    records = services.store.account_records("Lumen Health")
    kinds = {r.kind.value for r in records}
    assert kinds == {"note", "transcript", "email", "crm", "slack"}
    assert all(r.date is not None for r in records)
    transcript = [r for r in records if r.kind.value == "transcript"]
    assert all(r.author and r.source.startswith("demo/lumen-health/transcripts/") for r in transcript)
    assert all(not r.source.startswith("/") for r in records)


def test_store_refuses_records_chunked_by_an_older_relbot(services) -> None:
    services.store.count_records()
    client = connect(chroma_dir=services.settings.chroma_dir, chroma_url=None)
    from relbot.store.chroma import RECORDS

    collection = client.get_collection(RECORDS)
    collection.modify(metadata={"embedding_model": services.embedder.name, "dimension": 384, "chunker": 1})
    with pytest.raises(StoreMismatchError) as err:
        VectorStore(client, services.embedder)
    message = str(err.value)
    assert "chunker version 1" in message and "re-ingest" in message
