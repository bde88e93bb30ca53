"""Filing upstream objects to registry accounts: by the CRM ids an account names, then by its domains, and
for mail by the participants' addresses (the calendar's rule). Never by guess: an object that points to no
account, or to two equally, is unfiled."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from relbot.calendar.matching import AccountIndex
from relbot.models import Account, Record


def _host(value: str | None) -> str | None:
    """ "https://www.Acme.com/about" -> "acme.com"; a bare "acme.com" stays itself."""
    if not value:
        return None
    host = value.strip().lower().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.")
    return host or None


class Directory:
    def __init__(self, accounts: Sequence[Account], records_of: Callable[[str], list[Record]],
                 agency_domains: Sequence[str]) -> None:
        self._accounts = list(accounts)
        self._records_of = records_of
        self._agency = list(agency_domains)
        self._index: AccountIndex | None = None  # the addresses in every account's records: read for mail only
        self._hubspot = {cid: a.name for a in self._accounts for cid in a.hubspot_companies}
        self._salesforce = {sid[:15]: a.name for a in self._accounts for sid in a.salesforce_accounts}

    @classmethod
    def build(cls, accounts: Sequence[Account], records_of: Callable[[str], list[Record]],
              agency_domains: Sequence[str]) -> Directory:
        return cls(accounts, records_of, agency_domains)

    def _by_domain(self, domain: str | None) -> str | None:
        if not domain:
            return None
        owners = [a.name for a in self._accounts
                  if any(domain == d or domain.endswith("." + d) for d in a.domains)]
        return owners[0] if len(owners) == 1 else None

    def for_hubspot_company(self, company_id: str, domain: str | None) -> str | None:
        return self._hubspot.get(str(company_id)) or self._by_domain(_host(domain))

    def for_salesforce_account(self, account_id: str, website: str | None) -> str | None:
        # Salesforce ids come as 15 (case-sensitive) or 18 characters (15 + a checksum): compare the 15.
        return self._salesforce.get(str(account_id)[:15]) or self._by_domain(_host(website))

    def for_addresses(self, addresses: list[str]) -> str | None:
        if self._index is None:
            self._index = AccountIndex.build(self._accounts, self._records_of, self._agency)
        match = self._index.match_addresses(addresses)
        return None if match.account is None or match.tied else match.account

    def domains(self) -> list[str]:
        return sorted({d for a in self._accounts for d in a.domains})

    def hubspot_companies(self) -> list[str]:
        return sorted(self._hubspot)

    def salesforce_accounts(self) -> list[str]:
        return sorted({sid for a in self._accounts for sid in a.salesforce_accounts})
