"""`relbot feedback [--since YYYY-MM-DD] [--json]`: the thumbs up/down people gave drafts in Slack, counted per
kind of draft and drafter (offline or LLM), with the reasons given for a thumbs down."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from relbot.cli_support import iso_date, print_json, services

if TYPE_CHECKING:
    from relbot.store.feedback import Summary

DEFAULT_DAYS = 30


def register(sub: Any) -> None:
    p = sub.add_parser("feedback", help="ratings of drafts given in Slack: per kind, offline or LLM, and the reasons")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD",
                   help=f"ratings given on or after this day (default: the last {DEFAULT_DAYS} days)")
    p.add_argument("--json", action="store_true", help="print only JSON")
    p.set_defaults(handler=run)


def start_date(since: dt.date | None) -> dt.date:
    return since or dt.date.today() - dt.timedelta(days=DEFAULT_DAYS)


def run(args: argparse.Namespace) -> int:
    from relbot.store import feedback

    summary = feedback.summary(services().state, start_date(args.since))
    if args.json:
        print_json(as_json(summary))
        return 0
    print(f"Feedback since {summary.start}: {summary.up} up, {summary.down} down")
    if summary.counts:
        print(f"  {'kind':<12} {'drafter':<8} {'up':>4} {'down':>5}")
        for c in summary.counts:
            print(f"  {c.kind:<12} {_drafter(c.llm):<8} {c.up:>4} {c.down:>5}")
    if summary.reasons:
        print(f"Reasons given ({len(summary.reasons)}):")
        for r in summary.reasons:
            what = r.kind + (f" of {r.account}" if r.account else "")
            print(f"  {r.rated_at:%Y-%m-%d} {r.user_id} · {what} as of {r.as_of} ({_drafter(r.llm)}, {r.version}):")
            print(f"      {' '.join((r.reason or '').split())}")
    return 0


def as_json(summary: Summary) -> dict[str, Any]:
    return {
        "since": summary.start.isoformat(), "up": summary.up, "down": summary.down,
        "counts": [{"kind": c.kind, "drafter": _drafter(c.llm), "up": c.up, "down": c.down} for c in summary.counts],
        "reasons": [{"rated_at": r.rated_at.isoformat(), "user_id": r.user_id, "kind": r.kind, "account": r.account,
                     "as_of": r.as_of, "drafter": _drafter(r.llm), "version": r.version, "reason": r.reason}
                    for r in summary.reasons],
    }


def _drafter(llm: bool) -> str:
    return "llm" if llm else "offline"
