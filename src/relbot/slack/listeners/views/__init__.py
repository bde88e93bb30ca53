"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from relbot.slack.feedback import REASON_CALLBACK
from relbot.slack.listeners.views import brief_me, feedback_reason, save_message
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import BRIEF_CALLBACK, SAVE_CALLBACK


def register(app: App, rt: Runtime) -> None:
    app.view(SAVE_CALLBACK)(ack=save_message.ack_save, lazy=[save_message.runner(rt)])
    app.view(BRIEF_CALLBACK)(ack=brief_me.ack_brief, lazy=[brief_me.runner(rt)])
    app.view(REASON_CALLBACK)(ack=feedback_reason.ack_reason, lazy=[feedback_reason.runner(rt)])
