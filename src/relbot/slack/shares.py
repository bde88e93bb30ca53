""""Share to channel": the button's value, and a short-lived cache of the exact pages the user saw.

The value (≤ 2,000 characters, Slack's limit for a button value) carries a random token for the cache and,
when it fits, the request needed to re-draft (kind, account, question, as-of date). Sharing posts the cached
pages, so the channel sees what the user reviewed; after a restart, on another replica or after the TTL it
re-drafts from the request with the same as-of date instead.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from relbot.slack.drafts import DraftRequest
from relbot.slack.paging import Page
from relbot.slack.ttl_cache import TTLCache

SHARE_ACTION = "relbot_share"
VALUE_LIMIT = 2_000
TTL_S = 30 * 60  # as long as the response_url that delivered the private copy stays usable
MAX_ENTRIES = 512


@dataclass(frozen=True)
class ShareTicket:
    token: str
    request: DraftRequest | None  # None when the request did not fit in the button value


def encode(token: str, request: DraftRequest) -> str:
    value = json.dumps({"t": token, "r": request.to_json()}, separators=(",", ":"), ensure_ascii=False)
    if len(value) <= VALUE_LIMIT:
        return value
    return json.dumps({"t": token})  # a very long question: cache only


def decode(value: str) -> ShareTicket | None:
    try:
        data = json.loads(value)
        request = DraftRequest.from_json(data["r"]) if "r" in data else None
        return ShareTicket(token=str(data["t"]), request=request)
    except (ValueError, KeyError, TypeError):
        return None


def share_button(value: str) -> ActionsBlock:
    button = ButtonElement(text="Share to channel", action_id=SHARE_ACTION, value=value, style="primary")
    return ActionsBlock(block_id=SHARE_ACTION, elements=[button])


class ShareCache:
    def __init__(self, *, ttl_s: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: TTLCache[tuple[str, list[Page]]] = TTLCache(ttl_s=ttl_s, max_entries=MAX_ENTRIES, clock=clock)

    def put(self, account: str, pages: Sequence[Page]) -> str:
        token = secrets.token_urlsafe(12)
        self._items.put(token, (account, list(pages)))
        return token

    def get(self, token: str) -> tuple[str, list[Page]] | None:
        """(account, pages) while fresh."""
        return self._items.get(token)
