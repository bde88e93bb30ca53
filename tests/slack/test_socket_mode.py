"""Socket Mode against a local server speaking Slack's protocol, with slack_sdk's own client (bolt's default
SocketModeHandler, as `relbot serve --socket` builds it): the app-level token, acks by envelope id, and new
connections after a drop or when Slack asks for one, without losing or doubling what was delivered.
(The scenarios shared with HTTP mode are in test_both_ways.py.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relbot.digest.subscriptions import subscription
from relbot.models import Record
from tests.slack import payloads
from tests.slack.conftest import APP_TOKEN, HARBOR_CHANNEL, LUMEN_CHANNEL, MAYA, SAM, TOKEN, SocketRelbot
from tests.slack.transports import OverSocket
from tests.support.fake_slack import FakeSlack
from tests.support.socket_mode_server import SocketModeServer

BEN = "U0DEMO07"  # on Lumen Health's team


def over(sock: SocketRelbot) -> OverSocket:
    return OverSocket(sock.fake, sock.services, sock.server)


def stored(sock: SocketRelbot, needle: str) -> list[Record]:
    return [r for r in sock.services.store.account_records("Lumen Health") if needle in r.text]


def wait_stored(sock: SocketRelbot, needle: str) -> list[Record]:
    deadline = time.monotonic() + 20
    while not (found := stored(sock, needle)):
        assert time.monotonic() < deadline, f"nothing stored with {needle!r}"
        time.sleep(0.05)
    return found


def test_connects_with_the_app_level_token_and_acks_each_envelope_once(socket_relbot: SocketRelbot) -> None:
    [opened] = socket_relbot.fake.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN  # the app-level token, never the bot token
    ack = over(socket_relbot).command("brief Lumen Health")
    assert ack.body == {"response_type": "ephemeral",
                        "text": ":hourglass_flowing_sand: Drafting the brief for *Lumen Health*…"}
    socket_relbot.fake.wait_for("response_url")
    event = over(socket_relbot).event(payloads.home_opened(MAYA))
    assert event.body is None  # an event's ack carries no payload
    socket_relbot.fake.wait_for("views.publish")
    server = socket_relbot.server
    assert sorted(a.envelope_id for a in server.acks) == sorted(server.envelopes)  # each acked, once
    assert {a.link for a in server.acks} == {1} and len(server.links) == 1


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "fin"])
def test_a_dropped_connection_is_replaced_and_a_redelivered_event_is_handled_once(
    socket_relbot: SocketRelbot, reset: bool
) -> None:
    sock, server = over(socket_relbot), socket_relbot.server
    event = payloads.message(LUMEN_CHANNEL, BEN, "Budget sign-off moved to the 14th.", payloads.next_ts())
    sock.event(event, event_id="EvDROP0001")
    wait_stored(socket_relbot, "sign-off moved")

    server.drop(reset=reset)  # no close frame: a network cut (RST) or a peer that just went away (FIN)
    replacement = server.wait_connected(2, timeout=20)
    assert len(socket_relbot.fake.calls_to("apps.connections.open")) == 2 and server.refused == []
    assert [link.is_open for link in server.links] == [False, True]

    sock.event(event, event_id="EvDROP0001", retry=1)  # Slack retries what it saw no ack for
    ack = sock.command("ask Lumen Health when is the monthly report due?")
    assert ack.ok and server.acks[-1].link == replacement.number
    [answer] = socket_relbot.fake.wait_for("response_url")
    assert "Q · when is the monthly report due?" in answer.text()
    assert len(stored(socket_relbot, "sign-off moved")) == 1


@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
def test_a_disconnect_message_moves_to_a_new_connection_first(socket_relbot: SocketRelbot, reason: str) -> None:
    server = socket_relbot.server
    old = server.disconnect(reason)
    new = server.wait_connected(2, timeout=10)
    deadline = time.monotonic() + 10
    while old.is_open:  # the client closes the old connection itself once the new one is up
        assert time.monotonic() < deadline, "the old connection was never closed"
        time.sleep(0.02)
    assert len(socket_relbot.fake.calls_to("apps.connections.open")) == 2
    ack = over(socket_relbot).command("digest subscribe fri 16:00 Europe/London")
    assert ack.ok and server.acks[-1].link == new.number
    socket_relbot.fake.wait_for("response_url")
    current = subscription(socket_relbot.services.state, MAYA)
    assert current is not None and current.describe() == "Fridays at 16:00 (Europe/London)"


# -- `relbot serve --socket`, as a user runs it ------------------------------------------------------------------
@pytest.fixture()
def served_socket(tmp_path: Path, demo_build: Path, models_dir: Path, fake_slack: FakeSlack
                  ) -> Iterator[tuple[subprocess.Popen[str], SocketModeServer]]:
    data_dir = tmp_path / "data"
    shutil.copytree(demo_build, data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "RELBOT_"))}
    env.update({"RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir), "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": fake_slack.api_url,
                "PYTHONFAULTHANDLER": "1"})  # and no signing secret: Socket Mode needs none
    with SocketModeServer() as server:
        fake_slack.answer("apps.connections.open", server.connections_open)
        proc = subprocess.Popen([sys.executable, "-m", "relbot", "serve", "--socket", "--workers", "2"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            yield proc, server
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)


def test_relbot_serve_socket_answers_reconnects_and_stops_on_sigterm(
    served_socket: tuple[subprocess.Popen[str], SocketModeServer], fake_slack: FakeSlack
) -> None:
    proc, server = served_socket
    server.wait_connected(timeout=60)
    sock = OverSocket(fake_slack, None, server)  # type: ignore[arg-type]  # the services live in that process
    ack = sock.command("brief Harbor Foods", user=SAM, channel=HARBOR_CHANNEL)
    assert ack.elapsed < 3.0 and "Drafting the brief for *Harbor Foods*" in ack.text
    [brief] = fake_slack.wait_for("response_url", timeout=90)  # drafted by the worker process
    assert brief.args["response_type"] == "ephemeral" and "Brief · Harbor Foods" in brief.text()

    server.disconnect("refresh_requested")
    server.wait_connected(2, timeout=20)
    assert "/relbot brief ACCOUNT" in sock.command("help", user=SAM, channel=HARBOR_CHANNEL).text

    proc.send_signal(signal.SIGTERM)
    try:
        output, _ = proc.communicate(timeout=40)
    except subprocess.TimeoutExpired:  # show where it is stuck: faulthandler prints every thread on SIGABRT
        proc.send_signal(signal.SIGABRT)
        stuck = proc.communicate(timeout=20)[0]
        raise AssertionError(f"relbot serve --socket did not stop on SIGTERM:\n{stuck}") from None
    assert proc.returncode == 0, output
    assert "Socket Mode" in output and "Traceback" not in output
