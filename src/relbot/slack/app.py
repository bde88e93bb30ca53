"""The App factory: one bolt ``App`` wired to ``Services``, for HTTP (WSGI) and Socket Mode alike.

``process_before_response=True`` keeps acks independent of the worker pool: in bolt's default mode the
ack function itself runs in the listener executor, so slow drafts occupying every worker would delay
the acks of new requests past Slack's 3 seconds. Here ack functions run on the request's own thread
before the HTTP response; only lazy functions (drafting, ingesting, posting) go to the workers, which
are threads of this process by default, or a separate process (``worker.py``) when ``lazy_runner``
forwards them there, as ``relbot serve`` does.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from relbot.errors import ConfigError, StateUnavailableError
from relbot.services import Services
from relbot.slack import socket_log
from relbot.slack.failures import user_message
from relbot.slack.listeners import register_listeners
from relbot.slack.replay import ReplayGuard
from relbot.slack.runtime import build_runtime
from relbot.slack.webclient import build_web_client

WORKERS = 8  # concurrent drafts/ingests; more queue (their acks do not wait)
ACK_CLIENT_TIMEOUT_S = 2  # a modal must open within the trigger's 3 s, or not at all
log = logging.getLogger("relbot.slack")
BOLT_LOGGER = "relbot.slack.bolt"


def build_app(
    services: Services, *, client: WebClient | None = None, workers: int = WORKERS, socket_mode: bool = False,
    executor: ThreadPoolExecutor | None = None, lazy_runner: LazyListenerRunner | None = None,
) -> App:
    """The app that faces Slack. ``executor`` (default: ``workers`` threads) runs lazy listeners in this
    process unless ``lazy_runner`` sends them elsewhere."""
    settings = services.settings
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    if not secret and not socket_mode:
        raise ConfigError("SLACK_SIGNING_SECRET is not set; HTTP mode cannot verify that requests come from Slack.")
    app = _app(services, client, signing_secret=secret, verify=True,
               executor=executor or ThreadPoolExecutor(max_workers=workers, thread_name_prefix="relbot-worker"))
    if lazy_runner is not None:
        app.listener_runner.lazy_listener_runner = lazy_runner  # as bolt's own FaaS adapters do
    return app


def build_worker_app(services: Services, *, client: WebClient | None = None) -> App:
    """The same app inside the draft worker process: it only receives lazy-only requests the front already
    verified (through a process queue, never the network), so it does not verify signatures again."""
    return _app(services, client, signing_secret="", verify=False, executor=None)


def _app(services: Services, client: WebClient | None, *, signing_secret: str, verify: bool,
         executor: ThreadPoolExecutor | None) -> App:
    client = client or build_web_client(services.settings)
    if not client.token:
        raise ConfigError("SLACK_BOT_TOKEN is not set; copy the Bot User OAuth Token from your Slack app.")
    ack_client = WebClient(token=client.token, base_url=client.base_url, timeout=ACK_CLIENT_TIMEOUT_S,
                           retry_handlers=[])
    try:
        # The name is a logger name to bolt: each request it re-configures logging.getLogger(name) from the
        # base logger. Named "relbot", that reset the level of every relbot logger after the first request
        # (serve's INFO lines stopped); named after the base logger itself, the re-configuration is a no-op.
        app = App(
            name=BOLT_LOGGER, client=client, signing_secret=signing_secret, process_before_response=True,
            request_verification_enabled=verify, listener_executor=executor, logger=_bolt_logger(),
        )
    except BoltError:  # auth.test refused the token
        raise ConfigError("Slack rejected SLACK_BOT_TOKEN (auth.test failed); check the token.") from None
    except (SlackClientError, OSError) as exc:
        raise ConfigError(
            f"Cannot reach the Slack Web API at {client.base_url} ({type(exc).__name__}); check SLACK_API_URL "
            "and the network."
        ) from None
    if verify:
        app.use(ReplayGuard(services.state))
    register_listeners(app, build_runtime(services, client, ack_client))
    app.error(_answer_listener_error)
    return app


def _answer_listener_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    # bolt's default handler logs the exception text, which can quote the user's message, and answers 500:
    # Slack shows a failed command for that, and retries an event with the same body, failing again.
    log.info("Slack listener failed: %s (%s)", type(error).__name__, _kind(body))
    if isinstance(error, StateUnavailableError) and body.get("type") == "event_callback":
        # Nothing was recorded, not even the event id: a 503 makes Slack deliver it again, by when the
        # database may be back. (Only signed, well-formed requests get this far.)
        return BoltResponse(status=503, body="")
    if isinstance(body.get("command"), str):
        return BoltResponse(status=200, body={"response_type": "ephemeral",
                                              "text": user_message(error, where="command ack")})
    return BoltResponse(status=200, body="")


def _kind(body: dict[str, Any]) -> str:
    kind = body.get("type")
    return kind if isinstance(kind, str) and kind.isidentifier() and len(kind) < 64 else "unknown request"


class _NoBodies(logging.Filter):
    """bolt logs unmatched requests with their whole body (client text) at WARNING: keep the fact only.
    It also warns that SLACK_BOT_TOKEN from the environment is unused next to the client, which carries
    that very token: drop that one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith("Unhandled request"):
            record.msg, record.args = "Unhandled Slack request (body not logged)", None
        return not message.startswith("As you gave `client` as well")


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, _NoBodies) for f in logger.filters):
        logger.addFilter(_NoBodies())
    # Socket Mode logs each envelope whole on this logger: a `/relbot calendar connect` address must not.
    socket_log.install(logger)
    return logger
