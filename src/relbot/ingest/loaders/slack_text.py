"""Slack message markup to readable text: ``<@U123>`` -> ``@Dana Smith``, ``<#C1|general>`` -> ``#general``."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

_TOKEN = re.compile(r"<([^<>]+)>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def render(text: str, *, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """Resolve Slack's angle-bracket tokens, then undo its ``&amp; &lt; &gt;`` escaping."""

    def replace(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (users.get(user_id) or label or user_id)
        if target.startswith("#"):
            channel_id = target[1:]
            return "#" + (channels.get(channel_id) or label or channel_id)
        if target.startswith("!"):
            command = target[1:].split("^", 1)[0]
            return _SPECIAL.get(command) or label or f"@{command}"
        # A link: the visible label is what the author wrote; a bare URL stays as written.
        return label or target.removeprefix("mailto:")

    return html.unescape(_TOKEN.sub(replace, text)).strip()
