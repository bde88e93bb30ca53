"""`/relbot …`: help and typos are answered in the ack itself; everything else gets an instant receipt and
runs in a worker, which checks access, parses again with the user's account names, and replies privately."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.commands import CommandError, Help, help_text, parse
from relbot.slack.delivery import Destination
from relbot.slack.flows import reporting_errors
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import escape
from relbot.slack.subcommands import receipt, run_subcommand


def ack_relbot(ack: Ack, command: dict[str, Any]) -> None:
    # No storage and no network here: this must answer within Slack's 3 s whatever else is going on.
    try:
        parsed = parse(command.get("text") or "")
    except CommandError as exc:
        ack(response_type="ephemeral", text=escape(str(exc)))
        return
    ack(response_type="ephemeral", text=help_text(parsed.topic) if isinstance(parsed, Help) else receipt(parsed))


def runner(rt: Runtime) -> Callable[..., None]:
    def run_relbot(command: dict[str, Any]) -> None:
        text = command.get("text") or ""
        if _answered_by_ack(text):
            return
        dest = Destination("response_url", str(command["user_id"]), command.get("channel_id"),
                           command.get("response_url"))
        with reporting_errors(rt, dest, "/relbot"):
            rt.access.check_surface(dest.user_id, dest.channel_id)
            run_subcommand(rt, parse(text, rt.access.visible_names(dest.user_id)), dest)

    return run_relbot


def _answered_by_ack(text: str) -> bool:
    try:
        return isinstance(parse(text), Help)
    except CommandError:
        return True
