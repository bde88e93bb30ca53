"""Core data models shared by ingest, store, retrieval and drafting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class SourceKind(StrEnum):
    NOTE = "note"
    TRANSCRIPT = "transcript"
    EMAIL = "email"
    CRM = "crm"
    SLACK = "slack"


class Tier(StrEnum):
    """Customer pyramid (playbook: customer tiers)."""

    PLATINUM = "platinum"
    GOLD = "gold"
    IRON = "iron"
    LEAD = "lead"


class Stage(StrEnum):
    """Relationship lifecycle (playbook: lifecycle stages)."""

    INCEPTION = "inception"
    DEVELOPMENT = "development"
    MAINTENANCE = "maintenance"
    DISSOLUTION = "dissolution"


class RelationshipType(StrEnum):
    MARRIAGE = "marriage"
    FLING = "fling"


class SourceItem(BaseModel):
    """One unit a loader extracted from a file: a note, a speaker turn, an email, a CRM row, a Slack message.

    Loaders never split or merge items; chunking groups consecutive items of one ``thread`` into records.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    kind: SourceKind
    source: str  # file path, URL or Slack permalink
    position: int  # order of this item inside its source file
    date: dt.date | None = None
    author: str | None = None  # speaker, sender, Slack user, CRM owner
    title: str | None = None  # note title, email subject, CRM subject, channel name
    thread: str | None = None  # items sharing a thread are chunked together (email subject, Slack thread)
    account: str | None = None  # from front matter, when the file names its account
    participants: tuple[str, ...] = ()  # attendees, email recipients ("Name <address>" where both are known)
    author_address: str | None = None  # the sender's e-mail address, when the source gives one
    message_id: str | None = None  # which message this is (Message-ID), for messages that may repeat
    carried: bool = False  # an older message quoted or forwarded inside another (a copy of what someone wrote)


# Bumped whenever chunking (ingest/chunking.py) changes which records a source becomes (and so their
# content-hash ids): a store chunked another way would keep both versions of every re-ingested source. Stores
# record it on creation (store/chroma.py) and refuse to open with another.
CHUNKER_VERSION = 3


class Record(BaseModel):
    """A stored, embedded chunk of relationship history for one account."""

    model_config = ConfigDict(frozen=True)

    id: str  # content hash (account + source + text): re-ingesting the same content adds nothing
    account: str
    kind: SourceKind
    source: str
    position: int  # position of the first item of this chunk in its source
    text: str
    date: dt.date | None = None
    author: str | None = None  # for multi-speaker chunks: comma-separated speakers in order
    title: str | None = None
    thread: str | None = None
    author_address: str | None = None
    participants: tuple[str, ...] = ()  # recipients and attendees ("Name <address>" where both are known)
    carried: bool = False  # quoted or forwarded inside another message: a copy, maybe of a record we hold

    def citation(self) -> Citation:
        return Citation(record_id=self.id, source=self.source, date=self.date, kind=self.kind)


class Citation(BaseModel):
    """Where a claim came from: a record (account history) or a playbook section (guidance)."""

    record_id: str | None = None
    source: str
    date: dt.date | None = None
    kind: SourceKind | None = None
    section: str | None = None  # playbook anchor, e.g. "expectation-setting#reporting-cadence"

    def label(self) -> str:
        if self.section:
            return f"playbook: {self.section}"
        when = self.date.isoformat() if self.date else "undated"
        return f"{self.kind.value if self.kind else 'record'} {when} · {self.source}"


class SearchHit(BaseModel):
    id: str
    text: str
    account: str
    kind: SourceKind
    source: str
    date: dt.date | None
    score: float
    author: str | None = None
    title: str | None = None
    position: int = 0

    def citation(self) -> Citation:
        return Citation(record_id=self.id, source=self.source, date=self.date, kind=self.kind)


class GuidanceSection(BaseModel):
    """One section of the agency playbook in knowledge/."""

    id: str  # "<file-stem>#<anchor>"
    topic: str  # file title
    heading: str
    text: str
    source: str  # knowledge/<file>.md


class Account(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    tier: Tier = Tier.GOLD
    stage: Stage = Stage.DEVELOPMENT
    relationship_type: RelationshipType = RelationshipType.MARRIAGE
    client_contact: str | None = None  # the client's project manager (single point of contact)
    account_manager: str | None = None  # the agency's account manager
    team: list[str] = Field(default_factory=list)  # Slack user ids allowed to see this account
    channels: list[str] = Field(default_factory=list)  # linked Slack channel ids
    domains: list[str] = Field(default_factory=list)  # the client's e-mail domains (lower-case, no "@")
    hubspot_companies: list[str] = Field(default_factory=list)  # HubSpot company ids whose activity is this account's
    salesforce_accounts: list[str] = Field(default_factory=list)  # Salesforce Account ids (15 or 18 characters)

    def visible_to(self, user_id: str | None, admins: Iterable[str]) -> bool:
        """Who may see this account's data (the one rule; every surface and the digest apply it): an account
        with a team is visible to its members and the admins, one without a team to everyone. ``None`` is the
        operator's view (the CLI's `relbot digest`), which sees every account."""
        return user_id is None or not self.team or user_id in self.team or user_id in set(admins)


class FileReport(BaseModel):
    path: str
    status: str  # "ok" | "failed"
    added: int = 0
    duplicate: int = 0
    reason: str | None = None


class IngestReport(BaseModel):
    added: int = 0
    duplicate: int = 0
    failed: list[dict[str, str]] = Field(default_factory=list)  # [{path, reason}]
    files: list[FileReport] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed
