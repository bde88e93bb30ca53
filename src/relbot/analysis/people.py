"""Who is who in an account's history, and on which side.

People come from e-mail senders and recipients (names and addresses), the header blocks of forwarded
messages, transcript speakers, Slack and note authors. Variants of one person are merged ("Okafor",
"Ben Okafor", "bokafor@…", "Okafor, Ben"). A side is known, never guessed:

- an address at one of the agency's domains (RELBOT_AGENCY_DOMAINS) is ours; at the account's domains, the client's;
- an Exchange directory entry (an "/O=ORG/…" DN or a bare directory name with no domain) belongs to the
  organisation whose mail was exported, which is ours;
- authors of notes, CRM activities and Slack messages are ours (they are written inside the agency);
  the registry's account manager is ours and its client contact the client's;
- other people at a domain whose side is known from the above share it (public mail providers excepted);
- everyone else is "unknown".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from relbot.analysis.names import Mention, mentions, name_key
from relbot.ingest.loaders.addresses import name_from_address
from relbot.models import Account, Record, SourceKind

Side = Literal["agency", "client", "unknown"]
INTERNAL = (SourceKind.NOTE, SourceKind.CRM, SourceKind.SLACK)
NAME = r"(?:Dr\.\s)?[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+)?"
PUBLIC_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de",
    "mail.com", "yandex.ru",
})


@dataclass
class Person:
    name: str
    side: Side = "unknown"
    last_seen: dt.date | None = None
    last_record: Record | None = None
    records: list[Record] = field(default_factory=list)
    addresses: set[str] = field(default_factory=set)
    variants: set[str] = field(default_factory=set)  # name keys seen ("ben okafor", "okafor")
    directory: bool = False  # listed in the exported organisation's own directory (Exchange DN, no domain)

    def domains(self) -> set[str]:
        return {a.rsplit("@", 1)[1] for a in self.addresses if "@" in a}


@dataclass
class People:
    by_name: dict[str, Person]

    def resolve(self, name: str | None) -> str | None:
        """The full name for a full name, a variant or an unambiguous first name or surname ("Maya" -> "Maya Chen")."""
        if not name:
            return None
        name = re.sub(r"^Dr\.?\s+", "", name.strip())
        if name in self.by_name:
            return name
        key = name_key(name)
        exact = [p.name for p in self.by_name.values() if key in p.variants]
        if len(exact) == 1:
            return exact[0]
        first = key.split()[0] if key else ""
        matches = [n for n in self.by_name if name_key(n).split()[:1] == [first]]
        if len(matches) == 1 and (" " not in key or name_key(matches[0]).startswith(key)):
            return matches[0]
        if " " not in key:
            by_surname = [n for n in self.by_name if name_key(n).split()[-1:] == [key]]
            if len(by_surname) == 1:
                return by_surname[0]
        return None

    def side(self, name: str | None) -> Side | None:
        full = self.resolve(name)
        return self.by_name[full].side if full else None

    def names(self) -> list[str]:
        return list(self.by_name)


def authors(record: Record) -> list[str]:
    """The record's speakers or writer. E-mail senders are one person even when written "Surname, Given"."""
    if record.kind == SourceKind.EMAIL:
        return [record.author.strip()] if record.author and record.author.strip() else []
    return [a.strip() for a in (record.author or "").split(",") if a.strip()]


def _domain_side(address: str, agency: Sequence[str], client: Sequence[str]) -> Side | None:
    domain = address.rsplit("@", 1)[1] if "@" in address else ""
    if not domain:
        return None
    if any(domain == d or domain.endswith("." + d) for d in agency):
        return "agency"
    if any(domain == d or domain.endswith("." + d) for d in client):
        return "client"
    return None


class _Directory:
    """Builds the merged list of people from every mention, in date order."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self._by_address: dict[str, Person] = {}
        self._by_key: dict[str, Person] = {}

    def add(self, mention: Mention, record: Record) -> Person | None:
        person = self._find(mention)
        if person is None:
            name = mention.name or (name_from_address(mention.address) if mention.address else None)
            name = name or (mention.address if mention.address and "@" in mention.address else None)
            if not name:
                return None
            person = Person(name)
            self.people.append(person)
        self._learn(person, mention)
        if not person.records or person.records[-1].id != record.id:
            person.records.append(record)
        if record.date and (person.last_seen is None or record.date >= person.last_seen):
            person.last_seen, person.last_record = record.date, record
        return person

    def ensure(self, name: str) -> Person:
        """The person of that name (a registry contact), added without a record when the history never names them."""
        mention = Mention(name, None, "registry")
        person = self._find(mention)
        if person is None:
            person = Person(name)
            self.people.append(person)
        self._learn(person, mention)
        return person

    def _find(self, mention: Mention) -> Person | None:
        if mention.address and mention.address.casefold() in self._by_address:
            return self._by_address[mention.address.casefold()]
        keys = [name_key(mention.name)] if mention.name else []
        if mention.address and (guess := name_from_address(mention.address)):
            keys.append(name_key(guess))
        for key in keys:
            if key in self._by_key:
                return self._by_key[key]
        for key in keys:
            if (found := self._loose(key, mention.address)) is not None:
                return found
        return None

    def _loose(self, key: str, address: str | None) -> Person | None:
        """ "Okafor" or "Ben" alone, "Gregory J. Porter" beside "Gregory Porter", "bokafor@" beside "Ben Okafor"."""
        words = key.split()
        plain = " ".join(w for w in words if len(w.rstrip(".")) > 1)
        found = [p for p in self.people if plain and (plain in p.variants or any(
            " ".join(w for w in v.split() if len(w.rstrip(".")) > 1) == plain for v in p.variants))]
        if len(words) == 1 and not found:
            found = [p for p in self.people if any(words[0] in (v.split()[0], v.split()[-1]) for v in p.variants)]
        if not found and address and "@" in address:
            local = address.split("@", 1)[0].casefold()
            found = [p for p in self.people if any(_initial_surname(v) == local for v in p.variants)]
        return found[0] if len(found) == 1 else None

    def _learn(self, person: Person, mention: Mention) -> None:
        if mention.name:
            key = name_key(mention.name)
            person.variants.add(key)
            self._by_key.setdefault(key, person)
            if len(mention.name.split()) > len(person.name.split()) and "@" not in mention.name:
                person.name = mention.name  # "Okafor" first, "Ben Okafor" later: keep the fuller name
        if mention.address:
            if "@" in mention.address:
                person.addresses.add(mention.address.casefold())
            else:
                person.directory = True
            self._by_address.setdefault(mention.address.casefold(), person)
        if not mention.name and mention.address and (guess := name_from_address(mention.address)):
            person.variants.add(name_key(guess))


def _initial_surname(key: str) -> str:
    words = key.split()
    return f"{words[0][0]}{words[-1]}" if len(words) >= 2 else ""


def people(records: list[Record], account: Account, agency_domains: Sequence[str] = ()) -> People:
    directory = _Directory()
    internal_authors: set[int] = set()
    for record in sorted(records, key=lambda r: (r.date or dt.date.min, r.position)):
        for mention in mentions(record, authors(record)):
            person = directory.add(mention, record)
            if person is not None and mention.role == "author" and record.kind in INTERNAL:
                internal_authors.add(id(person))
    for record in records:  # "Kathy Edwards, attorney for Indicated Shippers": a person the mail introduces
        for match in _INTRODUCED.finditer(record.text):
            directory.add(Mention(match.group("name"), None, "introduced"), record)
    registry: dict[str, Side] = {}
    pairs: tuple[tuple[str | None, Side], ...] = (
        (account.account_manager, "agency"), (account.client_contact, "client"))
    for name, side in pairs:
        if name:
            registry[directory.ensure(name).name] = side
    found = _name_addresses(directory.people, records)
    _assign_sides(found, account, agency_domains, internal_authors, registry)
    return People({p.name: p for p in found})


# A name followed by what the person is: the mail introducing someone by role (their side stays unknown unless
# their address or the registry says).
_INTRODUCED = re.compile(
    r"\b(?P<name>[A-Z][a-z'’-]+ [A-Z][a-z'’-]+),\s+(?:(?:the|our|their|its|an?)\s+)?(?:[A-Z]\w+\s+)?"
    r"(?i:attorney|counsel|lawyer|paralegal|cfo|ceo|coo|cto|chief \w+ officer|vice president|president|"
    r"director|manager|head of)\b")
_TEXT_NAME = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z]\.)?\s[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def _name_addresses(found: list[Person], records: Sequence[Record]) -> list[Person]:
    """Name the people known only by an address ("fkelly@…") from a full name the records write out whose
    initial and surname make the address ("Frank Kelly"), merging them with that person when known."""
    nameless = [p for p in found if "@" in p.name]
    if not nameless:
        return found
    written: dict[str, set[str]] = {}
    for record in records:
        for name in _TEXT_NAME.findall(record.text):
            written.setdefault(_initial_surname(name_key(name)), set()).add(name)
    by_key = {v: p for p in found if "@" not in p.name for v in p.variants}
    for person in nameless:
        local = person.name.split("@", 1)[0].casefold()
        named = {id(p): p for v, p in by_key.items() if _initial_surname(v) == local}
        candidates = written.get(local, set())
        if len(named) == 1:
            known: Person | None = next(iter(named.values()))
        elif len(candidates) == 1:
            name = candidates.pop()
            known = by_key.get(name_key(name))
        else:
            continue
        if known is not None:  # the same person under a name: one entry
            known.addresses |= person.addresses
            known.records = sorted({r.id: r for r in known.records + person.records}.values(),
                                   key=lambda r: (r.date or dt.date.min, r.position))
            if person.last_seen and (known.last_seen is None or person.last_seen > known.last_seen):
                known.last_seen, known.last_record = person.last_seen, person.last_record
            person.name = ""
        else:
            person.name = name  # written out in the text, not yet a person
            person.variants.add(name_key(name))
    return [p for p in found if p.name]


def _assign_sides(
    found: Iterable[Person], account: Account, agency_domains: Sequence[str], internal_authors: set[int],
    registry: dict[str, Side],
) -> None:
    found = list(found)
    for person in found:
        by_domain: set[Side] = {s for a in person.addresses if (s := _domain_side(a, agency_domains, account.domains))}
        if len(by_domain) == 1:
            person.side = by_domain.pop()
        elif person.name in registry:
            person.side = registry[person.name]
        elif person.directory or id(person) in internal_authors:
            person.side = "agency"
    learned: dict[str, set[Side]] = {}
    for person in found:
        if person.side != "unknown":
            for domain in person.domains() - PUBLIC_MAIL:
                learned.setdefault(domain, set()).add(person.side)
    for person in found:
        if person.side == "unknown":
            sides = {s for d in person.domains() - PUBLIC_MAIL for s in learned.get(d, set())}
            if len(sides) == 1:
                person.side = sides.pop()
