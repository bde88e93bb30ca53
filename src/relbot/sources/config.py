"""How each live source is reached: the settings an operator gives `relbot sources add`, stored as JSON in
the state database. Secrets are never among them: a source names the environment variable or the file that
holds its token or password (``SecretRef``), and the value is read when a sync needs it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from relbot.sources.models import SourceType


class SecretRef(BaseModel):
    """Where a secret lives: exactly one of an environment variable's name or a file's path."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    file: Path | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise ValueError("name either an environment variable (--…-env NAME) or a file (--…-file PATH)")
        return self

    def describe(self) -> str:
        return f"${self.env}" if self.env else f"file {self.file}"


class HubSpotConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal[SourceType.HUBSPOT] = SourceType.HUBSPOT
    token: SecretRef  # a private app's access token
    base_url: HttpUrl = HttpUrl("https://api.hubapi.com")
    objects: tuple[Literal["notes", "emails", "calls", "meetings", "tasks"], ...] = (
        "notes", "emails", "calls", "meetings", "tasks")
    # The search API allows 5 requests a second per token (HubSpot's documented limit); stay under it.
    search_per_second: float = Field(4.0, gt=0)


class SalesforceConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal[SourceType.SALESFORCE] = SourceType.SALESFORCE
    instance_url: HttpUrl  # https://yourorg.my.salesforce.com
    token: SecretRef  # an OAuth access token for the instance (a connected app's)
    api_version: str = Field("62.0", pattern=r"^\d+\.\d$")
    ca_bundle: Path | None = None  # a private CA for the instance's certificate (tests, proxies)


class ImapConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal[SourceType.IMAP] = SourceType.IMAP
    host: str = Field(min_length=1)
    port: int = Field(993, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str = Field(min_length=1)
    password: SecretRef
    folders: tuple[str, ...] = ("INBOX",)
    ca_bundle: Path | None = None


SourceConfig = Annotated[HubSpotConfig | SalesforceConfig | ImapConfig, Field(discriminator="type")]
