"""From a stored source row to a live connector: its settings validated, its secret read where the operator
said it lives. The client libraries load only when their source syncs."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from relbot.config import read_secret
from relbot.errors import ConfigError
from relbot.sources.config import HubSpotConfig, ImapConfig, SalesforceConfig, SecretRef, SourceConfig
from relbot.sources.models import Connector, SourceError

CONFIG: TypeAdapter[HubSpotConfig | SalesforceConfig | ImapConfig] = TypeAdapter(SourceConfig)


def config_problems(exc: ValidationError) -> str:
    """ "port: Input should be less than or equal to 65535; …" — never the values (one may be a path to a secret)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'settings'}: {e['msg']}"
                     for e in exc.errors(include_input=False))


def parse_config(raw: dict[str, Any]) -> HubSpotConfig | SalesforceConfig | ImapConfig:
    """A stored source's settings; a row that no longer validates is a permanent error of that source."""
    try:
        return CONFIG.validate_python(raw)
    except ValidationError as exc:
        raise SourceError(f"this source's settings are not valid ({config_problems(exc)}); remove it and add it "
                          "again", permanent=True) from None


def secret_of(config: HubSpotConfig | SalesforceConfig | ImapConfig) -> SecretRef:
    return config.password if isinstance(config, ImapConfig) else config.token


def _secret(ref: SecretRef) -> str:
    try:
        return read_secret(env=ref.env, file=ref.file)
    except ConfigError as exc:
        raise SourceError(f"no credentials: {exc}", permanent=True) from None


def open_connector(raw: dict[str, Any]) -> Connector:
    config = parse_config(raw)
    secret = _secret(secret_of(config))
    if isinstance(config, HubSpotConfig):
        from relbot.sources.hubspot import HubSpotConnector

        return HubSpotConnector(config, secret)
    if isinstance(config, SalesforceConfig):
        from relbot.sources.salesforce import SalesforceConnector

        return SalesforceConnector(config, secret)
    from relbot.sources.imap import ImapConnector

    return ImapConnector(config, secret)
