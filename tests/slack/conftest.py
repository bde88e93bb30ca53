"""Scenario fixtures in bolt's style: the real app served over HTTP on 127.0.0.1, signed requests in, a
local Slack Web API recording what comes out; or the same app connected over Socket Mode to a local Socket Mode
server (``socket_relbot``); ``over`` runs a test each way. Nothing inside relbot is replaced."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from relbot.services import Services
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import Response, SlackSender
from tests.support.socket_mode_server import SocketModeServer

if TYPE_CHECKING:
    from tests.slack.transports import Way

REPO = Path(__file__).resolve().parents[2]
WORKERS = 4  # lazy-listener threads of the app under test
SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-A0RELBOT-1-test-app-token"  # app-level token: Socket Mode
SOCKET_PING_S = 0.5  # the Socket Mode client's ping interval here: a dropped connection is noticed within a second

# People and places from demo/accounts.yaml and demo/*/slack, plus the awkward cases.
MAYA = "U0DEMO02"  # Lumen Health's account manager (team member)
SAM = "U0DEMO01"  # Harbor Foods and Vela Fintech, not Lumen Health
ADMIN = "U0ADMIN1"  # in RELBOT_SLACK_ADMINS, on no team
GUEST = "U0GUEST1"  # a single-channel guest
OUTSIDER = "U0OUTSID"  # a full member of the workspace on no account team
LUMEN_CHANNEL = "C0DEMOLH1"  # linked to Lumen Health
HARBOR_CHANNEL = "C0DEMOHF1"  # linked to Harbor Foods
GENERAL = "C0GENERAL"  # internal, linked to nothing
SHARED = "C0SHARED1"  # a Slack Connect channel with the client
MAYA_DM = "D0MAYADM1"  # Maya's DM with relbot


@dataclass
class Relbot:
    fake: FakeSlack
    sender: SlackSender
    services: Services
    app: App

    def command(self, text: str, *, user: str = MAYA, channel: str = LUMEN_CHANNEL, key: str = "cmd") -> Response:
        return self.sender.command(text, user=user, channel=channel, response_url=self.fake.response_url(key))


@pytest.fixture()
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.load_demo(REPO / "demo")
        fake.add_user(ADMIN, "Ada Admin")
        fake.add_user(GUEST, "Gus Guest", guest=True)
        fake.add_user(OUTSIDER, "Olive Outsider")
        fake.add_channel(GENERAL, "general")
        fake.add_channel(SHARED, "lumen-shared", shared=True)
        fake.add_channel(MAYA_DM, "maya-dm", im=True)
        yield fake


@pytest.fixture()
def slack_services(tmp_path: Path, demo_build: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    """A private copy of the demo workspace: extractive drafting (no LLM), Slack credentials for tests."""
    from relbot.config import load_settings
    from relbot.services import build_services

    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RELBOT_CHROMA_URL", "SLACK_BOT_TOKEN",
                 "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "RELBOT_SLACK_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "data"
    shutil.copytree(demo_build, data_dir)
    settings = load_settings(
        data_dir=data_dir, models_dir_override=models_dir, slack_bot_token=TOKEN, slack_signing_secret=SECRET,
        slack_admins=[ADMIN],
    )
    return build_services(settings)


@pytest.fixture()
def relbot(slack_services: Services, fake_slack: FakeSlack) -> Iterator[Relbot]:
    from relbot.slack.app import build_app
    from relbot.slack.server import make_http_server
    from relbot.slack.webclient import retry_handlers

    client = WebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=retry_handlers())
    workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="relbot-test-worker")
    app = build_app(slack_services, client=client, executor=workers)
    server = make_http_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="relbot-http", daemon=True)
    thread.start()
    try:
        yield Relbot(fake_slack, SlackSender(f"http://127.0.0.1:{server.server_port}", SECRET), slack_services, app)
    finally:
        server.shutdown()
        server.server_close()
        workers.shutdown(wait=True, cancel_futures=True)  # no draft outlives its test's data dir


@dataclass
class SocketRelbot:
    fake: FakeSlack
    server: SocketModeServer
    services: Services
    app: App
    handler: Any  # bolt's SocketModeHandler (slack_sdk's built-in client), as `relbot serve --socket` builds it


@pytest.fixture()
def socket_relbot(slack_services: Services, fake_slack: FakeSlack) -> Iterator[SocketRelbot]:
    from relbot.slack.app import build_app
    from relbot.slack.server import socket_handler
    from relbot.slack.webclient import retry_handlers

    client = WebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=retry_handlers())
    workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="relbot-test-worker")
    app = build_app(slack_services, client=client, executor=workers, socket_mode=True)
    with SocketModeServer() as server:
        fake_slack.answer("apps.connections.open", server.connections_open)
        handler = socket_handler(app, app_token=APP_TOKEN, ping_interval=SOCKET_PING_S)
        handler.connect()
        server.wait_connected()
        try:
            yield SocketRelbot(fake_slack, server, slack_services, app, handler)
        finally:
            # The client's reader holds its socket lock in a 3 s recv; a close frame from the server ends that wait
            handler.client.auto_reconnect_enabled = False  # (what close() would set first)
            server.close_all()
            handler.close()
            workers.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(params=["http", "socket"])
def over(request: pytest.FixtureRequest) -> Way:
    """The app reached over HTTP, then over Socket Mode: a test taking ``over`` runs once each way."""
    from tests.slack.transports import OverHttp, OverSocket

    if request.param == "http":
        return OverHttp(request.getfixturevalue("relbot"))
    sock: SocketRelbot = request.getfixturevalue("socket_relbot")
    return OverSocket(sock.fake, sock.services, sock.server)
