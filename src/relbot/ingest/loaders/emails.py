"""Email files (``.eml`` single messages, ``.mbox`` mailboxes): one item per message."""

from __future__ import annotations

import datetime as dt
import mailbox
import re
from email import policy
from email.errors import MessageError
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind

from .email_body import clean_body, unescape_mbox_from
from .htmltext import html_to_text
from .text import check_not_binary, date_from_filename, normalize_line, read_bytes

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|ref)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_FORWARD_PREFIX = re.compile(r"^\s*(?:fw|fwd|wg|tr)\s*:", re.IGNORECASE)
# The stdlib header parser raises these on malformed headers instead of recording a defect.
_HEADER_ERRORS = (MessageError, ValueError, IndexError, TypeError, AttributeError, LookupError)


def load_emails(path: Path, *, default_date: dt.date | None = None) -> list[SourceItem]:
    data = read_bytes(path)
    check_not_binary(data, path)
    is_mbox = _is_mbox(path, data)
    raws = _mbox_messages(path) if is_mbox else [data]
    fallback_date = date_from_filename(path) or default_date
    items = [
        item
        for position, raw in enumerate(raws)
        if (item := _to_item(_parse(raw), path, position, fallback_date, mbox=is_mbox)) is not None
    ]
    if not items:
        raise LoaderError(f"{path}: no message text found (every message was empty or only quoted text).")
    return items


def normalize_subject(subject: str) -> str | None:
    """Thread key: the subject without reply/forward prefixes, lower-cased (``Re: AW: Q3`` -> ``q3``)."""
    core = normalize_line(_REPLY_PREFIX.sub("", subject)).lower()
    return core or None


def _is_mbox(path: Path, data: bytes) -> bool:
    return path.suffix.lower() != ".eml" and data.startswith(b"From ")


def _mbox_messages(path: Path) -> list[bytes]:
    try:
        box = mailbox.mbox(str(path), create=False)
        try:
            return [box.get_bytes(key) for key in box.iterkeys()]
        finally:
            box.close()
    except (mailbox.Error, OSError) as exc:
        raise LoaderError(f"{path}: cannot be read as an mbox mailbox ({exc}); export it again.") from None


def _parse(raw: bytes) -> EmailMessage:
    # policy.default (not the legacy compat32) decodes RFC 2047 headers and gives get_body()/get_content().
    return BytesParser(policy=policy.default).parsebytes(raw)


def _to_item(
    message: EmailMessage, path: Path, position: int, fallback_date: dt.date | None, *, mbox: bool
) -> SourceItem | None:
    subject = normalize_line(_header(message, "subject"))
    body = _body_text(message)
    if mbox:
        body = unescape_mbox_from(body)
    text = clean_body(body, forwarded=bool(_FORWARD_PREFIX.match(subject)))
    if not text:
        return None  # nothing new was said (empty, or only quoted history)
    senders = _addresses(message, "from")
    recipients = _addresses(message, "to") + _addresses(message, "cc")
    return SourceItem(
        text=text,
        kind=SourceKind.EMAIL,
        source=str(path),
        position=position,
        date=_date(message) or fallback_date,
        author=senders[0] if senders else None,
        title=subject or None,
        thread=normalize_subject(subject),
        participants=tuple(dict.fromkeys(recipients)),
    )


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except _HEADER_ERRORS:
        return next((str(v) for k, v in message.raw_items() if k.lower() == name), "")


def _addresses(message: Message, name: str) -> list[str]:
    """Display names where given, else addresses."""
    try:
        header = message.get(name)
        pairs = [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]
    except _HEADER_ERRORS:
        raw = [str(v) for k, v in message.raw_items() if k.lower() == name]
        pairs = getaddresses(raw)
    return [normalize_line(display or address) for display, address in pairs if (display or address).strip()]


def _date(message: Message) -> dt.date | None:
    try:
        when = getattr(message.get("date"), "datetime", None)
    except _HEADER_ERRORS:
        return None
    # The sender's own calendar day: "Tuesday's email" means what the sender saw.
    return when.date() if isinstance(when, dt.datetime) else None


def _body_text(message: EmailMessage) -> str:
    """text/plain preferred; HTML converted when plain is missing or empty."""
    for preference in ("plain", "html"):
        try:
            part = message.get_body(preferencelist=(preference,))
        except _HEADER_ERRORS:
            continue
        if part is None:
            continue
        content = _decoded(part)
        if preference == "html":
            content = html_to_text(content)
        if content.strip():
            return content
    return ""


def _decoded(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        # Unknown or lying charset: decode the raw bytes leniently rather than lose the message.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""
