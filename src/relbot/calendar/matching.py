"""Which account a meeting belongs to (DESIGN §2b): an attendee whose address appears in the account's
records, or whose domain is one of the account's domains. Our own people (RELBOT_AGENCY_DOMAINS, and the
calendar owner's own domain) never count, so a meeting of only our people belongs to no account.

A known address weighs more than a domain: a client's consultant who writes from their own firm's domain
still ties the meeting to the client whose threads they are on. A meeting matching several accounts belongs
to the one with the most evidence and names the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from relbot.domain import Occurrence
from relbot.models import Account, Record

_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
ADDRESS_WEIGHT = 2  # an address seen in the account's records
DOMAIN_WEIGHT = 1  # an address at one of the account's domains


@dataclass(frozen=True)
class Match:
    account: str | None
    reasons: list[str] = field(default_factory=list)  # why, in words, for `relbot meetings --json`
    also: list[str] = field(default_factory=list)  # other accounts the attendees point to
    client_attendees: list[str] = field(default_factory=list)  # the attendees outside the agency
    internal: bool = False  # only our own people (or nobody) are invited
    tied: bool = False  # the runner-up has exactly as much evidence: the choice is by name alone


def record_addresses(record: Record) -> set[str]:
    found = {record.author_address.lower()} if record.author_address and "@" in record.author_address else set()
    for entry in record.participants:
        found.update(a.lower() for a in _ADDRESS.findall(entry))
    return found


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


def _within(domain: str, domains: Iterable[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in domains)


class AccountIndex:
    """Every account's domains and the addresses its records show, built once per sync run."""

    def __init__(self, accounts: Sequence[Account], addresses: dict[str, Counter[str]],
                 agency_domains: Sequence[str]) -> None:
        self._accounts = list(accounts)
        self._addresses = addresses  # account name -> address -> how many records show it
        self._agency = [d.lower() for d in agency_domains]

    @classmethod
    def build(cls, accounts: Sequence[Account], records_of: Callable[[str], list[Record]],
              agency_domains: Sequence[str]) -> AccountIndex:
        addresses: dict[str, Counter[str]] = {}
        for account in accounts:
            seen: Counter[str] = Counter()
            for record in records_of(account.name):
                seen.update(record_addresses(record))
            addresses[account.name] = seen
        return cls(accounts, addresses, agency_domains)

    def is_ours(self, address: str, owner_emails: Iterable[str] = ()) -> bool:
        ours = [*self._agency, *(_domain(e) for e in owner_emails if "@" in e)]
        return _within(_domain(address), ours)

    def match(self, occurrence: Occurrence, owner_emails: frozenset[str] = frozenset()) -> Match:
        return self.match_addresses(occurrence.emails(), owner_emails)

    def match_addresses(self, emails: Sequence[str], owner_emails: frozenset[str] = frozenset()) -> Match:
        """The account these people's addresses point to (a meeting's attendees, a message's participants)."""
        emails = [e.lower() for e in emails]
        outside = list(dict.fromkeys(e for e in emails if e not in owner_emails and not self.is_ours(e, owner_emails)))
        if not outside:
            return Match(None, ["only agency attendees" if emails else "no attendees"], internal=True)
        scores: Counter[str] = Counter()
        seen_in: Counter[str] = Counter()  # records showing the attendees: breaks a tie between two accounts
        reasons: dict[str, list[str]] = {}
        for account in self._accounts:
            seen = self._addresses.get(account.name, Counter())
            for email in outside:
                if seen[email]:
                    scores[account.name] += ADDRESS_WEIGHT
                    seen_in[account.name] += seen[email]
                    reasons.setdefault(account.name, []).append(
                        f"{email} appears in {seen[email]} of {account.name}'s records")
                elif _within(_domain(email), account.domains):
                    scores[account.name] += DOMAIN_WEIGHT
                    reasons.setdefault(account.name, []).append(
                        f"{_domain(email)} is one of {account.name}'s domains ({email})")
        if not scores:
            return Match(None, ["no attendee is known to any account"], client_attendees=outside)
        ranked = sorted(scores, key=lambda name: (-scores[name], -seen_in[name], name.casefold()))
        best = ranked[0]
        tied = len(ranked) > 1 and (scores[ranked[1]], seen_in[ranked[1]]) == (scores[best], seen_in[best])
        return Match(best, reasons[best], also=ranked[1:], client_attendees=outside, tied=tied)
