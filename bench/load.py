"""Load: N signed `/relbot brief …` commands from 16 concurrent clients to one `relbot serve --http`
while drafts run. Pass: 0 errors and 0 acks over Slack's 3 s; p50/p99/max reported.

    .venv/bin/python -m bench.load                       # 2,000 commands (16 clients × 125)
    .venv/bin/python -m bench.load --requests 15         # the reduced size CI runs (tests/hardening)

Reuses the ack bench's processes (bench/ack.py): local Slack Web API, the real server, a separate
load-generator process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from tests.support.fake_slack import FakeSlack

from bench.ack import REPO, _environment, _free_port, _measure, _process


def run(*, clients: int, requests: int, warmup: int, workers: int, data_dir: Path | None,
        models_dir: Path | None) -> dict[str, object]:
    args = argparse.Namespace(clients=clients, requests=requests, warmup=warmup, workers=workers,
                              data_dir=data_dir, models_dir=models_dir)
    with tempfile.TemporaryDirectory(prefix="relbot-load-") as tmp, FakeSlack() as fake:
        fake.load_demo(REPO / "demo")
        fake.add_channel("C0BENCH01", "bench")
        env = _environment(Path(tmp), args, fake.api_url)
        port = _free_port()
        serve = ["-m", "relbot", "serve", "--http", "--port", str(port), "--workers", str(workers)]
        with _process([sys.executable, *serve], env):
            result = _measure(port, fake, args, drafting=True)
    return {"commands": clients * requests, "clients": clients, **result,
            "passed": result["errors"] == 0 and result["acks_over_3s"] == 0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=125, help="commands per client")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--models-dir", type=Path)
    args = parser.parse_args()
    summary = run(clients=args.clients, requests=args.requests, warmup=args.warmup, workers=args.workers,
                  data_dir=args.data_dir, models_dir=args.models_dir)
    print(json.dumps(summary, indent=2))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
