"""Settings: the only module that reads the environment."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from relbot.errors import ConfigError

_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("./.relbot"), validation_alias=_env("RELBOT_DATA_DIR"))
    models_dir_override: Path | None = Field(None, validation_alias=_env("RELBOT_MODELS_DIR"))
    chroma_url: str | None = Field(None, validation_alias=_env("RELBOT_CHROMA_URL"))
    # A URL may carry the database password: kept secret, shown only with the password hidden.
    database_url: SecretStr | None = Field(None, validation_alias=_env("RELBOT_DATABASE_URL"))

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    slack_admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("RELBOT_SLACK_ADMINS")
    )

    agency_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("RELBOT_AGENCY_DOMAINS")
    )

    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("RELBOT_LLM_MODEL"))
    llm_timeout_s: float = Field(20.0, gt=0, validation_alias=_env("RELBOT_LLM_TIMEOUT_S"))
    llm_max_retries: int = Field(1, ge=0, validation_alias=_env("RELBOT_LLM_MAX_RETRIES"))

    max_file_mb: float = Field(25.0, gt=0, validation_alias=_env("RELBOT_MAX_FILE_MB"))
    knowledge_dir: Path | None = Field(None, validation_alias=_env("RELBOT_KNOWLEDGE_DIR"))
    prompts_dir: Path | None = Field(None, validation_alias=_env("RELBOT_PROMPTS_DIR"))
    backfill_days: int = Field(90, ge=0, validation_alias=_env("RELBOT_BACKFILL_DAYS"))
    scheduler_enabled: bool = Field(False, validation_alias=_env("RELBOT_SCHEDULER"))
    precall_minutes: int = Field(30, ge=5, le=1440, validation_alias=_env("RELBOT_PRECALL_MINUTES"))
    calendar_poll_minutes: float = Field(5.0, ge=1, le=1440, validation_alias=_env("RELBOT_CALENDAR_POLL_MINUTES"))
    sources_poll_minutes: float = Field(5.0, ge=1, le=1440, validation_alias=_env("RELBOT_SOURCES_POLL_MINUTES"))
    # Calendar addresses come from users: by default relbot refuses to fetch from loopback and private
    # networks (an intranet calendar server needs this on).
    calendar_allow_private: bool = Field(False, validation_alias=_env("RELBOT_CALENDAR_ALLOW_PRIVATE"))
    log_level: str = Field("INFO", validation_alias=_env("RELBOT_LOG_LEVEL"))

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins base_url and method name by plain concatenation.
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("agency_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        return parse_domains(value) if isinstance(value, str) else value

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None

    @property
    def models_dir(self) -> Path:
        return self.models_dir_override or self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def state_db_path(self) -> Path:
        return self.data_dir / "state.sqlite3"

    @property
    def state_db_target(self) -> str | Path:
        """Where the state lives: RELBOT_DATABASE_URL if set, else the SQLite file in the data dir."""
        url = self.database_url.get_secret_value().strip() if self.database_url else ""
        return url or self.state_db_path


def parse_domains(value: str) -> list[str]:
    """ "Agency.com, @studio.co.uk" -> ["agency.com", "studio.co.uk"]; raises ValueError on a non-domain."""
    domains = []
    for part in value.split(","):
        domain = part.strip().lstrip("@").lower()
        if not domain:
            continue
        if not _DOMAIN.fullmatch(domain):
            raise ValueError(f"'{part.strip()}' is not an e-mail domain; use e.g. agency.com")
        domains.append(domain)
    return list(dict.fromkeys(domains))


def read_secret(*, env: str | None = None, file: Path | None = None) -> str:
    """A source's token or password, from the environment variable or the file the operator named. The message
    of a missing one names where relbot looked, never a value."""
    if env is not None:
        value = os.environ.get(env, "").strip()
        if not value:
            raise ConfigError(f"the environment variable {env} is not set (or empty); set it to the secret, on "
                              "every host that syncs this source")
        return value
    if file is None:
        raise ConfigError("no secret configured: name an environment variable or a file")
    try:
        value = file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the secret file {file} ({exc.strerror or type(exc).__name__})") from None
    if not value:
        raise ConfigError(f"the secret file {file} is empty")
    return value


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        # Name the variable and say what is wrong with it; never echo the value (it may be a secret).
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']).upper()}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_input=False)
        )
        raise ConfigError(f"invalid setting: {problems}") from None
