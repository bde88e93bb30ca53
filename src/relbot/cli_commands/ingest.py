"""`relbot ingest PATH... --account NAME [--kind K] [--date D] [--map FIELD=Column]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from relbot.cli_support import field_mapping, iso_date, print_json, services, source_kind


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="store source files in an account's history")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--account", help="account the files belong to (created if new)")
    p.add_argument("--kind", type=source_kind, help="note|transcript|email|crm|slack (default: detected)")
    p.add_argument("--date", type=iso_date, help="date for files that carry none (YYYY-MM-DD)")
    p.add_argument("--map", type=field_mapping, action="append", default=[], metavar="FIELD=Column",
                   help="CRM CSV header mapping for date|type|subject|body|owner|account")
    p.add_argument("--json", action="store_true", help="print only a JSON report")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from relbot.ingest.loaders import expand_paths

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"relbot: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    svc = services()
    files = expand_paths(list(args.paths))
    show_progress = len(files) > 1 and not args.json and sys.stderr.isatty()
    with Progress(transient=True, disable=not show_progress) as progress:
        task = progress.add_task("Ingesting", total=len(files))
        report = svc.ingestor.ingest_paths(
            files, account=args.account, kind=args.kind, default_date=args.date,
            crm_map=dict(args.map) or None, on_file=lambda _: progress.advance(task),
        )
    if args.json:
        print_json(report.model_dump(mode="json"))
    else:
        for f in report.files:
            if f.status == "ok":
                print(f"  ok      {f.path}: {f.added} added, {f.duplicate} duplicate")
            else:
                print(f"  FAILED  {f.path}: {f.reason}")
        print(f"{report.added} records added, {report.duplicate} duplicate, {len(report.failed)} file(s) failed")
    return 0 if report.ok else 1
