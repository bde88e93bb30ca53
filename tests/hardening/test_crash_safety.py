"""An ingest killed with SIGKILL mid-run and then re-run stores exactly what a clean run stores."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO

SOURCE = REPO / "demo" / "lumen-health"


def _ingest(data_dir: Path, models_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "relbot", "ingest", str(SOURCE), "--account", "Lumen Health", "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _stored_ids(data_dir: Path, models_dir: Path) -> list[str]:
    from relbot.config import load_settings
    from relbot.services import build_services

    svc = build_services(load_settings(data_dir=data_dir, models_dir_override=models_dir))
    return sorted(svc.store.account_record_ids("Lumen Health"))


def _records_in_chroma(data_dir: Path) -> int:
    db = data_dir / "chroma" / "chroma.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigkill_mid_ingest_then_rerun_matches_a_clean_run(tmp_path: Path, models_dir: Path) -> None:
    clean_dir, crash_dir = tmp_path / "clean", tmp_path / "crash"
    clean = _ingest(clean_dir, models_dir)
    assert clean.wait(timeout=600) == 0, clean.stderr.read() if clean.stderr else ""
    expected = _stored_ids(clean_dir, models_dir)
    assert len(expected) > 20

    victim = _ingest(crash_dir, models_dir)
    deadline = time.monotonic() + 300
    # Kill once some, but not all, records are in: a genuine mid-run crash.
    while _records_in_chroma(crash_dir) == 0 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    partial = _stored_ids(crash_dir, models_dir)
    assert 0 < len(partial) < len(expected), "the kill should land mid-run"

    rerun = _ingest(crash_dir, models_dir)
    assert rerun.wait(timeout=600) == 0
    assert _stored_ids(crash_dir, models_dir) == expected
