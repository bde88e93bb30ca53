"""Neutralise Slack control sequences in text that came from a source file, a user or a model.

Slack parses ``<…>`` in message text: ``<!channel>``, ``<!here>``, ``<@U…>``, ``<#C…>``, ``<!subteam^…>`` and
links. Escaping ``&``, ``<`` and ``>`` (Slack's own three entities) turns every one of them into plain text.
Bare ``@here``-style words only ping with ``link_names``, which relbot never sets; a zero-width joiner makes
them inert anyway, in case a copy of the text is pasted somewhere that does.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Plain text safe to place inside mrkdwn: no pings, no links, no entities that Slack would expand."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)


_MARKDOWN = re.compile(r"([\\`*_\[\]~|])")
_LINE_START = re.compile(r"^(\s*(?:\d+)?)([#+.)-])", re.MULTILINE)  # a heading, a list item ("- ", "1. ")


def escape_markdown(text: str) -> str:
    """Plain text safe inside the standard markdown of a streamed message (``markdown_text``): Slack's three
    entities and broadcast words as in ``escape``, and markdown's own syntax (emphasis, code, links, tables,
    headings, quotes, lists) backslash-escaped, so a record cannot format, link or structure the message."""
    text = _MARKDOWN.sub(r"\\\1", escape(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def link(url: str, label: str) -> str:
    """``<url|label>`` for a plain http(s) URL; anything else becomes the escaped label alone.

    The URL comes from a record's source: only well-formed web addresses may become links, and the
    characters that would end or split Slack's link syntax are refused rather than escaped.
    """
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or re.search(r"[\s<>|]", url):
        return escape(label)
    return f"<{url}|{escape(label)}>"


def is_slack_permalink(url: str) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    return parsed.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis; never splits an entity."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # a half entity ("&am") would render as garbage
    return cut.rstrip() + "…"
