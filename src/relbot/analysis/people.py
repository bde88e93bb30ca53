"""Who is who in an account's history: every author and speaker, on the agency's side or the client's.

Notes, CRM activities and Slack messages are written inside the agency, so their authors are agency
people (Slack Connect channels are refused upstream); anyone else who speaks or writes is the client's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from relbot.models import Account, Record, SourceKind

Side = Literal["agency", "client"]
INTERNAL = (SourceKind.NOTE, SourceKind.CRM, SourceKind.SLACK)
NAME = r"(?:Dr\.\s)?[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+)?"


@dataclass
class Person:
    name: str
    side: Side
    last_seen: dt.date | None = None
    last_record: Record | None = None
    records: list[Record] = field(default_factory=list)


@dataclass
class People:
    by_name: dict[str, Person]

    def resolve(self, name: str | None) -> str | None:
        """Full name for a full or first name ("Maya" -> "Maya Chen") when it is unambiguous."""
        if not name:
            return None
        name = re.sub(r"^Dr\.?\s+", "", name.strip())
        if name in self.by_name:
            return name
        matches = [n for n in self.by_name if n.split()[0] == name.split()[0]]
        if len(matches) == 1 and (" " not in name or matches[0].startswith(name)):
            return matches[0]
        return None

    def side(self, name: str | None) -> Side | None:
        full = self.resolve(name)
        return self.by_name[full].side if full else None

    def names(self) -> list[str]:
        return list(self.by_name)


def authors(record: Record) -> list[str]:
    return [a.strip() for a in (record.author or "").split(",") if a.strip()]


def people(records: list[Record], account: Account) -> People:
    agency = {a for r in records if r.kind in INTERNAL for a in authors(r)}
    if account.account_manager:
        agency.add(account.account_manager)
    if account.client_contact:
        agency.discard(account.client_contact)
    found: dict[str, Person] = {}
    for name in filter(None, (account.account_manager, account.client_contact)):
        found[name] = Person(name, "agency" if name in agency else "client")
    for record in sorted(records, key=lambda r: (r.date or dt.date.min, r.position)):
        for name in authors(record):
            person = found.setdefault(name, Person(name, "agency" if name in agency else "client"))
            person.records.append(record)
            if record.date and (person.last_seen is None or record.date >= person.last_seen):
                person.last_seen, person.last_record = record.date, record
    return People(found)
