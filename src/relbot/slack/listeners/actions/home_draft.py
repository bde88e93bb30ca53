"""App Home buttons (Brief / Questions / Checklist): the draft arrives in the user's DM with relbot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.delivery import Destination
from relbot.slack.draft_requests import DraftRequest
from relbot.slack.flows import deliver_draft, reporting_errors
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import HOME_ACTION_PREFIX, HOME_KINDS


def ack_home_draft(ack: Ack) -> None:
    ack()


def runner(rt: Runtime) -> Callable[..., None]:
    def draft_from_home(body: dict[str, Any], action: dict[str, Any]) -> None:
        dest = Destination("dm", str(body["user"]["id"]))
        kind = str(action.get("action_id", "")).removeprefix(HOME_ACTION_PREFIX)
        with reporting_errors(rt, dest, "home button"):
            rt.access.check_user(dest.user_id)
            account = rt.access.resolve(dest.user_id, str(action.get("value") or ""))
            for known in HOME_KINDS:  # only the three buttons relbot renders
                if known == kind:
                    deliver_draft(rt, DraftRequest(known, account.name), dest)

    return draft_from_home
