"""Two hosts: two `relbot serve --http` replicas with their own data dirs (no shared files), one PostgreSQL
server (the state database) and one `chroma run` server (the records). Any replica may take any request:
what one stores the other reads, a modal opened on one is submitted on the other, a request replayed to the
other is refused, both schedulers send each digest once, a replica killed mid-draft leaves the other
answering, and PostgreSQL going away is a "try again" message until it is back."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.digest.fake_dm import DigestSlack
from tests.slack import payloads
from tests.slack.conftest import GENERAL, SAM, SECRET, TOKEN
from tests.support.chroma_server import ChromaServer, free_port
from tests.support.postgres import PostgresServer, postgres_bin
from tests.support.slack_requests import SlackSender

ACCOUNT = "Orbit Labs"


@dataclass
class Replica:
    process: subprocess.Popen[str]
    sender: SlackSender
    data_dir: Path

    def kill(self) -> None:
        """SIGKILL the replica and its draft worker, as a host dying would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@dataclass
class Deployment:
    slack: DigestSlack
    postgres: PostgresServer
    a: Replica
    b: Replica


def _env(data_dir: Path, database_url: str, chroma: ChromaServer, slack: DigestSlack) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "RELBOT_"))}
    env.update({
        "RELBOT_DATA_DIR": str(data_dir), "RELBOT_DATABASE_URL": database_url, "RELBOT_CHROMA_URL": chroma.url,
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
        "RELBOT_SCHEDULER": "1",  # on both replicas: the delivery ledger must keep digests exactly-once
    })
    return env


def _serve(env: dict[str, str]) -> Replica:
    port = free_port()
    with Path(env["RELBOT_DATA_DIR"] + ".log").open("w") as log:  # beside the data dir: read it when a test fails
        proc = subprocess.Popen(  # the child keeps its own copy of the log's file descriptor
            [sys.executable, "-m", "relbot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "RELBOT_LOG_LEVEL": "DEBUG"}, stdout=log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
    sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
    deadline = time.monotonic() + 90
    while True:
        try:
            if sender.request("GET", "/healthz").status == 200:
                return Replica(proc, sender, Path(env["RELBOT_DATA_DIR"]))
        except OSError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "relbot serve did not come up"
        time.sleep(0.1)


@pytest.fixture()
def deployment(tmp_path: Path, models_dir: Path) -> Iterator[Deployment]:
    if postgres_bin() is None and os.environ.get("RELBOT_REQUIRE_POSTGRES") != "1":
        pytest.skip("PostgreSQL binaries not installed")
    postgres = PostgresServer().start()  # its own server: one test stops it
    chroma = ChromaServer(tmp_path / "chroma-server").start()
    slack = DigestSlack().start()
    slack.add_user(SAM, "Sam Ortega")
    slack.add_channel(GENERAL, "general")
    database_url = postgres.create_database("relbot")
    hosts = []
    for name in ("host-a", "host-b"):
        data_dir = tmp_path / name
        shutil.copytree(models_dir, data_dir / "models")  # each host its own copy of the exported model
        hosts.append(_env(data_dir, database_url, chroma, slack))
    for command in (["accounts", "add", ACCOUNT, "--tier", "gold"],
                    # Due since Monday 00:00 UTC of the current week: both schedulers find it due at start.
                    ["digest", "subscribe", SAM, "--day", "mon", "--time", "00:00", "--tz", "UTC"]):
        subprocess.run([sys.executable, "-m", "relbot", *command], env=hosts[0], check=True, capture_output=True)
    replicas: list[Replica] = []
    try:
        replicas = [_serve(env) for env in hosts]
        yield Deployment(slack, postgres, *replicas)
    finally:
        for replica in replicas:
            replica.kill()
        slack.stop()
        chroma.stop()
        postgres.cleanup()
    for replica in replicas:
        leftovers = {p.name for p in replica.data_dir.iterdir()} - {"models"}
        assert not leftovers & {"chroma", "state.sqlite3"}, f"{replica.data_dir.name} kept state locally: {leftovers}"


def _ask(replica: Replica, slack: DigestSlack, question: str, key: str) -> str:
    asked = replica.sender.command(f"ask {ACCOUNT} {question}", user=SAM, channel=GENERAL,
                                   response_url=slack.response_url(key))
    assert asked.status == 200
    [answer] = slack.wait_for("response_url", where=lambda c: c.path.endswith(f"/{key}"), timeout=120)
    assert answer.args.get("response_type") == "ephemeral"
    return answer.text()


def test_what_one_replica_stores_the_other_reads(deployment: Deployment) -> None:
    d = deployment
    logged = d.a.sender.command(f"log {ACCOUNT} Kofi approved the Q3 media plan and asked for weekly reports",
                                user=SAM, channel=GENERAL, response_url=d.slack.response_url("log"))
    assert logged.status == 200
    d.slack.wait_for("response_url", where=lambda c: c.path.endswith("/log"), timeout=120)
    assert "Q3 media plan" in _ask(d.b, d.slack, "what did Kofi approve?", "ask")


def test_a_modal_opened_on_one_replica_is_submitted_on_the_other(deployment: Deployment) -> None:
    d = deployment
    # Longer than a modal's private_metadata holds: the message waits in the state database.
    text = "Minutes of the Orbit Labs quarterly review: the renewal hinges on the attribution report. " * 50
    opened = d.a.sender.interaction(payloads.message_shortcut(SAM, GENERAL, SAM, text, payloads.next_ts()))
    assert opened.status == 200
    [form] = d.slack.wait_for("views.update", timeout=120)
    view = form.args["view"]
    metadata = (json.loads(view) if isinstance(view, str) else view)["private_metadata"]
    assert json.loads(metadata)["x"] is None  # carried by token, not in the modal
    submitted = d.b.sender.interaction(payloads.submission(SAM, "relbot_save_message", ACCOUNT, metadata))
    assert submitted.status == 200
    [confirm] = d.slack.wait_for("chat.postEphemeral", timeout=120)
    assert f"Saved to *{ACCOUNT}*'s history" in confirm.text()  # the whole message reached replica B


def test_a_request_replayed_to_the_other_replica_is_refused(deployment: Deployment) -> None:
    d = deployment
    body = d.a.sender.command_body(f"brief {ACCOUNT}", user=SAM, channel=GENERAL,
                                   response_url=d.slack.response_url("brief"))
    timestamp = int(time.time())
    first = d.a.sender.post(body, "application/x-www-form-urlencoded", timestamp=timestamp)
    replayed = d.b.sender.post(body, "application/x-www-form-urlencoded", timestamp=timestamp)
    assert first.status == 200
    assert replayed.status == 401


def test_both_replicas_schedulers_send_the_weekly_digest_once(deployment: Deployment) -> None:
    d = deployment
    d.slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == f"D{SAM}", timeout=120)
    time.sleep(5)  # give the slower replica's first tick time to (not) post a second copy
    assert len(d.slack.delivered_to(SAM)) == 1


def test_a_replica_killed_mid_draft_leaves_the_other_answering(deployment: Deployment) -> None:
    d = deployment
    started = d.a.sender.command(f"brief {ACCOUNT}", user=SAM, channel=GENERAL,
                                 response_url=d.slack.response_url("killed"))
    assert started.status == 200  # acked; its draft is now running on host A
    d.a.kill()
    assert "Orbit Labs" in _ask(d.b, d.slack, "what do we know?", "after-kill")


def test_postgres_going_away_is_a_try_again_message_and_the_app_recovers(deployment: Deployment) -> None:
    d = deployment
    d.postgres.stop("fast")
    try:
        down = d.b.sender.command(f"ask {ACCOUNT} anything new?", user=SAM, channel=GENERAL,
                                  response_url=d.slack.response_url("down"))
        assert down.status == 200  # an answer Slack shows, not a failed command
        assert "database is not reachable right now" in down.body and "Try again" in down.body
        assert "Traceback" not in down.body and "psycopg" not in down.body
    finally:
        d.postgres.restart()
    d.postgres.wait_until_ready()
    assert ACCOUNT in _ask(d.b, d.slack, "what do we know?", "recovered")


def _worker_pids(replica: Replica) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(replica.process.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def test_a_draft_worker_started_while_postgres_is_down_waits_for_it_instead_of_dying(deployment: Deployment) -> None:
    """The front replaces a dead draft worker; if the database is down then, the new worker must wait for it (each
    exit would lose what was queued for it), and answer once it is back."""
    d = deployment
    d.postgres.stop("fast")
    try:
        for pid in _worker_pids(d.b):
            os.kill(pid, signal.SIGKILL)
        time.sleep(3)  # the watchdog starts a new worker, into the outage
        assert d.b.process.poll() is None
    finally:
        d.postgres.restart()
    d.postgres.wait_until_ready()
    assert ACCOUNT in _ask(d.b, d.slack, "what do we know?", "after-outage")
    log = (d.b.data_dir.parent / "host-b.log").read_text()
    assert "The draft worker is waiting for its storage to come back" in log
