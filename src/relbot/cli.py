"""Command line: parse, call one core function, render. Errors become clean messages here, at the edge."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from relbot.errors import RelbotError

log = logging.getLogger("relbot")
Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    from relbot.cli_commands import COMMANDS

    parser = argparse.ArgumentParser(prog="relbot", description="Relationship briefings for account teams.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler: Handler = args.handler
    try:
        return handler(args)
    except RelbotError as exc:
        print(f"relbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("relbot: interrupted; everything stored so far is kept.", file=sys.stderr)
        return 130
