"""The slash command."""

from __future__ import annotations

from slack_bolt import App

from relbot.slack.listeners.commands import relbot
from relbot.slack.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    app.command("/relbot")(ack=relbot.ack_relbot, lazy=[relbot.runner(rt)])
