"""A forwarded e-mail's history cut into the messages it carries, each with its own sender, recipients and day.

A forward is news to the account, but "we will forward executed copies" in it was written by whoever sent the
forwarded message, on their day, not by the person who forwarded it. Outlook, Gmail, Apple Mail and Lotus Notes
all introduce a carried message with a header block ("From: … / Sent: … / To: … / Subject: …"), sometimes
after a separator line ("-----Original Message-----", "---------- Forwarded message ---------").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.utils import getaddresses

from .addresses import Mailbox, display_name, mailboxes
from .dates import parse_date
from .email_quotes import header_field, is_forward_marker, is_header_preamble, is_separator

_MAILTO = re.compile(r"\s*\[mailto:([^\]]*)\]", re.I)
_NOTES_SUFFIX = re.compile(r"(@[\w.-]+\.[a-z]{2,})@[A-Z][A-Z0-9_]*\b")  # Lotus Notes: "x@client.com@ENRON"
_NOTES_NAME = r"[A-Z][\w.'-]+(?: [A-Z][\w.'-]+)+@[A-Za-z]\w*"
_NOTES_NAMES = re.compile(rf"^{_NOTES_NAME}(?:\s*,\s*{_NOTES_NAME})*$")
_SURNAME_FIRST = re.compile(r"^[\"']?([A-Z][\w.'’ -]*?),\s*([A-Z][\w.'’ -]*?)[\"']?\s*<([^<>\s]+@[^<>\s]+)>$")
_HEADER_SPAN = 8  # a header block's fields sit within this many lines of its From:


@dataclass
class Carried:
    """One message of a forward: the forwarder's own text first, then each carried message, oldest last."""

    text: str
    sender: Mailbox | None = None
    recipients: list[Mailbox] = field(default_factory=list)
    day: dt.date | None = None
    subject: str | None = None
    sent: str = ""  # the header's own "Sent:" value: with the sender, what identifies the message


def split_forward(text: str) -> list[Carried]:
    lines = text.split("\n")
    starts = [_named_above(lines, i) for i in range(len(lines)) if _header_block_at(lines, i)]
    if not starts:
        return [Carried(text)]
    pieces = [Carried(_body(lines[: _block_start(lines, starts[0])]))]
    for n, start in enumerate(starts):
        end = _block_start(lines, starts[n + 1]) if n + 1 < len(starts) else len(lines)
        notes = _notes_block_at(lines, start) or (start + 1 < len(lines) and _notes_block_at(lines, start + 1))
        fields, body_at = _notes_fields(lines, start) if notes else _fields(lines, start)
        pieces.append(_carried(fields, _body(lines[body_at:end])))
    # The first piece is the writer's own text, even when empty; a carried piece of separators only is no message.
    carried = [p for p in pieces[1:] if any(not _divides(line) for line in p.text.splitlines() if line.strip())
               or p.sender]
    return [pieces[0], *carried]


_NOTES_STAMP = re.compile(r"^\s*(?:(?P<name>[\w\"'., @<>-]{3,80}?)\s+(?:on\s+)?)?(?P<when>\d{1,4}/\d{1,2}/\d{1,4}\s+"
                          r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?)\s*$", re.I)


def _notes_block_at(lines: list[str], i: int) -> bool:
    """Lotus Notes: "Maureen Piercey" / "2001/10/15 08:46 AM" (or both on one line), then "To:" within 3 lines."""
    stamp = _NOTES_STAMP.match(lines[i])
    if stamp is None:
        return False
    if not (stamp.group("name") or "").strip() and (i == 0 or not lines[i - 1].strip()):
        return False
    return any(f and f[0] == "to" for line in lines[i + 1 : i + 4] if (f := header_field(line)))


def _divides(line: str) -> bool:
    """A line that only separates one carried message from the next: "-----Original Message-----", a rule,
    "---- Forwarded by … ----" (which Lotus Notes breaks over two lines)."""
    return is_separator(line) or is_forward_marker(line) or is_header_preamble(line)


def _header_block_at(lines: list[str], i: int) -> bool:
    """A "From:" line followed closely by a date and a subject or recipient line."""
    if _notes_block_at(lines, i):
        return True
    first = header_field(lines[i])
    if not first or first[0] != "from" or not first[1]:
        return False
    kinds = {f[0] for line in lines[i + 1 : i + _HEADER_SPAN] if (f := header_field(line))}
    return "date" in kinds and bool(kinds & {"subject", "to"})


def _block_start(lines: list[str], start: int) -> int:
    """Include the separator line (and blank lines) just above a header block in it."""
    i = start
    top = start
    while i > 0 and (not lines[i - 1].strip() or _divides(lines[i - 1])):
        i -= 1
        if _divides(lines[i]):
            top = i  # keep walking: Notes writes "--- Forwarded by … ---" over two separator lines
    return top


def _fields(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """The header's fields and where its body starts. Fields may wrap ("[mailto:x@y.c" / "om]") and blank
    lines may sit between them; the block ends with its Subject, or at its last field."""
    fields: dict[str, str] = {}
    i = start
    last = ""
    body_at = start + 1
    while i < len(lines) and i < start + _HEADER_SPAN + 4:
        found = header_field(lines[i])
        if found:
            last = found[0]
            fields.setdefault(last, found[1])
            body_at = i + 1
            if last == "subject":
                break
        elif lines[i].strip() and last in ("from", "to", "cc"):
            fields[last] += " " + lines[i].strip()  # a long address or recipient list wrapped onto the next line
        elif lines[i].strip() and not last:
            break
        i += 1
    return fields, body_at


def _named_above(lines: list[str], i: int) -> int:
    """A Notes stamp with no name on its line has the sender's name on the line above: the block starts there."""
    stamp = _NOTES_STAMP.match(lines[i])
    return i - 1 if stamp and not (stamp.group("name") or "").strip() else i


def _notes_fields(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    stamp = _NOTES_STAMP.match(lines[start]) or _NOTES_STAMP.match(lines[start + 1])
    assert stamp is not None
    at = start if _NOTES_STAMP.match(lines[start]) else start + 1
    name = (stamp.group("name") or "").strip() or lines[start].strip()
    first_field = next((j for j in range(at + 1, min(at + 4, len(lines))) if header_field(lines[j])), at + 1)
    fields, body_at = _fields(lines, first_field)
    fields["from"] = name
    fields["date"] = stamp.group("when")
    return fields, body_at


def _carried(fields: dict[str, str], body: str) -> Carried:
    senders = parse_people(fields.get("from", ""))
    recipients = parse_people(fields.get("to", "")) + parse_people(fields.get("cc", ""))
    sent = fields.get("date", "")
    return Carried(text=body, sender=senders[0] if senders else None, recipients=recipients,
                   day=parse_date(sent.strip()) if sent else None, subject=fields.get("subject") or None, sent=sent)


def parse_people(value: str) -> list[Mailbox]:
    """ "Jones, Tana; 'fkelly@gbmdc.com'" (Outlook) or "Ann Smith <ann@x.com>, Bo <bo@y.com>" (Gmail)."""
    # Outlook: "Hess, Diane [mailto:dhess@x.com]"; Lotus Notes forwarded through Exchange: the mailto is an
    # IMCEANOTES relay address, and the display part already is the real one ("x@client.com@ENRON").
    value = _MAILTO.sub(lambda m: "" if "imcea" in m.group(1).lower() else f" <{m.group(1)}>", value)
    value = _NOTES_SUFFIX.sub(r"\1", value).strip()
    if not value:
        return []
    if _NOTES_NAMES.match(value):  # Lotus Notes: "Katalin Kiss@TransAlta, Maureen Piercey@TransAlta"
        return [Mailbox(display_name(part.split("@")[0]), None) for part in value.split(",") if part.strip()]
    parts = value.split(";") if ";" in value else [value]
    out: list[Mailbox] = []
    for part in (p.strip() for p in parts if p.strip()):
        if m := _SURNAME_FIRST.match(part):  # Outlook writes "Ross, Gary <gross@x.com>" without quotes
            out.append(Mailbox(display_name(f"{m.group(1)}, {m.group(2)}"), m.group(3).strip().lower()))
        elif "<" in part or "@" in part:
            out.extend(mailboxes(getaddresses([part])))
        else:
            out.append(Mailbox(display_name(part), None))
    return [m for m in out if m.name or m.address]


def _body(lines: list[str]) -> str:
    return "\n".join(lines).strip()
