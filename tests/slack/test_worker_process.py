"""The production arrangement: the front process acks, a separate draft worker process runs every lazy
listener. One worker is started for the whole scenario (spawning one costs a few seconds)."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk import WebClient

from relbot.services import Services
from relbot.slack.worker import DraftWorker
from tests.slack import payloads
from tests.slack.conftest import GENERAL, LUMEN_CHANNEL, MAYA, MAYA_DM, SECRET, TOKEN, Relbot
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender

SLOW_START_S = 90.0  # the worker imports, opens the store and loads the model before its first job


@dataclass
class SplitRelbot(Relbot):
    worker: DraftWorker


@pytest.fixture()
def split_relbot(tmp_path: Path, demo_build: Path, models_dir: Path, fake_slack: FakeSlack,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[SplitRelbot]:
    from relbot.config import load_settings
    from relbot.services import build_services
    from relbot.slack.app import build_app
    from relbot.slack.server import make_http_server

    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RELBOT_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(demo_build, tmp_path / "data")
    services: Services = build_services(load_settings(
        data_dir=tmp_path / "data", models_dir_override=models_dir, slack_bot_token=TOKEN,
        slack_signing_secret=SECRET, slack_api_url=fake_slack.api_url,  # the worker builds its own client
    ))
    worker = DraftWorker(services.settings, threads=4)
    app = build_app(services, client=WebClient(token=TOKEN, base_url=fake_slack.api_url),
                    lazy_runner=worker.runner())
    worker.start()
    server = make_http_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        sender = SlackSender(f"http://127.0.0.1:{server.server_port}", SECRET)
        yield SplitRelbot(fake_slack, sender, services, app, worker)
    finally:
        server.shutdown()
        server.server_close()
        worker.stop(drain=False)


def test_every_surface_works_through_the_worker_process(split_relbot: SplitRelbot) -> None:
    relbot, fake = split_relbot, split_relbot.fake

    ack = relbot.command("brief Lumen Health")
    assert ack.status == 200 and ack.elapsed < 3.0
    [private] = fake.wait_for("response_url", timeout=SLOW_START_S)
    assert "Brief · Lumen Health" in private.text()

    relbot.sender.block_action(user=MAYA, action_id="relbot_share", value=payloads.share_value(private),
                               channel=LUMEN_CHANNEL, response_url=fake.response_url("share"))
    [public] = fake.wait_for("chat.postMessage")
    assert public.args["channel"] == LUMEN_CHANNEL and "Brief · Lumen Health" in public.text()

    mention = payloads.mention(GENERAL, MAYA, "who approves budgets at Lumen?")
    relbot.sender.event(mention, event_id="EvWORKER01")
    relbot.sender.event(mention, event_id="EvWORKER01", retry_num=1)
    fake.wait_for("chat.postEphemeral")

    thread = payloads.next_ts()  # the context (channel being viewed) must reach the worker's store
    relbot.sender.event({"type": "assistant_thread_context_changed", "event_ts": payloads.next_ts(),
                         "assistant_thread": {"user_id": MAYA, "channel_id": MAYA_DM, "thread_ts": thread,
                                              "context": {"channel_id": LUMEN_CHANNEL}}})
    time.sleep(0.5)
    relbot.sender.event(payloads.thread_message(MAYA, MAYA_DM, thread, "what did we promise about reporting?"))
    fake.wait_for("chat.stopStream")  # streamed into the thread, the account taken from the context
    [start] = fake.calls_to("chat.startStream")
    streamed = "".join(c.text() for c in fake.calls_to("chat.appendStream"))
    assert start.args["thread_ts"] == thread and "**what did we promise about reporting?**" in streamed
    assert "Lumen Health · as of" in streamed

    shortcut = payloads.message_shortcut(MAYA, GENERAL, "U0DEMO07", "Rachel wants weekly check-ins.",
                                         payloads.next_ts())
    relbot.sender.interaction(shortcut)
    assert fake.calls_to("views.open"), "the placeholder modal opens on the ack path, in the front"
    [form] = fake.wait_for("views.update")
    relbot.sender.interaction(payloads.submission(MAYA, "relbot_save_message", "Lumen Health",
                                                  form.args["view"]["private_metadata"]))
    confirms = fake.wait_for("chat.postEphemeral", 2)
    assert "Saved to *Lumen Health*" in confirms[-1].text()
    time.sleep(0.5)
    assert len(fake.calls_to("chat.postEphemeral")) == 2  # the retried mention was answered once


def test_a_killed_worker_is_replaced_and_the_next_command_answered(split_relbot: SplitRelbot) -> None:
    relbot, fake = split_relbot, split_relbot.fake
    relbot.command("brief Lumen Health", key="first")
    fake.wait_for("response_url", timeout=SLOW_START_S)
    first = split_relbot.worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)  # killed while idle, i.e. inside queue.get(), holding the queue's read lock
    deadline = time.monotonic() + 10
    while split_relbot.worker.pid in (None, first):  # the watchdog replaces it within a second or so
        assert time.monotonic() < deadline, "no new worker"
        time.sleep(0.05)

    ack = relbot.command("brief Lumen Health", key="second")
    assert ack.status == 200 and ack.elapsed < 3.0
    [reply] = fake.wait_for("response_url", where=lambda c: "second" in c.path, timeout=SLOW_START_S)
    assert "Brief · Lumen Health" in reply.text()
