"""Building the systems under test: a scratch data dir each, one shared (cached) embedder."""

from __future__ import annotations

from pathlib import Path

from relbot.config import load_settings
from relbot.embeddings import OnnxMiniLM
from relbot.eval.systems import CachingEmbedder, System
from relbot.retrieval import RetrievalOptions


def eval_embedder() -> CachingEmbedder:
    """The user's exported model (RELBOT_MODELS_DIR, else the data dir's), so nothing is re-exported."""
    return CachingEmbedder(OnnxMiniLM(load_settings().models_dir))


def build_systems(
    scratch: Path, embedder: CachingEmbedder, *, baseline: bool = True, options: RetrievalOptions | None = None
) -> list[System]:
    from relbot.eval.relbot_system import RelbotSystem

    systems: list[System] = [RelbotSystem(scratch / "relbot", embedder, options)]
    if baseline:
        from relbot.eval.baseline import LangchainBaseline

        systems.append(LangchainBaseline(scratch / "baseline", embedder))
    return systems
