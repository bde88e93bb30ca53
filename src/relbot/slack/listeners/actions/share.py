""""Share to channel": post the draft the user reviewed privately, publicly, where the rules allow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.delivery import Destination
from relbot.slack.flows import reporting_errors, share
from relbot.slack.runtime import Runtime


def ack_share(ack: Ack) -> None:
    ack()


def runner(rt: Runtime) -> Callable[..., None]:
    def share_draft(body: dict[str, Any], action: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        dest = Destination("response_url", user_id, channel_id, body.get("response_url"))
        with reporting_errors(rt, dest, "share"):
            share(rt, value=str(action.get("value") or ""), user_id=user_id, channel_id=str(channel_id or ""))

    return share_draft
