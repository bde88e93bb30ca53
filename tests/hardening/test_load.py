"""The load bench in a reduced size: 240 signed commands from 16 clients while drafts run."""

from __future__ import annotations

from pathlib import Path

from bench.load import run


def test_no_errors_and_no_slow_acks_under_load(demo_build: Path, models_dir: Path) -> None:
    result = run(clients=16, requests=15, warmup=5, workers=4, data_dir=demo_build, models_dir=models_dir)
    assert result["commands"] == 240
    assert result["errors"] == 0
    assert result["acks_over_3s"] == 0
    assert 0 < float(result["p50_ms"]) <= float(result["p99_ms"]) <= float(result["max_ms"]) < 3000  # type: ignore[arg-type]
