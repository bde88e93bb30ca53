""""Share to channel": the button's value, and the exact pages the user saw, kept for as long as they can share.

The value (≤ 2,000 characters, Slack's limit for a button value) carries a random token for the stored pages
and, when it fits, the request needed to re-draft (kind, account, question, as-of date). Sharing posts the
stored pages (in the state database, so whichever replica takes the click finds them), so the channel sees
what the user reviewed; after the TTL it re-drafts from the request with the same as-of date instead.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from relbot.slack.draft_requests import DraftRequest
from relbot.slack.paging import Page
from relbot.store.shared_entries import SharedEntries
from relbot.store.state import StateDB

SHARE_ACTION = "relbot_share"
VALUE_LIMIT = 2_000
TTL = dt.timedelta(minutes=30)  # as long as the response_url that delivered the private copy stays usable


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
    def __init__(self, state: StateDB, *, ttl: dt.timedelta = TTL) -> None:
        self._entries = SharedEntries(state, "share", ttl=ttl)

    def put(self, account: str, pages: Sequence[Page]) -> str:
        token = secrets.token_urlsafe(12)
        self._entries.put(token, json.dumps({"account": account, "pages": [asdict(p) for p in pages]}))
        return token

    def get(self, token: str) -> tuple[str, list[Page]] | None:
        """(account, pages) while fresh."""
        stored = self._entries.get(token)
        if stored is None:
            return None
        data = json.loads(stored)
        return str(data["account"]), [Page(text=p["text"], blocks=p["blocks"]) for p in data["pages"]]
