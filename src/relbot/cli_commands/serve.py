"""`relbot serve [--http --host 127.0.0.1 --port 3000 | --socket]`: run the Slack app."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from relbot.cli_support import services
from relbot.errors import ConfigError

if TYPE_CHECKING:
    from relbot.services import Services

log = logging.getLogger("relbot")


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
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from relbot.slack.app import build_app
    from relbot.slack.server import serve_http, serve_socket
    from relbot.slack.worker import DraftWorker

    svc = services()
    # A server reports what it does; the CLI's default (warnings only) suits one-shot commands.
    logging.getLogger("relbot").setLevel(svc.settings.log_level.upper())
    app_token = svc.settings.slack_app_token
    if args.socket and app_token is None:
        raise ConfigError("SLACK_APP_TOKEN (xapp-…) is needed for Socket Mode; or run `relbot serve --http`.")
    worker = None if args.inline else DraftWorker(svc.settings, threads=max(1, args.workers))
    app = build_app(svc, workers=max(1, args.workers), socket_mode=args.socket,
                    lazy_runner=worker.runner() if worker else None)
    if worker:
        worker.start()  # it loads the store and the model now, so the first user's draft does not pay for it
    else:  # the worker resumes unfinished channel backfills itself; inline, this process does
        from relbot.slack.backfill import build_backfill, resume_in_background

        resume_in_background(build_backfill(svc, app.client))
    scheduler = _start_digest_scheduler(svc, app) if svc.settings.scheduler_enabled else None
    # SIGTERM (a process manager stopping relbot) unwinds like Ctrl-C, so the worker is stopped too.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        if args.socket and app_token is not None:
            print("relbot: connected to Slack over Socket Mode; Ctrl-C stops.", file=sys.stderr)
            serve_socket(app, app_token=app_token.get_secret_value())
        else:
            serve_http(app, host=args.host, port=args.port, on_ready=lambda url: print(
                f"relbot: serving Slack requests at {url}; Ctrl-C stops.", file=sys.stderr))
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
        if worker:
            worker.stop()
    return 0


def _start_digest_scheduler(svc: Services, app: Any) -> Any:
    """Run on one replica (or all: the delivery ledger keeps each digest exactly-once), or use cron instead."""
    from relbot.digest.scheduler import start_scheduler

    print("relbot: weekly digest scheduler on (RELBOT_SCHEDULER).", file=sys.stderr)
    return start_scheduler(svc, app.client)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(0)
