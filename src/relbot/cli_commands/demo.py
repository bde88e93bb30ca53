"""`relbot demo`: build the demo workspace (idempotent) and print a brief for one demo account."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from relbot.cli_support import iso_date, services

DEMO_ACCOUNT = "Lumen Health"
DEMO_AS_OF = "2026-11-23"  # the demo's history ends on 2026-11-20


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="build the offline demo workspace and print a brief")
    p.add_argument("--account", default=DEMO_ACCOUNT)
    p.add_argument("--as-of", type=iso_date, default=iso_date(DEMO_AS_OF))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from relbot.demo import build_demo
    from relbot.render.terminal import print_brief

    svc = services()
    report = build_demo(svc)
    if not args.json:
        print(f"Demo workspace ready: {report.added} records added, {report.duplicate} already stored.",
              file=sys.stderr)
    for failure in report.failed:
        print(f"relbot: demo file failed: {failure['path']}: {failure['reason']}", file=sys.stderr)
    account = svc.state.resolve_account(args.account)
    print_brief(svc, account.name, as_of=args.as_of, as_json=args.json)
    return 0 if report.ok else 1
