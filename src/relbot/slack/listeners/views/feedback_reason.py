"""Submitted "What was wrong?": the reason joins the thumbs down (relbot.slack.feedback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.feedback import save_reason
from relbot.slack.runtime import Runtime


def ack_reason(ack: Ack) -> None:
    ack()  # closes the modal; storing happens in a worker


def runner(rt: Runtime) -> Callable[..., None]:
    def reason_submitted(body: dict[str, Any], view: dict[str, Any]) -> None:
        save_reason(rt, str(body["user"]["id"]), view)

    return reason_submitted
