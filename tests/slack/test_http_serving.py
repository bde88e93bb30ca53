"""The production HTTP server as an operator runs it: `relbot serve --http` stops gracefully on SIGTERM,
the WSGI factory works under waitress-serve (and gunicorn, when installed), every request is logged in one
line without client text, and a failing listener is never a 5xx."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack import payloads
from tests.slack.conftest import HARBOR_CHANNEL, MAYA, SAM, SECRET, TOKEN, Relbot
from tests.slack.test_serve_cli import free_port
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import Response, SlackSender

START_S = 90.0  # a server process imports, opens the store and spawns its draft worker


def _env(tmp_path: Path, demo_build: Path, models_dir: Path, fake: FakeSlack) -> dict[str, str]:
    data_dir = tmp_path / "data"
    shutil.copytree(demo_build, data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "RELBOT_"))}
    env.update({"RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir), "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url})
    return env


def _start(cmd: list[str], env: dict[str, str], port: int) -> tuple[subprocess.Popen[str], SlackSender]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sender = SlackSender(f"http://127.0.0.1:{port}", SECRET)
    deadline = time.monotonic() + START_S
    while True:
        try:
            if sender.request("GET", "/healthz").status == 200:
                return proc, sender
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(proc.communicate()[0])
        time.sleep(0.1)


def _brief(sender: SlackSender, fake: FakeSlack, key: str) -> Response:
    return sender.command("brief Harbor Foods", user=SAM, channel=HARBOR_CHANNEL, response_url=fake.response_url(key))


@pytest.fixture()
def serve(tmp_path: Path, demo_build: Path, models_dir: Path,
          fake_slack: FakeSlack) -> Iterator[tuple[subprocess.Popen[str], SlackSender]]:
    port = free_port()
    cmd = [sys.executable, "-m", "relbot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)]
    proc, sender = _start(cmd, _env(tmp_path, demo_build, models_dir, fake_slack), port)
    try:
        yield proc, sender
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_sigterm_finishes_in_flight_requests_and_queued_drafts_then_exits(
    serve: tuple[subprocess.Popen[str], SlackSender], fake_slack: FakeSlack
) -> None:
    proc, sender = serve
    assert _brief(sender, fake_slack, "warm").status == 200
    fake_slack.wait_for("response_url", timeout=START_S)  # the draft worker is up and warm

    acks = [_brief(sender, fake_slack, f"queued{i}") for i in range(4)]
    assert [a.status for a in acks] == [200] * 4
    fake_slack.delays["views.open"] = 1.5  # the global shortcut opens its modal before it acks: slow in flight
    in_flight: list[Response] = []
    shortcut = threading.Thread(target=lambda: in_flight.append(sender.interaction(payloads.global_shortcut(MAYA))))
    shortcut.start()
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    shortcut.join(timeout=10)
    assert in_flight and in_flight[0].status == 200, "the request in flight at SIGTERM was answered"

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # no new connections once the drain started
        try:
            sender.request("GET", "/healthz")
        except OSError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("still accepting connections after SIGTERM")
    output, _ = proc.communicate(timeout=40)
    assert proc.returncode == 0, output
    delivered = {c.path.rsplit("/", 1)[-1] for c in fake_slack.calls_to("response_url")}
    assert {f"queued{i}" for i in range(4)} <= delivered, "queued drafts finished before the worker stopped"
    assert "relbot: stopped." in output and "Traceback" not in output
    # One INFO line per request, none with client text (the command's text, the account's name).
    logged = [line for line in output.splitlines() if "relbot.http" in line or " /slack/events " in line]
    assert any("POST /slack/events 200" in line and " command" in line for line in logged), output
    assert any("POST /slack/events 200" in line and "shortcut" in line for line in logged), output
    assert not [line for line in logged if "Harbor" in line or "brief" in line]


def test_the_wsgi_factory_serves_under_waitress_serve(tmp_path: Path, demo_build: Path, models_dir: Path,
                                                      fake_slack: FakeSlack) -> None:
    port = free_port()
    waitress_serve = shutil.which("waitress-serve", path=str(Path(sys.executable).parent)) or "waitress-serve"
    cmd = [waitress_serve, "--host", "127.0.0.1", "--port", str(port), "--call", "relbot.slack.wsgi:create_app"]
    _check_factory(cmd, _env(tmp_path, demo_build, models_dir, fake_slack), port, fake_slack)


def test_the_wsgi_factory_serves_under_gunicorn(tmp_path: Path, demo_build: Path, models_dir: Path,
                                                fake_slack: FakeSlack) -> None:
    pytest.importorskip("gunicorn")
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}",
           "relbot.slack.wsgi:create_app()"]
    _check_factory(cmd, _env(tmp_path, demo_build, models_dir, fake_slack), port, fake_slack)


def _check_factory(cmd: list[str], env: dict[str, str], port: int, fake: FakeSlack) -> None:
    proc, sender = _start(cmd, env, port)
    try:
        assert _brief(sender, fake, "factory").status == 200
        [brief] = fake.wait_for("response_url", timeout=START_S)
        assert "Brief · Harbor Foods" in brief.text()
        body = sender.command_body("help", user=SAM, channel=HARBOR_CHANNEL, response_url=fake.response_url())
        assert sender.post(body, "application/x-www-form-urlencoded", signed=False).status == 401
        assert sender.post("payload=%5B%5D", "application/x-www-form-urlencoded").status == 400
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert "Traceback" not in output, output


def test_a_listener_that_raises_on_the_ack_path_answers_200_not_500(relbot: Relbot,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from relbot.slack.listeners.commands import relbot as command

    def broken(text: str, *args: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(command, "parse", broken)
    reply = relbot.command("brief Lumen Health")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral" and "went wrong" in reply.json()["text"]


def test_an_exception_inside_bolt_is_a_400_never_a_500() -> None:
    import hashlib
    import hmac
    import io

    from relbot.slack.gate import SlackGate

    def exploding(environ: object, start_response: object) -> list[bytes]:
        raise KeyError("bolt internals")

    def answering_500(environ: object, start_response: object) -> list[bytes]:
        start_response("500 Internal Server Error", [])  # type: ignore[operator]
        return [b""]

    body, ts = b"command=%2Frelbot&user_id=U1", str(int(time.time()))
    signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    seen: list[str] = []
    for inner in (exploding, answering_500):
        gate = SlackGate(inner, signing_secret=SECRET, max_body=1000)  # type: ignore[arg-type]
        environ = {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
                   "CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts,
                   "HTTP_X_SLACK_SIGNATURE": signature}
        gate(environ, lambda status, headers, exc_info=None: seen.append(status))  # type: ignore[arg-type,misc]
    assert seen == ["400 Bad Request", "400 Bad Request"]


def test_a_second_sigterm_stops_at_once_dropping_the_queue(
    serve: tuple[subprocess.Popen[str], SlackSender], fake_slack: FakeSlack
) -> None:
    proc, sender = serve
    assert _brief(sender, fake_slack, "warm").status == 200
    fake_slack.wait_for("response_url", timeout=START_S)
    fake_slack.delays["response_url"] = 2.0  # every draft now takes 2 s to deliver: 20 of them would take 10 s+
    assert all(_brief(sender, fake_slack, f"slow{i}").status == 200 for i in range(20))
    proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    stopped_at = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and time.monotonic() - stopped_at < 8, output
    assert "relbot: stopped." in output and "Traceback" not in output
    assert len(fake_slack.calls_to("response_url")) < 21, "the queue was dropped, not drained"


def test_a_command_mentioning_payload_gets_a_readable_answer(relbot: Relbot) -> None:
    # bolt parses any form containing "payload" as an interaction and would find no command in it.
    reply = relbot.command("ask Lumen Health what is the payload of the Q3 launch?")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral" and "payload" in reply.json()["text"]
    assert relbot.command("help").status == 200  # an ordinary command right after is unaffected
