"""The two-step modal: open a placeholder on the ack path, fill it in from a worker.

A ``trigger_id`` is good for 3 seconds, and a worker may be queued behind slow drafts, so the ack path
opens a "checking…" modal at once (one Web API call, with the no-retry client) and the worker replaces it
by ``external_id`` once access is checked. The message being saved travels in ``private_metadata`` when
it fits, else in the state database for a quarter of an hour: either way any replica can take the submission.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.views import View

from relbot.errors import RelbotError
from relbot.slack.runtime import Runtime
from relbot.slack.view_layouts import loading

log = logging.getLogger(__name__)
METADATA_LIMIT = 3_000
GONE = "That message could not be carried through the dialog (it is very long). Open *Save to account history* again."


def external_id(body: dict[str, Any]) -> str:
    return f"relbot-{body.get('trigger_id', '')}"[:255]


def open_placeholder(rt: Runtime, body: dict[str, Any], title: str) -> None:
    try:
        rt.ack_client.views_open(trigger_id=body["trigger_id"], view=loading(title, external_id(body)))
    except (SlackApiError, SlackClientError, OSError, KeyError) as exc:
        log.info("views.open failed: %s", type(exc).__name__)


def fill(rt: Runtime, body: dict[str, Any], view: View) -> None:
    try:
        rt.client.views_update(external_id=external_id(body), view=view)
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.info("views.update failed: %s", type(exc).__name__)


def pack_message(rt: Runtime, body: dict[str, Any]) -> str:
    """private_metadata for the message a shortcut was used on."""
    message = body.get("message") or {}
    data = {
        "c": (body.get("channel") or {}).get("id"), "ts": message.get("ts"), "u": message.get("user"),
        "th": message.get("thread_ts"), "x": message.get("text") or "",
    }
    packed = json.dumps(data, separators=(",", ":"))
    if len(packed) <= METADATA_LIMIT:
        return packed
    token = secrets.token_urlsafe(12)
    rt.pending.put(token, json.dumps(data))
    return json.dumps({**data, "x": None, "p": token}, separators=(",", ":"))


def unpack_message(rt: Runtime, metadata: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(metadata)
    except ValueError:
        raise RelbotError(GONE) from None
    if data.get("p"):
        cached = rt.pending.get(str(data["p"]))
        if cached is None:
            raise RelbotError(GONE)
        data = json.loads(cached)
    if not data.get("c") or not data.get("ts"):
        raise RelbotError(GONE)
    return data
