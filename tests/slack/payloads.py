"""Slack payloads as Slack sends them (events, shortcuts, view submissions), for the scenario tests."""

from __future__ import annotations

import itertools
import json
from typing import Any

from relbot.slack.view_layouts import ACCOUNT_ACTION, ACCOUNT_BLOCK, BRIEF_CALLBACK, SAVE_CALLBACK
from tests.support.fake_slack import BOT_USER_ID, Call

_ts = itertools.count(100)


def next_ts() -> str:
    return f"1790000{next(_ts):03d}.000100"


def share_value(post: Call) -> str:
    for block in post.args.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == "relbot_share":
                return str(element["value"])
    raise AssertionError("no Share button in that message")


def message(channel: str, user: str, text: str, ts: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
            "channel_type": "channel", **extra}


def edited(channel: str, user: str, text: str, ts: str) -> dict[str, Any]:
    return {"type": "message", "subtype": "message_changed", "channel": channel, "ts": next_ts(),
            "channel_type": "channel", "hidden": True,
            "message": {"type": "message", "user": user, "text": text, "ts": ts, "edited": {"user": user}},
            "previous_message": {"type": "message", "user": user, "text": "(old)", "ts": ts}}


def deleted(channel: str, ts: str) -> dict[str, Any]:
    return {"type": "message", "subtype": "message_deleted", "channel": channel, "ts": next_ts(),
            "deleted_ts": ts, "channel_type": "channel", "hidden": True,
            "previous_message": {"type": "message", "text": "(gone)", "ts": ts}}


def mention(channel: str, user: str, text: str) -> dict[str, Any]:
    ts = next_ts()
    return {"type": "app_mention", "channel": channel, "user": user, "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts, "event_ts": ts}


def home_opened(user: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": next_ts()}


def messages_tab_opened(user: str, dm: str) -> dict[str, Any]:
    """The agent view: the user opened the app's Messages tab (their DM with relbot)."""
    return {"type": "app_home_opened", "user": user, "channel": dm, "tab": "messages", "event_ts": next_ts()}


def dm_message(user: str, dm: str, text: str) -> dict[str, Any]:
    """A top-level message typed in relbot's DM (the agent view's composer)."""
    ts = next_ts()
    return {"type": "message", "channel": dm, "channel_type": "im", "user": user, "text": text, "ts": ts,
            "event_ts": ts}


def thread_started(user: str, dm: str, thread_ts: str, viewing: str | None = None) -> dict[str, Any]:
    context = {"channel_id": viewing, "team_id": "T0DEMO"} if viewing else {}
    return {"type": "assistant_thread_started", "event_ts": next_ts(), "assistant_thread": {
        "user_id": user, "channel_id": dm, "thread_ts": thread_ts, "context": context}}


def thread_message(user: str, dm: str, thread_ts: str, text: str) -> dict[str, Any]:
    return {"type": "message", "channel": dm, "channel_type": "im", "user": user, "text": text, "ts": next_ts(),
            "thread_ts": thread_ts}


def message_shortcut(user: str, channel: str, author: str, text: str, ts: str) -> dict[str, Any]:
    return {"type": "message_action", "callback_id": SAVE_CALLBACK, "trigger_id": f"{next_ts()}.trig",
            "team": {"id": "T0DEMO"}, "user": {"id": user}, "channel": {"id": channel, "name": "channel"},
            "message": {"type": "message", "user": author, "text": text, "ts": ts},
            "response_url": "http://127.0.0.1:9/unused"}


def global_shortcut(user: str) -> dict[str, Any]:
    return {"type": "shortcut", "callback_id": BRIEF_CALLBACK, "trigger_id": f"{next_ts()}.trig",
            "team": {"id": "T0DEMO"}, "user": {"id": user}}


def submission(user: str, callback_id: str, account: str, metadata: str = "") -> dict[str, Any]:
    selected = {"type": "static_select", "selected_option": {"value": account, "text": {"type": "plain_text",
                                                                                         "text": account}}}
    return {"type": "view_submission", "team": {"id": "T0DEMO"}, "user": {"id": user},
            "trigger_id": f"{next_ts()}.trig", "view": {
        "id": "V0MODAL", "type": "modal", "callback_id": callback_id, "private_metadata": metadata,
        "state": {"values": {ACCOUNT_BLOCK: {ACCOUNT_ACTION: selected}}}}}


def options(view_call: Call) -> list[str]:
    """The account names a modal offered."""
    view = view_call.args["view"]
    if isinstance(view, str):
        view = json.loads(view)
    for block in view.get("blocks", []):
        if block.get("block_id") == ACCOUNT_BLOCK:
            return [o["value"] for o in block["element"]["options"]]
    return []


def feedback_value(post: Call, rating: str) -> str:
    """The value of a draft's thumbs up (or down), as the feedback_buttons element carries it."""
    for block in post.args.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == "relbot_feedback":
                return str(element["positive_button" if rating == "up" else "negative_button"]["value"])
    raise AssertionError("no feedback buttons in that message")


def feedback_click(user: str, value: str, *, channel: str, message_ts: str, response_url: str,
                   action_ts: str = "1790000100.000100") -> dict[str, Any]:
    """A press of a feedback button under an ephemeral message, as block_actions delivers it."""
    return {"type": "block_actions", "team": {"id": "T0DEMO"}, "user": {"id": user}, "api_app_id": "A0RELBOT",
            "trigger_id": f"{next_ts()}.trig", "channel": {"id": channel}, "response_url": response_url,
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": True},
            "actions": [{"type": "feedback_buttons", "action_id": "relbot_feedback", "block_id": "fb", "value": value,
                         "text": {"type": "plain_text", "text": "Good answer"}, "action_ts": action_ts}]}


def reason_submission(user: str, view: dict[str, Any], text: str) -> dict[str, Any]:
    """The "What was wrong?" modal submitted with ``text``."""
    return {"type": "view_submission", "team": {"id": "T0DEMO"}, "user": {"id": user},
            "trigger_id": f"{next_ts()}.trig", "view": {
        "id": "V0REASON", "type": "modal", "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "state": {"values": {"reason": {"reason_text": {"type": "plain_text_input", "value": text}}}}}}
