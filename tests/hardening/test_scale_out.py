"""Two `relbot serve --http` replicas share one `chroma run` server and one state DB: what one stores,
the other reads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.digest.fake_dm import DigestSlack
from tests.slack.conftest import GENERAL, SAM, SECRET, TOKEN
from tests.support.chroma_server import ChromaServer, free_port
from tests.support.slack_requests import SlackSender


def _env(data_dir: Path, models_dir: Path, chroma: ChromaServer, slack: DigestSlack) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "RELBOT_"))}
    env.update({
        "RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir), "RELBOT_CHROMA_URL": chroma.url,
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
        "RELBOT_SCHEDULER": "1",  # on both replicas: the delivery ledger must keep digests exactly-once
    })
    return env


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], SlackSender]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "relbot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )
    sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
    deadline = time.monotonic() + 60
    while True:
        try:
            if sender.request("GET", "/healthz").status == 200:
                return proc, sender
        except OSError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "relbot serve did not come up"
        time.sleep(0.1)


@pytest.fixture()
def replicas(tmp_path: Path, models_dir: Path) -> Iterator[tuple[DigestSlack, SlackSender, SlackSender]]:
    chroma = ChromaServer(tmp_path / "chroma").start()
    slack = DigestSlack().start()
    slack.add_user(SAM, "Sam Ortega")
    slack.add_channel(GENERAL, "general")
    env = _env(tmp_path / "shared-state", models_dir, chroma, slack)
    for command in (["accounts", "add", "Orbit Labs", "--tier", "gold"],
                    # Due since Monday 00:00 UTC of the current week: both schedulers find it due at start.
                    ["digest", "subscribe", SAM, "--day", "mon", "--time", "00:00", "--tz", "UTC"]):
        subprocess.run([sys.executable, "-m", "relbot", *command], env=env, check=True, capture_output=True)
    procs = []
    try:
        first, a = _serve(env)
        procs.append(first)
        second, b = _serve(env)
        procs.append(second)
        yield slack, a, b
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        slack.stop()
        chroma.stop()
    assert not (tmp_path / "shared-state" / "chroma").exists(), "replicas must use the server, not a local store"


def test_what_one_replica_stores_the_other_reads(replicas: tuple[DigestSlack, SlackSender, SlackSender]) -> None:
    slack, a, b = replicas
    logged = a.command("log Orbit Labs Kofi approved the Q3 media plan and asked for weekly reports on Fridays",
                       user=SAM, channel=GENERAL, response_url=slack.response_url("log"))
    assert logged.status == 200
    slack.wait_for("response_url", where=lambda c: c.path.endswith("/log"), timeout=120)

    asked = b.command("ask Orbit Labs what did Kofi approve?", user=SAM, channel=GENERAL,
                      response_url=slack.response_url("ask"))
    assert asked.status == 200
    [answer] = slack.wait_for("response_url", where=lambda c: c.path.endswith("/ask"), timeout=120)
    assert "Q3 media plan" in answer.text()
    assert answer.args.get("response_type") == "ephemeral"


def test_both_replicas_schedulers_send_the_weekly_digest_once(
    replicas: tuple[DigestSlack, SlackSender, SlackSender],
) -> None:
    slack, _, _ = replicas
    slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == f"D{SAM}", timeout=120)
    time.sleep(5)  # give the slower replica's first tick time to (not) post a second copy
    assert len(slack.delivered_to(SAM)) == 1
