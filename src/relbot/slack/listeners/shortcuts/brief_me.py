"""Global shortcut "Brief me on an account": pick an account; the brief arrives in the user's DM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.failures import user_message
from relbot.slack.modals import external_id, fill, open_placeholder
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import BRIEF_CALLBACK, account_picker, notice

TITLE = "Brief me on an account"


def opener(rt: Runtime) -> Callable[..., None]:
    def open_brief_modal(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_placeholder(rt, body, TITLE)

    return open_brief_modal


def runner(rt: Runtime) -> Callable[..., None]:
    def fill_brief_modal(body: dict[str, Any]) -> None:
        user_id, ext = str(body["user"]["id"]), external_id(body)
        try:
            rt.access.check_user(user_id)
            view = account_picker(
                callback_id=BRIEF_CALLBACK, title=TITLE, submit="Brief me", external_id=ext,
                accounts=rt.access.visible_accounts(user_id),
                intro="The brief arrives in your Messages tab with relbot, visible only to you.",
            )
        except Exception as exc:
            view = notice(TITLE, ext, user_message(exc, where="brief shortcut"))
        fill(rt, body, view)

    return fill_brief_modal
