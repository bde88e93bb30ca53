"""Shortcuts: "Save to account history" (on a message) and "Brief me on an account" (global)."""

from __future__ import annotations

from slack_bolt import App

from relbot.slack.listeners.shortcuts import brief_me, save_message
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import BRIEF_CALLBACK, SAVE_CALLBACK


def register(app: App, rt: Runtime) -> None:
    app.shortcut(SAVE_CALLBACK)(ack=save_message.opener(rt), lazy=[save_message.runner(rt)])
    app.shortcut(BRIEF_CALLBACK)(ack=brief_me.opener(rt), lazy=[brief_me.runner(rt)])
