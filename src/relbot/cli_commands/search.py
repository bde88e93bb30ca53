"""`relbot search QUERY --account NAME [--limit K]` and `relbot search --batch FILE.jsonl`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from relbot.cli_support import iso_date, print_json, services
from relbot.errors import RelbotError
from relbot.services import Services


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="hybrid search in one account's history")
    p.add_argument("query", nargs="?")
    p.add_argument("--account")
    p.add_argument("--limit", type=int, default=8)
    p.add_argument("--as-of", type=iso_date, help="date recency is measured from (default today)")
    p.add_argument("--batch", type=Path, help="JSONL file of {id, account, query, limit}")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(args.batch, services())
    if not args.query or not args.account:
        print("relbot: search needs QUERY and --account NAME (or --batch FILE.jsonl)", file=sys.stderr)
        return 2
    svc = services()
    account = svc.state.resolve_account(args.account)
    hits = svc.retriever.search(account.name, args.query, limit=max(1, args.limit), as_of=args.as_of)
    if args.json:
        print_json([h.model_dump(mode="json", include=_FIELDS) for h in hits])
        return 0
    if not hits:
        print(f"No record in {account.name} matches that.")
    for rank, hit in enumerate(hits, 1):
        print(f"{rank}. [{hit.kind.value} {hit.date or 'undated'}] {hit.source}  (score {hit.score:.4f})")
        print("   " + hit.text.replace("\n", "\n   "))
    return 0


_FIELDS = {"id", "text", "account", "kind", "source", "date", "score"}


def _batch(path: Path, svc: Services) -> int:
    """One process, many queries; a bad line gets {id, error} and the rest still run."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"relbot: cannot read {path}: {exc.__class__.__name__}", file=sys.stderr)
        return 2
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        query_id: Any = number
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
            query_id = item.get("id", number)
            account = svc.state.resolve_account(str(item["account"]))
            hits = svc.retriever.search(account.name, str(item["query"]), limit=int(item.get("limit", 8)))
            out: dict[str, Any] = {"id": query_id, "hits": [h.model_dump(mode="json", include=_FIELDS) for h in hits]}
        except RelbotError as exc:
            out = {"id": query_id, "error": str(exc)}
        except (ValueError, KeyError, TypeError) as exc:
            out = {"id": query_id, "error": f"line {number}: expected {{id, account, query, limit}} ({exc})"}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0
