"""The Slack calls behind one digest DM (``relbot.digest.delivery.DigestMessenger``): who the recipient is, their
DM channel, posting the digest as Block Kit (digest_blocks.py), and finding a copy an earlier attempt already
posted by the message ``metadata`` it carries (all through direct_messages.py, as the meeting messages). The core
never imports this module; the caller hands it to the sender."""

from __future__ import annotations

import datetime as dt

from slack_sdk import WebClient

from relbot.digest.delivery import Skip
from relbot.digest.models import Digest
from relbot.slack import direct_messages as dm
from relbot.slack.digest_blocks import message

EVENT_TYPE = "relbot_digest"
# The digest ledger has always recorded a connection failure by its error type alone (a refusal: "Slack said …").
_delivery_errors = dm.delivery_errors(unreachable="{name}")


class SlackDigestMessenger:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    @_delivery_errors
    def check_recipient(self, user_id: str) -> None:
        """Raises ``Skip`` for guests, external, deactivated, bot and unknown users: they get no account data."""
        try:
            dm.check_recipient(self._client, user_id)
        except dm.NotARecipient as exc:
            raise Skip(str(exc)) from None

    @_delivery_errors
    def open_dm(self, user_id: str) -> str:
        return dm.open_dm(self._client, user_id)

    @_delivery_errors
    def post(self, channel: str, digest: Digest, marker: dict[str, str]) -> str:
        """Posts the digest; returns the message ts."""
        text, blocks = message(digest)
        return dm.post_marked(self._client, channel, text, blocks, event_type=EVENT_TYPE, payload=marker)

    @_delivery_errors
    def find_posted(self, channel: str, marker: dict[str, str], *, since: dt.datetime) -> str | None:
        """The ts of this week's digest in the DM, if an attempt posted it but died before recording it."""
        return dm.find_marked(self._client, channel, event_type=EVENT_TYPE, payload=marker, oldest=since)
