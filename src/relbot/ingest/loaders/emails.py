"""Email files (``.eml`` single messages, ``.mbox`` mailboxes): one item per message."""

from __future__ import annotations

import datetime as dt
import mailbox
import re
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind
from relbot.quoting import Originals

from .addresses import Mailbox, mailboxes
from .email_body import clean_body, unescape_mbox_from
from .email_history import Carried, split_forward
from .email_parts import attachment_note, text_parts
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
    items = _messages_items(raws, str(path), fallback_date, mbox=is_mbox)
    if not items:
        raise LoaderError(f"{path}: no message text found (every message was empty or only quoted text).")
    return items


def message_items(raw: bytes, *, source: str, fallback_date: dt.date | None = None) -> list[SourceItem]:
    """The items a single ``.eml`` file holding ``raw`` gives, under ``source`` (a message fetched from a mailbox
    gets exactly a file's parsing); empty when the message says nothing."""
    return _messages_items([raw], source, fallback_date, mbox=False)


@dataclass(frozen=True)
class Envelope:
    """Who a message is from and to, and its day: what a report may show without the message's text."""

    sender: str | None  # the first From address
    recipients: tuple[str, ...]  # To then Cc addresses, without repeats
    date: dt.date | None


def message_envelope(raw: bytes) -> Envelope:
    """The sender, recipients and date of one message, parsed as ``message_items`` parses them."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)  # the body is not needed
    senders = _mailboxes(message, "from")
    recipients = _mailboxes(message, "to") + _mailboxes(message, "cc")
    return Envelope(
        sender=senders[0].address if senders else None,
        recipients=tuple(dict.fromkeys(m.address for m in recipients if m.address)),
        date=_date(message),
    )


def _messages_items(raws: list[bytes], source: str, fallback_date: dt.date | None, *, mbox: bool) -> list[SourceItem]:
    found = [
        item for position, raw in enumerate(raws)
        for item in _to_items(_parse(raw), source, position, fallback_date, mbox=mbox)
    ]
    return [item.model_copy(update={"position": n}) for n, item in enumerate(_without_copies(found))]


def _without_copies(items: list[SourceItem]) -> list[SourceItem]:
    """A quoted message whose original is in the same mailbox file is that message, not another one."""
    originals = Originals()
    for item in items:
        if not item.carried:
            originals.add(item.author or item.author_address, item.date, item.text)
    return [i for i in items if not i.carried or not originals.holds(i.author or i.author_address, i.date, i.text)]


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


def _to_items(
    message: EmailMessage, source: str, position: int, fallback_date: dt.date | None, *, mbox: bool
) -> list[SourceItem]:
    subject = normalize_line(_header(message, "subject"))
    body = _body_text(message)
    if mbox:
        body = unescape_mbox_from(body)
    forwarded = bool(_FORWARD_PREFIX.match(subject))
    text = clean_body(body, forwarded=forwarded) or attachment_note(message)
    senders = _mailboxes(message, "from")
    recipients = _mailboxes(message, "to") + _mailboxes(message, "cc")
    own = SourceItem(
        text=text,
        kind=SourceKind.EMAIL,
        source=source,
        position=position,
        date=_date(message) or fallback_date,
        author=(senders[0].name or senders[0].address) if senders else None,
        author_address=senders[0].address if senders else None,
        title=subject or None,
        thread=normalize_subject(subject),
        participants=tuple(dict.fromkeys(m.formatted() for m in recipients)),
        message_id=_header(message, "message-id").strip() or None,
    )
    if forwarded:
        return _with_history(own, split_forward(own.text), forwarded=True) if text else []
    # A reply's own record holds only what its writer added; the messages it quotes under their own headers
    # ("-----Original Message----- / From: …") are kept as the records of their writers: often the only copy
    # of the other side's words that reached us, even when the reply itself adds nothing.
    return _with_history(own, split_forward(clean_body(body, forwarded=True)), forwarded=False)


def _with_history(own: SourceItem, pieces: list[Carried], *, forwarded: bool) -> list[SourceItem]:
    """The message's own item (when it says anything), then one item per message it carries, under its sender
    and day."""
    if len(pieces) == 1:
        return [own] if own.text else []
    note = pieces[0].text if forwarded else own.text
    if forwarded:
        note = note or f"Forwarded: {own.title or 'a message'}"
    items = [own.model_copy(update={"text": note})] if note else []
    for piece in pieces[1:]:
        if not piece.text:
            continue
        sender = piece.sender
        items.append(own.model_copy(update={
            "text": piece.text,
            "date": piece.day or own.date,
            "author": (sender.name or sender.address) if sender else None,
            "author_address": sender.address if sender else None,
            "title": piece.subject or own.title,
            "participants": tuple(dict.fromkeys(m.formatted() for m in piece.recipients)),
            "carried": True,
            # The same carried message in two forwards is one message: one record.
            "message_id": f"carried:{sender.formatted() if sender else ''}|{piece.sent}|{piece.subject or ''}",
        }))
    return items


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except _HEADER_ERRORS:
        return next((str(v) for k, v in message.raw_items() if k.lower() == name), "")


def _mailboxes(message: Message, name: str) -> list[Mailbox]:
    try:
        header = message.get(name)
        pairs = [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]
    except _HEADER_ERRORS:
        raw = [str(v) for k, v in message.raw_items() if k.lower() == name]
        pairs = getaddresses(raw)
    return mailboxes(pairs)


def _date(message: Message) -> dt.date | None:
    try:
        when = getattr(message.get("date"), "datetime", None)
    except _HEADER_ERRORS:
        return None
    # The sender's own calendar day: "Tuesday's email" means what the sender saw.
    return when.date() if isinstance(when, dt.datetime) else None


def _body_text(message: EmailMessage) -> str:
    """Every inline text part, in order (HTML converted where a part has no plain alternative)."""
    return "\n\n".join(text for text in text_parts(message) if text.strip())
