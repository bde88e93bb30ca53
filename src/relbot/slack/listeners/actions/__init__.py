"""Buttons: "Share to channel" on private drafts, the App Home draft buttons, the feedback thumbs."""

from __future__ import annotations

import re

from slack_bolt import App

from relbot.slack.feedback_ref import FEEDBACK_ACTION
from relbot.slack.listeners.actions import feedback, home_draft, share
from relbot.slack.runtime import Runtime
from relbot.slack.shares import SHARE_ACTION
from relbot.slack.view_layouts import HOME_ACTION_PREFIX


def register(app: App, rt: Runtime) -> None:
    app.action(SHARE_ACTION)(ack=share.ack_share, lazy=[share.runner(rt)])
    app.action(re.compile(f"^{HOME_ACTION_PREFIX}"))(ack=home_draft.ack_home_draft, lazy=[home_draft.runner(rt)])
    app.action(FEEDBACK_ACTION)(ack=feedback.opener(rt), lazy=[feedback.runner(rt)])
