"""What a failed HubSpot call becomes: the client's ApiExceptions and network errors as ``SourceError``s that
say what to do, with the token never in them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import urllib3
from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsApiException
from hubspot.crm.objects.exceptions import ApiException as ObjectsApiException
from hubspot.crm.owners.exceptions import ApiException as OwnersApiException

from relbot.ingest.loaders.text import normalize_line
from relbot.sources.hubspot.values import parse_json
from relbot.sources.models import SourceError

API_ERRORS = (ObjectsApiException, AssociationsApiException, OwnersApiException)


def api_error(what: str, exc: Any, *, host: str, token: str) -> SourceError:
    status = int(getattr(exc, "status", 0) or 0)
    body = parse_json(getattr(exc, "body", None))
    if status == 0:  # the client's own wrapper for a TLS failure: no answer came
        return SourceError(f"HubSpot could not be reached (TLS failed) at {host} while {what}; check "
                           "the network, proxies and certificates. The next sync will try again.")
    if status == 401:
        return SourceError("HubSpot rejected the access token (401): check the private app token this source "
                           "names (its environment variable or file): is it current, and from this HubSpot "
                           "account?", permanent=True)
    if status == 403:
        scopes = _scopes(body)
        need = f"the scope{'s' if len(scopes) > 1 else ''} {', '.join(scopes)}" if scopes else "a scope"
        return SourceError(f"HubSpot refused {what} (403): the private app lacks {need}; add it under the "
                           "app's Scopes in HubSpot, then sync again.", permanent=True)
    if status == 429:
        retry_after = _retry_after(getattr(exc, "headers", None))
        return SourceError(f"HubSpot kept rate-limiting this token (429) while {what}; the next sync will "
                           "continue from here.", retry_after_s=retry_after)
    if status >= 500:
        return SourceError(f"HubSpot answered {status} while {what}; its service is failing, the next sync "
                           "will try again.")
    message = normalize_line(str(body.get("message") or getattr(exc, "reason", "") or ""))[:200]
    return SourceError(safe(f"HubSpot answered {status} while {what}" + (f": {message}" if message else "")
                            + ".", token))


def safe(message: str, token: str) -> str:
    return message.replace(token, "[token]") if token else message


def _scopes(body: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for error in body.get("errors") or []:
        context = error.get("context") or {} if isinstance(error, Mapping) else {}
        for key in ("requiredGranularScopes", "requiredScopes", "requiredScope"):
            found += [str(s) for s in context.get(key) or []]
    return list(dict.fromkeys(found))


def network_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc  # MaxRetryError wraps the last attempt's error
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or failed"
    if isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return "timed out"
    if isinstance(reason, urllib3.exceptions.ProtocolError):
        return "connection dropped"
    return type(reason).__name__


def _retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
