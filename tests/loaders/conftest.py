from __future__ import annotations

from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


@pytest.fixture
def sources() -> Path:
    return SOURCES
