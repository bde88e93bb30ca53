"""The Web API client relbot posts with: ``SLACK_API_URL`` as base, and retries for 429, 5xx and drops.

Retries run in worker threads only (never on the ack path), so a ``Retry-After`` sleep delays one
delivery, not Slack's 3-second acknowledgement of anything else.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from relbot.config import Settings

TIMEOUT_S = 15


class _Shared:
    """Retry handlers keep no state between calls (that lives in RetryState), so copies may share them.

    bolt deep-copies every request (its client and the client's handlers included) for lazy listeners,
    on the ack path: sharing the handlers takes two thirds off the cost of copying the client."""

    def __deepcopy__(self, memo: dict[int, object]) -> _Shared:
        return self


class RateLimitRetry(_Shared, RateLimitErrorRetryHandler):
    """429: wait for Retry-After, then try again."""


class ConnectionRetry(_Shared, ConnectionErrorRetryHandler):
    """A dropped or refused connection."""


class AnyServerErrorRetryHandler(_Shared, ServerErrorRetryHandler):
    """slack_sdk's handler retries only 500 and 503; a gateway's 502 or 504 is just as transient."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers() -> list[RetryHandler]:
    return [
        RateLimitRetry(max_retry_count=3),
        ConnectionRetry(max_retry_count=2),
        AnyServerErrorRetryHandler(max_retry_count=2),
    ]


def build_web_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token, base_url=settings.slack_api_url, timeout=TIMEOUT_S, retry_handlers=retry_handlers()
    )
