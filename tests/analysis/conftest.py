"""The demo workspace, built once per test module into its own data dir (the exported model is shared)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Any]:
    patch = pytest.MonkeyPatch()
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RELBOT_CHROMA_URL", "SLACK_BOT_TOKEN"):
        patch.delenv(name, raising=False)
    patch.setenv("RELBOT_DATA_DIR", str(tmp_path_factory.mktemp("demo-data")))
    patch.setenv("RELBOT_MODELS_DIR", str(models_dir))
    from relbot.config import load_settings
    from relbot.demo import build_demo
    from relbot.services import build_services

    services = build_services(load_settings())
    report = build_demo(services)
    assert report.ok, report.failed
    yield services
    patch.undo()


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "demo" / "expected.yaml").read_text(encoding="utf-8"))
    return data
