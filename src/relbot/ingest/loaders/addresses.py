"""Mailboxes from address headers as real clients write them: "Okafor, Ben" display names, Exchange entries
with no SMTP address, and an unquoted "Surname, Given </O=ORG/...>" that header parsers split at its comma."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .text import normalize_line

_X500 = re.compile(r"^/o=", re.I)  # Exchange's legacy DN: a mailbox of the exporting organisation's directory
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|md)\.?$", re.I)
_QUOTES = "\"'`‘’“”"
_PAREN = re.compile(r"\s*\([^)]*\)")
_ADDRESS_IN_NAME = re.compile(r"^\S+@\S+$")
_NAME_LIKE = re.compile(r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*$")


_LOCAL_NAME = re.compile(r"^([a-z]{2,})[._]([a-z]{2,})(?:[._]([a-z]{2,}))?$", re.I)


def name_from_address(address: str) -> str | None:
    """ "sterling_koch@transalta.com" -> "Sterling Koch"; "fkelly@…" says no name."""
    if "@" not in address:
        return None
    match = _LOCAL_NAME.match(address.split("@", 1)[0])
    return " ".join(p.capitalize() for p in match.groups() if p) if match else None


@dataclass(frozen=True)
class Mailbox:
    name: str | None
    address: str | None  # lower-cased when it is an e-mail address; an Exchange DN or bare directory name as is

    def formatted(self) -> str:
        if self.name and self.address and self.address.casefold() != self.name.casefold():
            return f"{self.name} <{self.address}>"
        return self.name or self.address or ""


def display_name(raw: str) -> str | None:
    """ "'Porter, Gregory J.'" -> "Gregory J. Porter"; "Kilmer III, Robert" -> "Robert Kilmer III"."""
    # Outlook appends "(E-mail)" or a department ("(Credit)") to directory names: not part of the name.
    name = _PAREN.sub("", normalize_line(raw)).strip(_QUOTES + " ")
    if not name or _ADDRESS_IN_NAME.match(name):
        return None
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and not _SUFFIX.match(first) and len(first.split()) <= 3 and len(last.split()) <= 3:
            name = f"{first} {last}"
    return " ".join(name.split())


def _address(raw: str) -> str | None:
    address = raw.strip().strip(_QUOTES + "<> ")
    if not address:
        return None
    return address.lower() if "@" in address else address


def mailboxes(pairs: Iterable[tuple[str, str]]) -> list[Mailbox]:
    """(display name, address) pairs, as ``email.utils.getaddresses`` gives them, to mailboxes."""
    raw = [(normalize_line(d), normalize_line(a)) for d, a in pairs if (d or a).strip()]
    out: list[Mailbox] = []
    skip = False
    for i, (display, address) in enumerate(raw):
        if skip:
            skip = False
            continue
        following = raw[i + 1] if i + 1 < len(raw) else None
        if following and _split_surname(display, address, *following):
            # "Porter <Porter>, "Gregory J." </O=...>" was one mailbox: "Porter, Gregory J." at that DN.
            given = re.sub(r"\s*\([^)]*\)", "", following[0]).strip(_QUOTES + " ")
            out.append(Mailbox(display_name(f"{display}, {given}"), _address(following[1])))
            skip = True
            continue
        name = display_name(display) if display else None
        mailbox = _address(address) if address else None
        out.append(Mailbox(name or (name_from_address(mailbox) if mailbox else None), mailbox))
    return out


def _split_surname(display: str, address: str, next_display: str, next_address: str) -> bool:
    surname_only = "@" not in address and not _X500.match(address) and address.casefold() == display.casefold()
    given = re.sub(r"\s*\([^)]*\)", "", next_display.strip(_QUOTES + " "))  # "Jason R (Credit)"
    return (surname_only and bool(_X500.match(next_address.strip("<> "))) and bool(_NAME_LIKE.match(given))
            and len(display.split()) <= 2)
