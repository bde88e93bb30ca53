"""`relbot knowledge check`: read the playbook (the bundled one, or RELBOT_KNOWLEDGE_DIR's copy being edited) the
way the drafts do and say what is wrong with it, before a brief meets it."""

from __future__ import annotations

import argparse
from typing import Any

from relbot.cli_support import print_json, services


def register(sub: Any) -> None:
    p = sub.add_parser("knowledge", help="the agency playbook")
    p.add_argument("action", choices=["check"], help="check: read every playbook file and report problems")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from relbot.errors import ConfigError
    from relbot.knowledge import load_cadence, load_checklist, load_sections

    folder = services().knowledge_dir
    problems: list[str] = []
    sections: list[Any] = []
    try:
        sections = load_sections(folder)
    except ConfigError as exc:  # a file that cannot be read: say which, and check the rest
        problems.append(f"sections: {exc}")
    ids = {s.id for s in sections}
    items: tuple[Any, ...] = ()
    try:
        items = load_checklist(folder)
    except (ConfigError, ValidationError) as exc:
        problems.append(f"checklist: {str(exc).splitlines()[0]}")
    # An item names its section in expectation-setting.md, where the checklist lives.
    for item in items if sections else ():
        if f"expectation-setting#{item.section}" not in ids:
            problems.append(f"checklist item '{item.id}' cites section '{item.section}', which "
                            "expectation-setting.md has no '## heading' for")
    try:
        load_cadence(folder)
    except (ConfigError, ValidationError, KeyError) as exc:
        problems.append(f"tier cadences: {str(exc).splitlines()[0]}")
    if args.json:
        print_json({"folder": str(folder), "sections": len(sections), "checklist_items": len(items),
                    "problems": problems})
    else:
        print(f"{folder}: {len(sections)} sections, {len(items)} checklist items.")
        for problem in problems:
            print(f"  problem: {problem}")
        if not problems:
            print("No problems found.")
    return 1 if problems else 0
