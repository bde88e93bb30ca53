"""Message shortcut "Save to account history": a modal to pick the account (only ones the user may see)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.slack.failures import user_message
from relbot.slack.modals import external_id, fill, open_placeholder, pack_message
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import SAVE_CALLBACK, account_picker, notice

TITLE = "Save to account history"


def opener(rt: Runtime) -> Callable[..., None]:
    def open_save_modal(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_placeholder(rt, body, TITLE)

    return open_save_modal


def runner(rt: Runtime) -> Callable[..., None]:
    def fill_save_modal(body: dict[str, Any]) -> None:
        user_id, ext = str(body["user"]["id"]), external_id(body)
        try:
            rt.access.check_surface(user_id, (body.get("channel") or {}).get("id") or "")
            view = account_picker(
                callback_id=SAVE_CALLBACK, title=TITLE, submit="Save", external_id=ext,
                accounts=rt.access.visible_accounts(user_id), metadata=pack_message(rt, body),
                intro="The message, its author, date and link become part of the account's history.",
            )
        except Exception as exc:  # a refusal or a failure still replaces the placeholder
            view = notice(TITLE, ext, user_message(exc, where="save shortcut"))
        fill(rt, body, view)

    return fill_save_modal
