"""Slack ack latency under load: `relbot serve --http` while drafts run, vs a bare bolt app, same run.

Each piece runs in its own process, as in production, so no GIL is shared between what is measured and
what measures it: a local Slack Web API (this process, recording what relbot posts), the app under test
(`relbot serve --http`, which starts its draft worker; or the bare app), and a load generator whose 16
clients send signed `/relbot brief …` commands and time each HTTP response (the ack). Every command
makes relbot draft a demo account's brief, so its acks are measured while drafts run; the bare app (one
command listener that only acks, same WSGI server, same bolt settings) is the floor.

    .venv/bin/python -m bench.ack                      # builds the demo workspace into a temp dir first
    .venv/bin/python -m bench.ack --data-dir DIR       # reuse a data dir that holds the demo already
    .venv/bin/python -m bench.ack --server gunicorn    # both apps under gunicorn's gthread worker instead

Servers (both apps always run on the same one):
  waitress  `relbot serve --http` (waitress, in process) vs the bare app on the same waitress settings
  gunicorn  `gunicorn -k gthread -w 1 --threads 8` serving `relbot.slack.wsgi:create_app()` vs the bare app

Prints JSON: p50/p99 per app in ms, the p99 ratio, and how many drafts relbot delivered meanwhile.
Target: relbot's p99 ≤ 1.5× the bare app's and under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
REPO = Path(__file__).resolve().parents[1]
# (account, a team member, an internal channel) from demo/accounts.yaml
WORK = [("Harbor Foods", "U0DEMO01", "C0DEMOHF1"), ("Lumen Health", "U0DEMO02", "C0DEMOLH1"),
        ("Vela Fintech", "U0DEMO05", "C0DEMOVF1"), ("Crestline Outdoor", "U0DEMO03", "C0BENCH01"),
        ("Oakridge Dental Group", "U0DEMO08", "C0BENCH01")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="a data dir that already holds the demo workspace")
    parser.add_argument("--models-dir", type=Path, help="exported model cache (default: <data-dir>/models)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=150, help="requests per client")
    parser.add_argument("--warmup", type=int, default=40, help="requests before measuring")
    parser.add_argument("--workers", type=int, default=8, help="relbot's draft threads")
    parser.add_argument("--server", choices=SERVERS, default="waitress", help="the HTTP server both apps run on")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--response-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        return _serve_bare(args.serve_bare)
    if args.load:
        print(json.dumps(_load(args.load, args.response_url, args.clients, args.requests, args.warmup)))
        return 0
    return _orchestrate(args)


# -- orchestration (this process also hosts the fake Slack Web API) ----------------------------------
def _orchestrate(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="relbot-bench-") as tmp, FakeSlack() as fake:
        fake.load_demo(REPO / "demo")
        fake.add_channel("C0BENCH01", "bench")
        env = _environment(Path(tmp), args, fake.api_url)
        bare_port = _free_port()
        with _process(_bare_command(args.server, bare_port), env):
            bare = _measure(bare_port, fake, args)
        port = _free_port()
        with _process(_relbot_command(args.server, port, args.workers), env):
            relbot = _measure(port, fake, args, drafting=True)
    summary = {
        "server": args.server, "clients": args.clients, "requests_per_app": args.clients * args.requests,
        "draft_threads": args.workers,
        "cpus": os.cpu_count(), "load_average_1m_at_end": round(os.getloadavg()[0], 2), "bare": bare, "relbot": relbot,
        "p99_ratio": round(relbot["p99_ms"] / bare["p99_ms"], 2),
        "target": "relbot p99 <= 1.5x bare and < 300 ms",
        "met": relbot["p99_ms"] <= 1.5 * bare["p99_ms"] and relbot["p99_ms"] < 300,
    }
    print(json.dumps(summary, indent=2))
    return 0 if summary["met"] else 1


SERVERS = ("waitress", "gunicorn")
GUNICORN = ["-m", "gunicorn", "-k", "gthread", "-w", "1", "--threads", "8", "--keep-alive", "65",
            "--graceful-timeout", "25", "--log-level", "warning"]


def _bare_command(server: str, port: int) -> list[str]:
    if server == "gunicorn":
        return [sys.executable, *GUNICORN, "-b", f"127.0.0.1:{port}", "bench.ack:bare_wsgi()"]
    return [sys.executable, "-m", "bench.ack", "--serve-bare", str(port)]


def _relbot_command(server: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":  # the factory's draft worker has relbot's default 8 threads
        return [sys.executable, *GUNICORN, "-b", f"127.0.0.1:{port}", "relbot.slack.wsgi:create_app()"]
    return [sys.executable, "-m", "relbot", "serve", "--http", "--port", str(port), "--workers", str(workers)]


def _environment(tmp: Path, args: argparse.Namespace, api_url: str) -> dict[str, str]:
    data = tmp / "data"
    models = args.models_dir or (args.data_dir / "models" if args.data_dir else tmp / "models")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "RELBOT_"))}
    env.update({"RELBOT_DATA_DIR": str(data), "RELBOT_MODELS_DIR": str(models), "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url, "PYTHONPATH": str(REPO)})
    if args.data_dir:
        shutil.copytree(args.data_dir, data, ignore=shutil.ignore_patterns("models"))
    else:
        print("building the demo workspace (about a minute)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "relbot", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def _measure(port: int, fake: FakeSlack, args: argparse.Namespace, drafting: bool = False) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url)
    if drafting:  # start drafting first, so every measured ack overlaps drafts in the worker
        SlackSender(url, SECRET).command("brief Lumen Health", user="U0DEMO02", channel="C0DEMOLH1",
                                        response_url=fake.response_url("warm"))
        fake.wait_for("response_url", timeout=120)
    before = len(fake.calls_to("response_url"))
    load = [sys.executable, "-m", "bench.ack", "--load", url, "--response-url", fake.response_url("b"),
            "--clients", str(args.clients), "--requests", str(args.requests), "--warmup", str(args.warmup)]
    result = subprocess.run(load, capture_output=True, text=True, check=True, env={**os.environ,
                                                                                   "PYTHONPATH": str(REPO)})
    latencies: list[float] = json.loads(result.stdout)
    ok = sorted(x for x in latencies if x >= 0)
    out = {
        "p50_ms": round(statistics.median(ok) * 1000, 1),
        "p99_ms": round(ok[min(len(ok) - 1, int(len(ok) * 0.99))] * 1000, 1),
        "max_ms": round(ok[-1] * 1000, 1),
        "errors": len(latencies) - len(ok), "acks_over_3s": sum(1 for x in ok if x > 3.0),
    }
    if drafting:
        out["drafts_delivered_during_run"] = len(fake.calls_to("response_url")) - before
    return out


class _process:
    """A child process for the duration of a ``with`` block."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        quiet = None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL  # BENCH_VERBOSE=1: see their logs
        self._proc = subprocess.Popen(cmd, env=env, stdout=quiet, stderr=quiet)

    def __enter__(self) -> subprocess.Popen[bytes]:
        return self._proc

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=30)


def _wait_healthy(url: str) -> None:
    sender, deadline = SlackSender(url, SECRET), time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if sender.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the bare app (its own process) --------------------------------------------------------------------
def bare_wsgi() -> Any:
    """A bolt app with one `/relbot` listener that only acks, on bolt's own WSGI adapter (plus /healthz)."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(signing_secret=SECRET, process_before_response=True,
              client=WebClient(token=TOKEN, base_url=os.environ["SLACK_API_URL"]))

    @app.command("/relbot")
    def ack_only(ack: Ack) -> None:
        ack()

    handler = SlackRequestHandler(app, path="/slack/events")

    def application(environ: Any, start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return handler(environ, start_response)

    return application


def _serve_bare(port: int) -> int:
    """The bare app on the same waitress server and limits as `relbot serve --http`."""
    from relbot.slack.server import HttpServer

    HttpServer(bare_wsgi(), host="127.0.0.1", port=port).serve_forever()
    return 0


# -- the load generator (its own process) ----------------------------------------------------------------
def _load(url: str, response_url: str, clients: int, requests: int, warmup: int) -> list[float]:
    sender = SlackSender(url, SECRET)
    for i in range(warmup):
        _send(sender, response_url, i)
    start = threading.Barrier(clients)

    def client(c: int) -> list[float]:
        start.wait()
        return [_send(sender, response_url, c * 100_000 + i) for i in range(requests)]

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [x for batch in pool.map(client, range(clients)) for x in batch]


def _send(sender: SlackSender, response_url: str, n: int) -> float:
    account, user, channel = WORK[n % len(WORK)]
    reply = sender.command(f"brief {account}", user=user, channel=channel, response_url=f"{response_url}{n}")
    return reply.elapsed if reply.status == 200 else -1.0


if __name__ == "__main__":
    raise SystemExit(main())
