"""Submitted "Save to account history": store the message in the chosen account, confirm privately."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from relbot.errors import RelbotError
from relbot.slack.delivery import Destination
from relbot.slack.flows import reporting_errors
from relbot.slack.modals import unpack_message
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import escape
from relbot.slack.view_layouts import selected_account


def ack_save(ack: Ack) -> None:
    ack()  # closes the modal; saving (embedding, the store) happens in a worker


def runner(rt: Runtime) -> Callable[..., None]:
    def save_submitted(body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        with reporting_errors(rt, Destination("dm", user_id), "save to history"):
            msg = unpack_message(rt, str(view.get("private_metadata") or ""))
            _save(rt, user_id, msg, selected_account(view) or "")

    return save_submitted


def _save(rt: Runtime, user_id: str, msg: dict[str, Any], chosen: str) -> None:
    dest = Destination("ephemeral", user_id, str(msg["c"]))  # answer where the message was
    with reporting_errors(rt, dest, "save to history"):
        rt.access.check_surface(user_id, dest.channel_id)  # again: a submission can be forged or stale
        account = rt.access.resolve(user_id, chosen)
        text = str(msg.get("x") or "")
        if not text.strip():
            raise RelbotError("That message has no text to save (only files or attachments).")
        stored = rt.capture.save_message(account=account.name, channel_id=str(msg["c"]), ts=str(msg["ts"]),
                                         user_id=msg.get("u"), text=text, thread_ts=msg.get("th"))
        done = "Saved to" if stored else "That message is already in"
        rt.delivery.say(dest, f":inbox_tray: {done} *{escape(account.name)}*'s history.")
