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


def parse_config(raw: dict[str, Any]) -> HubSpotConfig | SalesforceConfig | ImapConfig:
    try:
        return CONFIG.validate_python(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'settings'}: {e['msg']}"
                             for e in exc.errors(include_input=False))
        raise SourceError(f"this source's settings are not valid ({problems}); remove it and add it again",
                          permanent=True) from None


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
