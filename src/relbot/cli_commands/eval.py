"""`relbot eval retrieval --qmsum DIR [--budget-words N]`: retrieval quality against a baseline."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from relbot.cli_support import print_json

DEFAULT_BUDGET_WORDS = 1500


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure retrieval quality")
    kinds = p.add_subparsers(dest="eval_kind", required=True, metavar="KIND")
    r = kinds.add_parser("retrieval", help="QMSum meetings: gold turns covered within a word budget")
    r.add_argument("--qmsum", type=Path, required=True, metavar="DIR", help="folder of QMSum meeting .json files")
    r.add_argument("--budget-words", type=int, default=DEFAULT_BUDGET_WORDS, metavar="N",
                   help=f"retrieved words read per query (default {DEFAULT_BUDGET_WORDS})")
    r.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                   help="also score the langchain splitter + Chroma baseline (default on)")
    r.add_argument("--meetings", type=lambda v: [m.strip() for m in v.split(",") if m.strip()],
                   help="only these meetings, comma-separated (e.g. ES2006a,Bed010)")
    r.add_argument("--json", action="store_true", help="print only a JSON report (with per-query scores)")
    r.set_defaults(handler=run_retrieval)


def run_retrieval(args: argparse.Namespace) -> int:
    from rich.console import Console

    from relbot.eval.progress import RichTracker
    from relbot.eval.qmsum import load_accounts
    from relbot.eval.report import print_report
    from relbot.eval.setup import build_systems, eval_embedder

    if args.budget_words <= 0:
        print("relbot: --budget-words must be positive", file=sys.stderr)
        return 2
    if not args.qmsum.is_dir():
        print(f"relbot: no such folder: {args.qmsum}", file=sys.stderr)
        return 2
    accounts = load_accounts(args.qmsum, meetings=args.meetings)
    if not accounts:
        print("relbot: none of the named meetings is in that folder", file=sys.stderr)
        return 2
    from relbot.eval.runner import evaluate

    with tempfile.TemporaryDirectory(prefix="relbot-eval-") as scratch, RichTracker() as tracker:
        systems = build_systems(Path(scratch), eval_embedder(), baseline=args.baseline)
        report = evaluate(accounts, systems, budget_words=args.budget_words, tracker=tracker)
    if args.json:
        print_json(report.model_dump(mode="json"))
    else:
        print_report(report, Console())
    return 0
