"""Posting pages where they belong: privately by default, publicly only when someone shares.

A ``Destination`` says where the request came from. Private delivery prefers the request's
``response_url`` (works even where relbot is not a channel member), then ``chat.postEphemeral``, then the
user's DM with relbot; surfaces without a conversation (App Home, modals) go straight to the DM; the
assistant panel gets a reply in its thread.
A post that still fails after the client's retries is logged (without its text) and reported as False:
the process stays up and the caller decides whether to tell the user another way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from relbot.slack.blocks import message
from relbot.slack.paging import Page, paginate
from relbot.slack.webclient import TIMEOUT_S, retry_handlers

log = logging.getLogger(__name__)

Mode = Literal["response_url", "ephemeral", "dm", "thread"]


@dataclass(frozen=True)
class Destination:
    mode: Mode
    user_id: str
    channel_id: str | None = None  # the conversation the request came from (also the share target)
    response_url: str | None = None
    thread_ts: str | None = None

    @property
    def can_share(self) -> bool:
        """A public copy makes sense only in a conversation other than the user's own DM with relbot."""
        return self.mode in ("response_url", "ephemeral") and bool(self.channel_id)


class Delivery:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send(self, dest: Destination, pages: Sequence[Page]) -> bool:
        return all(self._send_one(dest, page) for page in pages)

    def say(self, dest: Destination, text: str, title: str = "relbot") -> bool:
        """A short message (help, a refusal, a confirmation) to the same place a draft would go."""
        return self.send(dest, paginate(message(title, text)))

    def publish(self, channel_id: str, pages: Sequence[Page]) -> bool:
        return all(self._api("chat.postMessage", channel=channel_id, text=p.text, blocks=p.blocks) for p in pages)

    def _send_one(self, dest: Destination, page: Page) -> bool:
        """Private places in order of preference; a failed post falls through to the next one."""
        if dest.mode == "thread" and dest.channel_id:
            return self._api("chat.postMessage", channel=dest.channel_id, thread_ts=dest.thread_ts, text=page.text,
                             blocks=page.blocks)
        if dest.mode == "response_url" and dest.response_url and self._respond(dest.response_url, page):
            return True
        if dest.mode in ("response_url", "ephemeral") and dest.channel_id and self._api(
            "chat.postEphemeral", channel=dest.channel_id, user=dest.user_id, text=page.text, blocks=page.blocks,
            thread_ts=dest.thread_ts,
        ):
            return True
        # A user id as channel posts to the user's DM with relbot: private as well, and the natural place for
        # App Home and modal requests; the last resort when the others failed (expired response_url, not a member).
        return self._api("chat.postMessage", channel=dest.user_id, text=page.text, blocks=page.blocks)

    def _respond(self, url: str, page: Page) -> bool:
        hook = WebhookClient(url, timeout=TIMEOUT_S, retry_handlers=retry_handlers())
        try:
            response = hook.send_dict(
                {"response_type": "ephemeral", "replace_original": False, "text": page.text, "blocks": page.blocks}
            )
        except (SlackClientError, OSError) as exc:
            log.info("response_url post failed: %s", type(exc).__name__)
            return False
        if response.status_code != 200:
            log.info("response_url post failed: HTTP %s", response.status_code)
            return False
        return True

    def _api(self, method: str, **kwargs: object) -> bool:
        args = {k: v for k, v in kwargs.items() if v is not None}
        try:
            self._client.api_call(method, json=args)
        except SlackApiError as exc:
            log.info("%s failed: %s", method, exc.response.get("error", "unknown error"))
            return False
        except (SlackClientError, OSError) as exc:
            log.info("%s failed: %s", method, type(exc).__name__)
            return False
        return True
