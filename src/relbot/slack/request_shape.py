"""Is a signed body one that bolt and relbot's listeners can read? Checked before bolt parses it.

Bolt parses a body with ``json.loads`` (or a form's ``payload`` field with it) and then indexes into the
result, so a non-UTF-8 body, a ``payload`` that is not JSON, JSON of the wrong shape or nesting deep enough
to exhaust the recursion limit each became an HTTP 500. Here the body is parsed exactly as bolt will parse
it (``slack_bolt.request.internals.parse_body``) and checked against the shapes Slack sends for the request
kinds relbot handles; anything else is a ``MalformedRequest`` (HTTP 400). Kinds relbot has no listener for
pass with their envelope checked only: bolt answers those itself (404, unhandled).

The reasons are fixed phrases naming a field, never quoting the body: they are logged and returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

MAX_DEPTH = 32  # Slack's deepest payloads (rich-text blocks inside a message inside an event) nest ~12
_NAME = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")  # a request or event type fit for a log line

Types = type | tuple[type, ...]


class MalformedRequest(ValueError):
    """A signed request whose body is not what Slack sends; ``reason`` is short and quotes nothing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnreadableCommand(MalformedRequest):
    """A genuine slash command that bolt would read as an empty body: the word "payload" appears somewhere in
    the form (the command's text, a channel or user name), and bolt then looks only for a ``payload`` field."""


@dataclass(frozen=True)
class Shape:
    required: Mapping[str, Types] = field(default_factory=dict)
    optional: Mapping[str, Types] = field(default_factory=dict)  # absent or null is fine, else this type
    nested: Mapping[str, Shape] = field(default_factory=dict)  # dict fields checked further when present


ID = Shape(required={"id": str})
VIEW = Shape(required={"id": str, "callback_id": str},
             optional={"private_metadata": str, "type": str, "state": dict, "hash": str})
INTERACTION = {"team": dict, "user": dict, "channel": dict, "container": dict, "message": dict, "view": dict,
               "response_url": str, "trigger_id": str, "enterprise": dict, "api_app_id": str}
INTERACTIONS: dict[str, Shape] = {
    "block_actions": Shape(required={"user": dict, "actions": list}, optional=INTERACTION,
                           nested={"user": ID, "channel": ID, "view": Shape(required={"id": str})}),
    "block_suggestion": Shape(required={"user": dict, "action_id": str}, optional={**INTERACTION, "value": str},
                              nested={"user": ID}),
    "view_submission": Shape(required={"user": dict, "view": dict}, optional=INTERACTION,
                             nested={"user": ID, "view": VIEW}),
    "view_closed": Shape(required={"user": dict, "view": dict}, optional=INTERACTION,
                         nested={"user": ID, "view": VIEW}),
    "shortcut": Shape(required={"user": dict, "callback_id": str, "trigger_id": str}, optional=INTERACTION,
                      nested={"user": ID}),
    "message_action": Shape(required={"user": dict, "callback_id": str, "trigger_id": str, "message": dict,
                                      "channel": dict}, optional=INTERACTION, nested={"user": ID, "channel": ID}),
}
ACTION = Shape(required={"action_id": str}, optional={"block_id": str, "value": str, "type": str})
ENVELOPE = Shape(required={"type": str}, optional={
    "team_id": str, "api_app_id": str, "event_id": str, "event_time": int, "authorizations": list,
    "enterprise_id": str, "is_ext_shared_channel": bool, "token": str,
})
MESSAGE = {"user": str, "channel": str, "text": str, "ts": str, "thread_ts": str, "subtype": str,
           "channel_type": str, "bot_id": str, "message": dict, "previous_message": dict, "deleted_ts": str,
           "event_ts": str, "hidden": bool, "blocks": list, "files": list, "attachments": list}
THREAD = Shape(required={"user_id": str, "channel_id": str, "thread_ts": str}, optional={"context": dict})
EVENTS: dict[str, Shape] = {
    "message": Shape(required={"type": str}, optional=MESSAGE),
    "app_mention": Shape(required={"type": str, "user": str, "channel": str, "ts": str}, optional=MESSAGE),
    "app_home_opened": Shape(required={"type": str, "user": str}, optional={"channel": str, "tab": str,
                                                                            "view": dict, "event_ts": str}),
    "assistant_thread_started": Shape(required={"type": str, "assistant_thread": dict},
                                      nested={"assistant_thread": THREAD}),
    "assistant_thread_context_changed": Shape(required={"type": str, "assistant_thread": dict},
                                              nested={"assistant_thread": THREAD}),
}
ANY_EVENT = Shape(required={"type": str})
COMMAND_FIELDS = ("command", "user_id")


def check_body(raw: bytes, content_type: str | None) -> str:
    """The request's kind ("command", "block_actions", "event:app_mention", …) if bolt can read ``raw``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("body is not UTF-8") from None
    if not text:
        raise MalformedRequest("empty body")
    media = content_type.split(";")[0] if content_type else None  # bolt's own reading of the header
    if media == "application/json" or text.startswith("{"):
        return _check_json(_load(text, "body"))
    if "payload" in text:  # bolt's rule: such a form is an interaction whose JSON is in the payload field
        form = dict(parse_qsl(text, keep_blank_values=True))
        payload = form.get("payload")
        if payload is None and form.get("command"):
            raise UnreadableCommand("a command mentioning 'payload' cannot be read")
        if payload is None:
            raise MalformedRequest("form has no payload field")
        return _check_interaction(_load(payload, "payload"))
    form = dict(parse_qsl(text, keep_blank_values=True))
    if form.get("ssl_check"):
        return "ssl_check"
    for name in COMMAND_FIELDS:
        if not form.get(name):
            raise MalformedRequest(f"form has no {name} field")
    return "command"


def _load(text: str, where: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except RecursionError:  # json's C parser recurses once per level
        raise MalformedRequest(f"{where} is nested too deeply") from None
    except ValueError:
        raise MalformedRequest(f"{where} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedRequest(f"{where} is not a JSON object")
    if _depth(value) > MAX_DEPTH:
        raise MalformedRequest(f"{where} is nested too deeply")
    return value


def _check_json(body: dict[str, Any]) -> str:
    _check(body, ENVELOPE, "body")
    kind = body["type"]
    if kind == "url_verification":
        _check(body, Shape(required={"challenge": str}), "body")
    elif kind == "event_callback":
        _check(body, Shape(required={"event": dict}), "body")
        if not all(isinstance(a, dict) for a in body.get("authorizations") or []):
            raise MalformedRequest("body.authorizations has the wrong type")
        event_type = body["event"].get("type")
        _check(body["event"], EVENTS.get(event_type, ANY_EVENT) if isinstance(event_type, str) else ANY_EVENT,
               "event")
        return f"event:{_loggable(event_type)}"
    return _loggable(kind)


def _check_interaction(payload: dict[str, Any]) -> str:
    _check(payload, Shape(required={"type": str}), "payload")
    kind = payload["type"]
    shape = INTERACTIONS.get(kind)
    if shape is not None:
        _check(payload, shape, "payload")
    if kind == "block_actions":
        if not payload["actions"]:
            raise MalformedRequest("payload.actions is empty")
        for action in payload["actions"]:
            if not isinstance(action, dict):
                raise MalformedRequest("payload.actions has the wrong type")
            _check(action, ACTION, "action")
    return _loggable(kind)


def _check(obj: dict[str, Any], shape: Shape, where: str) -> None:
    for name, types in shape.required.items():
        if name not in obj or obj[name] is None:
            raise MalformedRequest(f"{where}.{name} is missing")
        if not isinstance(obj[name], types):
            raise MalformedRequest(f"{where}.{name} has the wrong type")
    for name, types in shape.optional.items():
        if obj.get(name) is not None and not isinstance(obj[name], types):
            raise MalformedRequest(f"{where}.{name} has the wrong type")
    for name, inner in shape.nested.items():
        if isinstance(obj.get(name), dict):
            _check(obj[name], inner, f"{where}.{name}")


def _depth(value: Any) -> int:
    """Nesting depth of dicts and lists, without recursion (the input decides how deep it goes)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _loggable(kind: object) -> str:
    return kind if isinstance(kind, str) and _NAME.match(kind) else "other"
