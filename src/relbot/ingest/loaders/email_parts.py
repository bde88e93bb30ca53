"""The readable parts of a MIME message: every inline text part in order, and the names of what was attached.

A multipart/mixed message can carry the body plus further inline text parts (a pasted log, a second
note); all of them are text the sender wrote. In multipart/alternative the parts are one text in two
forms, so exactly one is taken: plain text, or the HTML converted when plain is missing or empty.
"""

from __future__ import annotations

import re
from email.errors import MessageError
from email.message import Message

from .htmltext import html_to_text

# The stdlib header parser raises these on malformed headers instead of recording a defect.
_HEADER_ERRORS = (MessageError, ValueError, IndexError, TypeError, AttributeError, LookupError)
_OMITTED_SPLIT = re.compile(r"\s*;\s*")
# Exports that keep only the message text name the dropped attachments in this header (enron-dev does).
OMITTED_HEADER = "X-Attachments-Omitted"


def text_parts(part: Message) -> list[str]:
    """The message's text, one string per inline text part, in the order the parts appear."""
    try:
        if _is_attachment(part):
            return []  # a file the sender attached (an attached e-mail too) is not what they wrote
        if part.is_multipart():
            children = [child for child in part.get_payload() if isinstance(child, Message)]
            if part.get_content_subtype() == "alternative":
                return _best_alternative(children)
            return [text for child in children for text in text_parts(child)]
        return _leaf_text(part)
    except _HEADER_ERRORS:
        return []


def attachment_names(message: Message) -> list[str]:
    """File names of attached (not inline-text) parts, then any names an export lists as omitted."""
    names = [name for part in _leaves(message) if (name := _attached_name(part))]
    names += _omitted_names(message)
    return list(dict.fromkeys(names))


def attachment_note(message: Message) -> str:
    """A record of an attachment-only message ("(Attachment only: a.pdf, b.doc)"); "" when nothing was attached."""
    names = attachment_names(message)
    return f"(Attachment only: {', '.join(names)})" if names else ""


def _best_alternative(children: list[Message]) -> list[str]:
    """Plain text when a plain alternative has any, else the first alternative that yields text."""
    plain = [child for child in children if child.get_content_type() == "text/plain"]
    for group in (plain, children):
        for child in group:
            texts = [text for text in text_parts(child) if text.strip()]
            if texts:
                return texts
    return []


def _leaf_text(part: Message) -> list[str]:
    if part.get_content_maintype() != "text":
        return []
    subtype = part.get_content_subtype()
    if subtype not in ("plain", "html"):
        return []
    content = decoded(part)
    return [html_to_text(content) if subtype == "html" else content]


def _is_attachment(part: Message) -> bool:
    """Sent as a file: Content-Disposition says attachment (a text/plain part marked inline stays text)."""
    return part.get_content_disposition() == "attachment"


def _leaves(part: Message) -> list[Message]:
    try:
        if part.is_multipart():
            return [leaf for child in part.get_payload() if isinstance(child, Message) for leaf in _leaves(child)]
    except _HEADER_ERRORS:
        return []
    return [part]


def _attached_name(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except _HEADER_ERRORS:
        return None
    if not name or (part.get_content_maintype() == "text" and not _is_attachment(part)):
        return None  # an inline text part is read as text, not listed as a file
    return " ".join(str(name).split())


def _omitted_names(message: Message) -> list[str]:
    try:
        values = message.get_all(OMITTED_HEADER) or []
    except _HEADER_ERRORS:
        return []
    return [name for value in values for name in _OMITTED_SPLIT.split(" ".join(str(value).split())) if name]


def decoded(part: Message) -> str:
    """The part's text in its declared charset; unknown or lying charsets are read leniently, not lost."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, AssertionError, AttributeError):
        payload = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
        content = _lenient(payload, charset) if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _lenient(payload: bytes, charset: str) -> str:
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")
