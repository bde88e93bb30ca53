"""A 50 MB transcript is refused with a specific message before it is read, in bounded memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_fifty_megabyte_transcript_is_refused_cheaply(tmp_path: Path, models_dir: Path) -> None:
    big = tmp_path / "2026-05-01-all-hands.txt"
    line = "Speaker One: " + "we talked about the budget and the timeline again " * 4 + "\n"
    with big.open("w") as handle:
        while handle.tell() < 50 * 2**20:
            handle.write(line * 1000)
    small = tmp_path / "2026-05-02-note.md"
    small.write_text("# Note\n\nThe client approved the plan.\n")
    env = {**os.environ, "RELBOT_DATA_DIR": str(tmp_path / "data"), "RELBOT_MODELS_DIR": str(models_dir)}
    # VmHWM is this process's own peak; ru_maxrss would also count the pytest parent it was forked from.
    code = (
        "import re, sys; from relbot.cli import main; rc = main(sys.argv[1:]); "
        "status = open('/proc/self/status').read(); "
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr); sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(big), str(small), "--account", "Big Co", "--json"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 1
    assert report["added"] == 1
    (failure,) = report["failed"]
    assert failure["path"].endswith("all-hands.txt")
    assert "50 MB" in failure["reason"] and "Split it" in failure["reason"]
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    # Measured: ~290 MB with the model and Chroma loaded; reading the file would add ~250 MB more.
    assert peak_kb < 400_000, "refusing the file must not read it into memory"
