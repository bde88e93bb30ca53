"""`relbot brief|questions|checklist ACCOUNT` and `relbot ask ACCOUNT QUESTION` (`--no-llm`, `--json`, `--as-of`)."""

from __future__ import annotations

import argparse
from typing import Any

from relbot.cli_support import iso_date, print_json, services
from relbot.drafting.models import DraftBase

_DRAFTS = {
    "brief": "account brief: snapshot, health, interactions, commitments, risks, talking points",
    "questions": "feedback questions aimed where evidence is thin or signals are negative",
    "checklist": "expectation checklist: documented, contradicted or missing",
}


def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-llm", action="store_true", help="draft offline (extractive), even with an LLM configured")
    p.add_argument("--json", action="store_true", help="print only the draft as JSON")
    p.add_argument("--as-of", type=iso_date, help="draft as on this day, YYYY-MM-DD (default today)")


def register(sub: Any) -> None:
    for name, help_text in _DRAFTS.items():
        p = sub.add_parser(name, help=help_text)
        p.add_argument("account", help="account name or alias")
        _options(p)
        p.set_defaults(handler=_draft, draft=name)
    ask = sub.add_parser("ask", help="a grounded answer from one account's records")
    ask.add_argument("account", help="account name or alias")
    ask.add_argument("question")
    _options(ask)
    ask.set_defaults(handler=_ask)


def _show(draft: DraftBase, as_json: bool) -> int:
    if as_json:
        print_json(draft.model_dump(mode="json"))
        return 0
    from relbot.render.terminal import render

    render(draft)
    return 0


def _draft(args: argparse.Namespace) -> int:
    drafts = services().drafts
    use_llm = False if args.no_llm else None
    if args.draft == "brief":
        draft: DraftBase = drafts.brief(args.account, as_of=args.as_of, use_llm=use_llm)
    elif args.draft == "questions":
        draft = drafts.questions(args.account, as_of=args.as_of, use_llm=use_llm)
    else:
        draft = drafts.checklist(args.account, as_of=args.as_of, use_llm=use_llm)
    return _show(draft, args.json)


def _ask(args: argparse.Namespace) -> int:
    answer = services().drafts.ask(args.account, args.question, as_of=args.as_of,
                                   use_llm=False if args.no_llm else None)
    return _show(answer, args.json)
