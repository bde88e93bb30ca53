"""Person mentions of a record (its writer, speakers and recipients) and the name forms used to merge them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal

from relbot.models import Record, SourceKind

Role = Literal["author", "recipient", "registry", "introduced"]
_PAREN = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Mention:
    name: str | None
    address: str | None
    role: Role


def name_key(name: str) -> str:
    """ "Okafor, Ben" / "ben  okafor" / "Ben Okafor (Credit)" -> "ben okafor"."""
    name = _PAREN.sub("", name)
    if name.count(",") == 1:
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    return " ".join(re.sub(r"[^\w\s'’-]", " ", name.casefold()).split())


@lru_cache(maxsize=20_000)  # a thread's recipients repeat in every message of it
def _parse(entry: str) -> Mention:
    name, address = parseaddr(entry)
    if not address and not name:
        return Mention(entry.strip() or None, None, "recipient")
    if not name and address and "@" not in address and " " in entry.strip():
        return Mention(entry.strip(), None, "recipient")  # a plain name, not an address
    if address and "@" not in address and not address.startswith("/") and not name:
        return Mention(address, None, "recipient")  # "Williams": a display name with nothing else
    return Mention(name or None, address or None, "recipient")


def mentions(record: Record, authors: Sequence[str]) -> Iterator[Mention]:
    for n, author in enumerate(authors):
        address = record.author_address if n == 0 and record.kind == SourceKind.EMAIL else None
        yield Mention(author, address, "author")
    if record.kind == SourceKind.EMAIL and not authors and record.author_address:
        yield Mention(None, record.author_address, "author")
    for entry in record.participants:
        mention = _parse(entry)
        if mention.name or mention.address:
            yield mention
