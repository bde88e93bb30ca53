"""Events API: App Home (its Home and Messages tabs), mentions, questions typed in relbot's DM, and messages in
linked channels (history capture). The first listener whose matchers pass takes the event."""

from __future__ import annotations

from slack_bolt import App

from relbot.slack.listeners.events import (
    app_home_opened,
    app_mention,
    channel_message,
    dm_message,
    messages_tab_opened,
)
from relbot.slack.runtime import Runtime


def noop_ack(ack: object) -> None:
    """Events are acknowledged automatically; the work happens in the lazy function."""


def register(app: App, rt: Runtime) -> None:
    app.event("app_home_opened", matchers=[messages_tab_opened.is_messages_tab])(
        ack=noop_ack, lazy=[messages_tab_opened.runner(rt)])
    app.event("app_home_opened")(ack=noop_ack, lazy=[app_home_opened.runner(rt)])
    app.event("app_mention")(ack=noop_ack, lazy=[app_mention.runner(rt)])
    app.event("message", matchers=[dm_message.is_question])(ack=noop_ack, lazy=[dm_message.runner(rt)])
    # Every other message event lands here (bolt would otherwise log unhandled ones with their text).
    app.event("message")(ack=noop_ack, lazy=[channel_message.runner(rt)])
