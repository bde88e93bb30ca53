"""Submitted "Brief me on an account": the brief goes to the user's DM with relbot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.flows import deliver_draft, reporting_errors
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import selected_account


def ack_brief(ack: Ack) -> None:
    ack()


def runner(rt: Runtime) -> Callable[..., None]:
    def brief_submitted(body: dict[str, Any], view: dict[str, Any]) -> None:
        dest = Destination("dm", str(body["user"]["id"]))
        with reporting_errors(rt, dest, "brief shortcut"):
            rt.access.check_user(dest.user_id)
            account = rt.access.resolve(dest.user_id, selected_account(view) or "")
            deliver_draft(rt, DraftRequest("brief", account.name), dest)

    return brief_submitted
