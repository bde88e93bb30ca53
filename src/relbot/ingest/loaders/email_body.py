"""What a person actually wrote in an email: quoted history and signatures removed."""

from __future__ import annotations

import re

from .text import normalize_ws

# Lines that start the quoted history of a reply; everything from them on is older mail.
_HISTORY_STARTS = (
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook
    re.compile(r"^\s*On\b.*\bwrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^\s*Am\b.*\bschrieb\b.*:\s*$"),  # German clients
    re.compile(r"^\s*Le\b.*\ba écrit\s*:\s*$"),  # French clients
)
_WRAPPED_ATTRIBUTION = (re.compile(r"^\s*On\s\S", re.IGNORECASE), re.compile(r"\bwrote:\s*$", re.IGNORECASE))
_OUTLOOK_FROM = re.compile(r"^\s*\**From:\**\s+\S")
_OUTLOOK_SENT = re.compile(r"^\s*\**Sent:\**\s+\S")
_OUTLOOK_RULE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE_DASHES = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(Sent from my \w.*|Sent from (Outlook|Mail|Yahoo Mail|Gmail)\b.*|Get Outlook for \w.*|Sent via \w.*"
    r"|Sent with \w.*|Von meinem \w.* gesendet)\s*$",
    re.IGNORECASE,
)
_MBOX_ESCAPED_FROM = re.compile(r"^>(>*From )", re.MULTILINE)


def unescape_mbox_from(body: str) -> str:
    """mbox writers escape body lines starting with ``From `` as ``>From ``; they are not quotes."""
    return _MBOX_ESCAPED_FROM.sub(r"\1", body)


def clean_body(body: str, *, forwarded: bool = False) -> str:
    """Strip quoted replies and signatures; a forward keeps its forwarded content, which is news here."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    if forwarded:
        kept = [_unquote(line) for line in lines]
    else:
        kept = [line for line in lines[: _history_start(lines)] if not line.lstrip().startswith(">")]
        kept = kept[: _signature_start(kept)]
    return normalize_ws("\n".join(_drop_mobile_footer(kept)))


def _history_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if any(pattern.match(line) for pattern in _HISTORY_STARTS):
            return i
        if _is_wrapped_attribution(lines, i) or _is_outlook_header(lines, i):
            return i
        if _OUTLOOK_RULE.match(line) and any(_OUTLOOK_FROM.match(nxt) for nxt in lines[i + 1 : i + 3]):
            return i
    return len(lines)


def _is_wrapped_attribution(lines: list[str], i: int) -> bool:
    """Gmail wraps long "On <date>, <name> <address> wrote:" lines in two."""
    starts, ends = _WRAPPED_ATTRIBUTION
    return bool(starts.match(lines[i])) and i + 1 < len(lines) and bool(ends.search(lines[i + 1]))


def _is_outlook_header(lines: list[str], i: int) -> bool:
    return bool(_OUTLOOK_FROM.match(lines[i])) and any(_OUTLOOK_SENT.match(nxt) for nxt in lines[i + 1 : i + 4])


def _signature_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _SIGNATURE_DASHES.match(line):
            return i
    return len(lines)


def _drop_mobile_footer(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or _MOBILE_FOOTER.match(lines[end - 1])):
        end -= 1
    return lines[:end]


def _unquote(line: str) -> str:
    stripped = line.lstrip()
    while stripped.startswith(">"):
        stripped = stripped[1:].lstrip()
    return stripped
