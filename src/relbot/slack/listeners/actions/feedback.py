"""Feedback buttons (thumbs up/down) under a draft: ack at once, a thumbs down's modal opens on the ack path;
the rating is checked and stored in the worker (relbot.slack.feedback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.feedback import handle_click, open_placeholder, wants_reason
from relbot.slack.runtime import Runtime


def opener(rt: Runtime) -> Callable[..., None]:
    def ack_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        if wants_reason(action):
            open_placeholder(rt, body)

    return ack_feedback


def runner(rt: Runtime) -> Callable[..., None]:
    def store_feedback(body: dict[str, Any], action: dict[str, Any]) -> None:
        handle_click(rt, body, action)

    return store_feedback
