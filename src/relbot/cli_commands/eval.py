"""`relbot eval retrieval --qmsum DIR`: retrieval quality against a baseline; `relbot eval citations`: do the
drafts' citations support their lines; `relbot eval briefs`: briefs against hand labels; `relbot eval feedback`:
what people's thumbs in Slack say about each version and drafter."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from relbot.cli_support import iso_date, print_json

DEFAULT_BUDGET_WORDS = 1500


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure retrieval quality")
    kinds = p.add_subparsers(dest="eval_kind", required=True, metavar="KIND")
    r = kinds.add_parser("retrieval", help="QMSum meetings: gold turns covered within a word budget")
    r.add_argument("--qmsum", type=Path, required=True, metavar="DIR", help="folder of QMSum meeting .json files")
    r.add_argument("--budget-words", type=int, default=DEFAULT_BUDGET_WORDS, metavar="N",
                   help=f"retrieved words read per query (default {DEFAULT_BUDGET_WORDS})")
    r.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                   help="also score the langchain splitter + Chroma baseline (default on; needs relbot[eval])")
    r.add_argument("--meetings", type=lambda v: [m.strip() for m in v.split(",") if m.strip()],
                   help="only these meetings, comma-separated (e.g. ES2006a,Bed010)")
    r.add_argument("--json", action="store_true", help="print only a JSON report (with per-query scores)")
    r.set_defaults(handler=run_retrieval)
    c = kinds.add_parser("citations", help="does each record a draft cites support the line citing it")
    c.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    c.add_argument("--as-of", type=iso_date, help="draft as on this day, YYYY-MM-DD (default today)")
    c.add_argument("--llm", action="store_true", help="check the configured LLM's drafts instead of extractive ones")
    c.add_argument("--labels", type=Path, metavar="FILE", help="measure a labelled set of real correspondence "
                   "instead (each account in its own scratch workspace, as of its labelled day), e.g. "
                   "../shared/data/enron-dev/labels.yaml")
    c.add_argument("--json", action="store_true", help="print only a JSON report")
    c.set_defaults(handler=run_citations)
    b = kinds.add_parser("briefs", help="offline briefs and answers of labelled real correspondence vs its labels")
    b.add_argument("--labels", type=Path, required=True, metavar="FILE",
                   help="labels.yaml of a labelled set, e.g. ../shared/data/enron-dev/labels.yaml")
    b.add_argument("--accounts", type=lambda v: [a.strip() for a in v.split(",") if a.strip()], default=[],
                   metavar="ID,ID", help="only these labelled accounts (ids or names)")
    b.add_argument("--json", action="store_true", help="print only a JSON report (with what was missed)")
    b.set_defaults(handler=run_briefs)
    f = kinds.add_parser("feedback", help="share of thumbs up given in Slack per relbot version, kind and drafter")
    f.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="ratings given on or after this day "
                   "(default: the last 30 days)")
    f.add_argument("--json", action="store_true", help="print only a JSON report")
    f.set_defaults(handler=run_feedback)


def run_retrieval(args: argparse.Namespace) -> int:
    from rich.console import Console

    from relbot.eval.progress import RichTracker
    from relbot.eval.qmsum import load_accounts
    from relbot.eval.report import print_report
    from relbot.eval.setup import build_systems, eval_embedder

    if args.budget_words <= 0:
        print("relbot: --budget-words must be positive", file=sys.stderr)
        return 2
    if args.baseline:
        from relbot.eval.baseline import require_baseline

        require_baseline()  # before any work: a missing 'eval' extra is exit 2 with the pip command
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


def run_citations(args: argparse.Namespace) -> int:
    import datetime as dt

    from relbot.config import load_settings
    from relbot.eval.citation_eval import measure, measure_parts
    from relbot.services import build_services

    if args.labels:
        from relbot.eval.brief_eval import labelled_workspace
        from relbot.eval.brief_labels import load_labels

        labels = load_labels(args.labels)
        chosen = [a for a in labels.accounts if not args.account or a.id in args.account or a.name in args.account]
        with tempfile.TemporaryDirectory(prefix="relbot-eval-citations-") as scratch:
            parts = [(labelled_workspace(labels, a, Path(scratch) / a.id), a.name, a.as_of,
                      [q.question for q in a.questions]) for a in chosen]
            report = measure_parts(parts, use_llm=args.llm)
    else:
        services = build_services(load_settings())
        names = [a.name for a in services.state.list_accounts()]
        accounts = [services.state.resolve_account(n).name for n in args.account] if args.account else names
        if not accounts:
            print("relbot: no accounts yet; ingest some sources (or run `relbot demo`) first", file=sys.stderr)
            return 2
        report = measure(services, accounts, as_of=args.as_of or dt.date.today(), use_llm=args.llm)
    if args.json:
        print_json(report.model_dump(mode="json"))
        return 0
    print(f"{report.accounts} accounts, {report.lines} cited lines, {report.citations} citations")
    print(f"citation precision {report.precision:.3f} (random-citation control {report.control:.3f}; "
          f"a record supports a line when it holds >= {report.threshold:.0%} of its evidence)")
    for section, (count, value) in report.by_section.items():
        print(f"  {section:<26} {count:>4}  {value:.3f}")
    for miss in report.unsupported:
        where = f"{miss.account} / {miss.section}"
        print(f"  unsupported ({miss.support:.2f}) {where}: {miss.line[:90]} [{miss.record_id[:10]}]")
    by_section = ", ".join(f"{s} {n}" for s, n in report.facts_by_section.items()) or "none"
    print(f"fact violations (a figure, date or name no cited record states): {len(report.fact_violations)} "
          f"({by_section})")
    for v in report.fact_violations:
        print(f"  {v.kind} '{v.fact}' {v.account} / {v.section}: {v.line[:90]}")
    return 0


def run_briefs(args: argparse.Namespace) -> int:
    from relbot.eval.brief_eval import evaluate
    from relbot.eval.brief_labels import load_labels
    from relbot.eval.brief_report import print_brief_report

    labels = load_labels(args.labels)
    unknown = [a for a in args.accounts if not any(a in (x.id, x.name) for x in labels.accounts)]
    if unknown:
        print(f"relbot: no labelled account {', '.join(unknown)} in {args.labels}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="relbot-eval-briefs-") as scratch:
        report = evaluate(labels, Path(scratch), only=args.accounts,
                          on_account=None if args.json else lambda name: print(f"  {name}…", file=sys.stderr))
    if args.json:
        print_json(report.model_dump(mode="json"))
    else:
        print_brief_report(report)
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    from relbot.cli_commands.feedback import start_date
    from relbot.cli_support import services
    from relbot.eval.feedback_eval import FEW, approvals
    from relbot.store import feedback

    start = start_date(args.since)
    rows = approvals(feedback.since(services().state, start))
    if args.json:
        groups = [{"version": a.version, "kind": a.kind, "drafter": a.drafter, "ratings": a.ratings, "up": a.up,
                   "down": a.down, "share_up": round(a.share_up, 3)} for a in rows]
        print_json({"since": start.isoformat(), "few": FEW, "groups": groups})
        return 0
    if not rows:
        print(f"No feedback since {start}: nobody has pressed a thumbs up or down under a draft in Slack yet.")
        return 0
    print(f"Share of thumbs up since {start}")
    print(f"  {'version':<10} {'kind':<12} {'drafter':<8} {'ratings':>7} {'up':>6}")
    for a in rows:
        few = f"  (fewer than {FEW} ratings)" if a.few else ""
        print(f"  {a.version:<10} {a.kind:<12} {a.drafter or '':<8} {a.ratings:>7} {a.share_up:>6.0%}{few}")
    return 0
