"""Messages in a linked channel become that account's history; edits replace, deletions remove.

Duplicates are dropped twice over: by event id (Slack retries) and by channel + ts (``MessageIndex``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from relbot.slack.capture import is_new_message
from relbot.slack.runtime import Runtime

log = logging.getLogger(__name__)

def runner(rt: Runtime) -> Callable[..., None]:
    def capture_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        channel_id = str(event.get("channel") or "")
        account = rt.access.account_for_channel(channel_id)
        if account is None or not rt.first_delivery(body):
            return
        try:
            _apply(rt, account.name, channel_id, event)
        except Exception as exc:  # nobody to tell: log the type only (the text is client data)
            log.info("history capture failed: %s", type(exc).__name__)

    return capture_message


def _apply(rt: Runtime, account: str, channel_id: str, event: dict[str, Any]) -> None:
    subtype = event.get("subtype")
    if is_new_message(event):
        rt.capture.save_message(account=account, channel_id=channel_id, ts=str(event["ts"]),
                                user_id=event.get("user"), text=str(event.get("text") or ""),
                                thread_ts=event.get("thread_ts"))
    elif subtype == "message_changed" and (edited := event.get("message") or {}).get("ts"):
        rt.capture.replace_message(channel_id=channel_id, ts=str(edited["ts"]), user_id=edited.get("user"),
                                   text=str(edited.get("text") or ""), thread_ts=edited.get("thread_ts"))
    elif subtype == "message_deleted" and event.get("deleted_ts"):
        rt.capture.delete_message(channel_id=channel_id, ts=str(event["deleted_ts"]))
