"""What a failed Salesforce call becomes: simple-salesforce's errors and requests' network errors as
``SourceError``s that say what to do, with the token never in them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from relbot.ingest.loaders.text import normalize_line
from relbot.sources.config import SalesforceConfig
from relbot.sources.models import SourceError

# REQUEST_LIMIT_EXCEEDED is a rolling 24-hour allowance (or the concurrent long-request cap, which clears in
# seconds): capacity comes back continuously, so a 15-minute wait costs a handful of calls, where an hour would
# leave the history an hour staler for nothing.
_RATE_LIMIT_RETRY_S = 900.0


def _salesforce_says(content: Any) -> tuple[str, str]:
    """(errorCode, message) from Salesforce's ``[{"message": …, "errorCode": …}]`` body (or whatever came)."""
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return "", normalize_line(str(content))[:300]


def scrub(message: str, token: str) -> str:
    return message.replace(token, "[token]") if token else message


def refusal(exc: SalesforceError, *, instance: str, config: SalesforceConfig, token: str) -> SourceError:
    code, said = _salesforce_says(exc.content)
    detail = f"{code}: {said}" if code else said or f"HTTP {exc.status}"
    if isinstance(exc, SalesforceExpiredSession):
        message = (f"Salesforce rejected the access token ({detail}): it has expired or been revoked. Get a "
                   f"new token for {instance} and put it in {config.token.describe()}.")
        return SourceError(scrub(message, token), permanent=True)
    if isinstance(exc, SalesforceRefusedRequest) and code == "REQUEST_LIMIT_EXCEEDED":
        message = (f"Salesforce's API request allowance for the org is used up ({detail}); the sync tries "
                   f"again in {_RATE_LIMIT_RETRY_S / 60:.0f} minutes. If this repeats, see Setup → Company "
                   "Information → API Requests for what else uses the allowance.")
        return SourceError(scrub(message, token), retry_after_s=_RATE_LIMIT_RETRY_S)
    if isinstance(exc, SalesforceRefusedRequest):
        message = (f"Salesforce refused the request ({detail}). The token's user needs the API Enabled "
                   "permission and read access to Accounts, Tasks and Events.")
        return SourceError(scrub(message, token), permanent=True)
    if isinstance(exc, SalesforceMalformedRequest):
        message = (f"Salesforce rejected the query ({detail}). Check that API version "
                   f"{config.api_version} is one the org supports and the user can read these fields.")
        return SourceError(scrub(message, token), permanent=True)
    if isinstance(exc, SalesforceResourceNotFound):
        message = (f"Salesforce has no such resource ({detail}); check instance_url ({instance}) and "
                   f"api_version ({config.api_version}).")
        return SourceError(scrub(message, token), permanent=True)
    passing = exc.status >= 500 or exc.status == 429
    message = f"Salesforce answered HTTP {exc.status} ({detail})" + (
        "; the sync tries again later." if passing else "; check the source's settings.")
    return SourceError(scrub(message, token), permanent=not passing)


def unreachable(exc: requests.RequestException, *, instance: str, token: str,
                read_timeout: float) -> SourceError:
    if isinstance(exc, requests.exceptions.SSLError):
        message = (f"Could not verify the TLS certificate of {instance} ({exc}); if it is signed by a "
                   "private CA, set ca_bundle to that CA's PEM file.")
        return SourceError(scrub(message, token), permanent=True)
    if isinstance(exc, requests.Timeout):
        message = (f"Salesforce at {instance} did not answer within {read_timeout:.0f} s; the sync "
                   "tries again later.")
    else:
        message = (f"Could not reach Salesforce at {instance} ({type(exc).__name__}); check instance_url "
                   "and the network. The sync tries again later.")
    return SourceError(scrub(message, token))
