"""`relbot knowledge sync`: index the playbook sections into the guidance collection."""

from __future__ import annotations

import argparse
from typing import Any

from relbot.cli_support import print_json, services


def register(sub: Any) -> None:
    p = sub.add_parser("knowledge", help="the agency playbook")
    p.add_argument("action", choices=["sync"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from relbot.knowledge import load_sections

    svc = services()
    sections = load_sections(svc.knowledge_dir)
    changed, removed = svc.store.sync_guidance(sections)
    if args.json:
        print_json({"sections": len(sections), "updated": changed, "removed": removed})
    else:
        print(f"{len(sections)} playbook sections indexed ({changed} updated, {removed} removed).")
    return 0
