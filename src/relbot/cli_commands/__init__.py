"""One module per command group, each with ``register(subparsers)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relbot.cli_commands import (
    accounts,
    calendar,
    db,
    demo,
    digest,
    drafts,
    eval,
    feedback,
    ingest,
    knowledge,
    search,
    serve,
    sources,
)

COMMANDS: list[Callable[[Any], None]] = [
    demo.register,
    ingest.register,
    search.register,
    drafts.register,
    digest.register,
    calendar.register,
    sources.register,
    feedback.register,
    accounts.register,
    knowledge.register,
    eval.register,
    serve.register,
    db.register,
]
