"""What a live source hands the sync: pages of upstream changes, each with the cursor to store after it.

A connector (HubSpot, Salesforce, IMAP) turns its service's objects into ``Change``s: one per upstream object
(an engagement, a task, a message), keyed by the object's stable id in that service, carrying the items the
object becomes (the same ``SourceItem``s a file loader makes) and the account it is filed to. The sync stores
a page's changes, then the page's cursor: a crash between the two repeats the page, and repeating a page
changes nothing (records are content-addressed, the object map is an upsert).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from relbot.errors import RelbotError
from relbot.models import SourceItem


class SourceType(StrEnum):
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"
    IMAP = "imap"


Cursor = Mapping[str, Any]  # JSON-able; each connector owns its shape


@dataclass(frozen=True)
class Change:
    key: str  # the object's id in the service, stable across edits: "notes/123", "Task/00T…", "INBOX/7/42"
    account: str | None  # the registry name it is filed to; None = unfiled (reported, never stored)
    items: tuple[SourceItem, ...] = ()  # what the object says now; empty with removed=True
    removed: bool = False  # archived or deleted upstream: its records leave the store
    # For the unfiled report only (an admin decides where it belongs): who and what, never the body.
    summary: str = ""


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    cursor: dict[str, Any]  # where to resume once these changes are stored
    notes: list[str] = field(default_factory=list)  # counted facts for the sync report ("3 unmapped companies")


class SourceError(RelbotError):
    """The service refused or could not be reached. The message names what to fix and is safe to show.

    ``permanent`` errors (a rejected token, a missing mailbox) wait longer before the next try than
    passing ones (a timeout, a 5xx, a rate limit); ``retry_after_s`` is the service's own Retry-After."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after_s = retry_after_s


class AccountDirectory(Protocol):
    """Which registry account an upstream object belongs to. Built once per sync from the registry and
    the stored records; connectors ask it and never guess: ``None`` means unfiled."""

    def for_hubspot_company(self, company_id: str, domain: str | None) -> str | None: ...

    def for_salesforce_account(self, account_id: str, website: str | None) -> str | None: ...

    def for_addresses(self, addresses: list[str]) -> str | None:
        """The one account the participants' addresses point to (known address, then domain); None when
        none does or two do equally."""
        ...

    def hubspot_companies(self) -> list[str]: ...

    def domains(self) -> list[str]:
        """Every registry account's client domains (to find the CRM records at them)."""
        ...

    def salesforce_accounts(self) -> list[str]: ...


class Connector(Protocol):
    def pages(self, cursor: Cursor, directory: AccountDirectory) -> Iterator[Page]:
        """Every change since ``cursor``, oldest first, a bounded page at a time (a backlog of 100,000
        objects is never held at once). Raises ``SourceError`` for anything the operator must know."""
        ...

    def close(self) -> None: ...
