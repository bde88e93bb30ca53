"""`relbot serve [--http --host 127.0.0.1 --port 3000 | --socket]`: run the Slack app."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from typing import Any

from relbot.cli_support import services
from relbot.errors import ConfigError

STOP_TIMEOUT_S = 25.0  # within the 30 s a process manager (Kubernetes, systemd's 90 s) gives before SIGKILL


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the Slack app (HTTP request URLs or Socket Mode)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--http", action="store_true", help="serve POST /slack/events and GET /healthz (default)")
    mode.add_argument("--socket", action="store_true", help="connect to Slack over Socket Mode (SLACK_APP_TOKEN)")
    p.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    p.add_argument("--workers", type=int, default=8, help="concurrent drafts and ingests (default 8)")
    p.add_argument("--inline", action="store_true",
                   help="draft in this process instead of a worker process (simpler; acks slow down while drafting)")
    p.add_argument("--http-threads", type=int, default=8, help="HTTP requests handled at once (default 8)")
    p.add_argument("--connection-limit", type=int, default=256, help="open HTTP connections at most (default 256)")
    p.add_argument("--idle-timeout", type=int, default=65,
                   help="seconds before an idle (keep-alive) HTTP connection is closed (default 65)")
    p.add_argument("--stop-timeout", type=float, default=STOP_TIMEOUT_S,
                   help="seconds a SIGTERM may take: in-flight requests, then queued drafts (default 25)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import logging

    from relbot.slack.front import start_front

    svc = services()
    # A server reports what it does; the CLI's default (warnings only) suits one-shot commands.
    logging.getLogger("relbot").setLevel(svc.settings.log_level.upper())
    app_token = svc.settings.slack_app_token
    if args.socket and app_token is None:
        raise ConfigError("SLACK_APP_TOKEN (xapp-…) is needed for Socket Mode; or run `relbot serve --http`.")
    if args.socket and app_token is not None:
        front = start_front(svc, workers=args.workers, inline=args.inline, socket_mode=True)
        signal.signal(signal.SIGTERM, _exit_now)  # unwinds like Ctrl-C, through the finally below
        try:
            from relbot.slack.server import serve_socket

            print("relbot: connected to Slack over Socket Mode; Ctrl-C stops.", file=sys.stderr)
            serve_socket(front.app, app_token=app_token.get_secret_value())
        finally:
            front.stop(timeout_s=args.stop_timeout)
        return 0
    return _serve_http(args, svc)


def _serve_http(args: argparse.Namespace, svc: Any) -> int:
    from relbot.slack.front import start_front
    from relbot.slack.log_writer import write_logs_in_background
    from relbot.slack.server import Limits, make_http_server, serve_http

    limits = Limits(threads=max(1, args.http_threads), connection_limit=max(1, args.connection_limit),
                    channel_timeout_s=max(1, args.idle_timeout), drain_s=min(Limits.drain_s, args.stop_timeout))
    secret = svc.settings.slack_signing_secret
    front = start_front(svc, workers=args.workers, inline=args.inline)
    server = make_http_server(front.app, args.host, args.port, limits=limits,
                              signing_secret=secret.get_secret_value() if secret else "")

    signalled: list[float] = []  # when each SIGTERM / Ctrl-C arrived

    def on_signal(signum: int, frame: Any) -> None:
        signalled.append(time.monotonic())
        if len(signalled) == 1:
            print("relbot: stopping: finishing in-flight requests, then queued drafts.", file=sys.stderr)
            server.stop()
        else:  # a second one means "now": queued drafts are dropped, running ones get the worker's kill grace
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    logs = write_logs_in_background()  # one access-log line per request: written off the request threads
    try:
        serve_http(server, on_ready=lambda url: print(
            f"relbot: serving Slack requests at {url}; Ctrl-C or SIGTERM stops.", file=sys.stderr))
    finally:
        # The stop budget counts from the first signal: the HTTP drain has used part of it.
        left = args.stop_timeout - (time.monotonic() - signalled[0]) if signalled else args.stop_timeout
        try:
            front.stop(timeout_s=0.0 if len(signalled) > 1 else max(1.0, left))
        except SystemExit:  # the second signal arrived while the worker was draining
            front.stop(timeout_s=0.0)
        logs.stop()
    print("relbot: stopped.", file=sys.stderr)
    return 0


def _exit_now(signum: int, frame: Any) -> None:
    raise SystemExit(0)
