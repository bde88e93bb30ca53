"""Titles and companies from e-mail signatures: the writer's full name on a line of its own near the end of the
message, then a short line or two that are neither an address, a phone number nor a street ("Senior Counsel",
"Vitol SA Geneva")."""

from __future__ import annotations

import re

from relbot.models import Record, SourceKind

_TAIL_LINES = 10  # a signature sits in the last lines of a message
_NOT_A_TITLE = re.compile(r"\d|@|https?:|www\.|\b(?:street|st\.|suite|floor|road|avenue|ave\.|tel|fax|ph|phone|"
                          r"mobile|cell|email|e-mail)\b|^\W|\b(?:thanks|thank you|regards|cheers|best)\b", re.I)
_SENTENCE = re.compile(r"^(?:\S+\s+){4,}\S*[.!?]$")  # a line of prose, not "Enron North America Corp."
_MAX_TITLE_WORDS = 8


def signature_role(record: Record) -> str | None:
    """ "Senior Counsel, Acme Corp." from the lines under the writer's name at the end of an e-mail."""
    if record.kind != SourceKind.EMAIL or not record.author or " " not in record.author.strip():
        return None
    lines = [line.strip() for line in record.text.splitlines()][-_TAIL_LINES:]
    name = record.author.strip().casefold()
    for i, line in enumerate(lines):
        if line.casefold() == name:
            titles = []
            for following in lines[i + 1 : i + 3]:
                if (not following or _NOT_A_TITLE.search(following) or _SENTENCE.match(following)
                        or len(following.split()) > _MAX_TITLE_WORDS):
                    break
                titles.append(following)
            return ", ".join(titles) or None
    return None
