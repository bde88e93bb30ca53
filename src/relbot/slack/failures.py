"""Exceptions → what the user reads. Users never see a stack trace or a raw exception; logs at INFO never
carry client text (exception messages can quote it), only the exception type and where it happened."""

from __future__ import annotations

import logging

from relbot.errors import RelbotError, UnknownAccountError
from relbot.slack.sanitize import escape

log = logging.getLogger("relbot.slack")

GENERIC = (
    ":warning: Something went wrong on relbot's side and nothing was posted. "
    "Please try again in a minute; if it keeps happening, tell whoever runs relbot (the details are in its log)."
)


def user_message(exc: BaseException, *, where: str) -> str:
    """Slack mrkdwn for ``exc``: its own words for a RelbotError (escaped: they may quote user input)."""
    if isinstance(exc, UnknownAccountError):
        return unknown_account(exc.name, exc.suggestions)
    if isinstance(exc, RelbotError):
        log.info("%s refused: %s", where, type(exc).__name__)
        return escape(str(exc))
    log.info("%s failed: %s", where, type(exc).__name__)
    log.debug("%s failure detail", where, exc_info=exc)  # tracebacks may quote client text: DEBUG only
    return GENERIC


def unknown_account(name: str, suggestions: list[str]) -> str:
    shown = escape(name if len(name) <= 60 else name[:60] + "…")
    if suggestions:
        return f"I don't know an account called *{shown}*. Did you mean: {', '.join(map(escape, suggestions))}?"
    return f"I don't know an account called *{shown}*, and none of the accounts you can see is close."
