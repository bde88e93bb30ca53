"""The issue's acceptance check, as a user runs it: `relbot serve --http` in its own process, with
SLACK_API_URL pointing at a local Slack-compatible server, answers a signed `/relbot brief` with 200 in
under 3 s, and the brief arrives privately."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack.conftest import HARBOR_CHANNEL, SAM, SECRET, TOKEN
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path: Path, demo_build: Path, models_dir: Path, fake_slack: FakeSlack) -> Iterator[SlackSender]:
    data_dir = tmp_path / "data"
    shutil.copytree(demo_build, data_dir)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "RELBOT_"))}
    env.update({"RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir), "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.api_url})
    proc = subprocess.Popen(
        [sys.executable, "-m", "relbot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if sender.request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else "relbot serve exited"
            assert time.monotonic() < deadline, "relbot serve did not come up"
            time.sleep(0.1)
        yield sender
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_relbot_serve_http_acks_a_signed_brief_in_time_and_delivers_it_privately(
    served: SlackSender, fake_slack: FakeSlack
) -> None:
    ack = served.command("brief Harbor Foods", user=SAM, channel=HARBOR_CHANNEL,
                         response_url=fake_slack.response_url())
    assert ack.status == 200 and ack.elapsed < 3.0
    [brief] = fake_slack.wait_for("response_url", timeout=60)
    assert brief.args["response_type"] == "ephemeral" and "Brief · Harbor Foods" in brief.text()
    assert fake_slack.calls_to("chat.postMessage") == []
    auth = fake_slack.calls_to("auth.test")  # front and draft worker: the Web API base came from SLACK_API_URL
    assert auth and all(call.path == "/api/auth.test" for call in auth)
