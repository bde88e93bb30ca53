"""Every listener, registered group by group. Each group's ``register(app, rt)`` wires its handlers.

Pattern everywhere: a tiny ack function (runs on the request thread before the HTTP response) and a lazy
function (runs in the worker pool) that does the work. Handlers stay short; the logic lives in
``relbot.slack`` modules.
"""

from __future__ import annotations

from slack_bolt import App

from relbot.slack.listeners import actions, assistant, commands, events, shortcuts, views
from relbot.slack.runtime import Runtime


def register_listeners(app: App, rt: Runtime) -> None:
    # The assistant middleware goes first: it claims message events in assistant threads before the
    # generic message listener (linked channels) sees them.
    for group in (assistant, commands, actions, shortcuts, views, events):
        group.register(app, rt)
