"""What the listeners share: the core services and the Slack-side helpers, built once per app.

Listeners receive this object through closures at registration time, never through the bolt context
(bolt deep-copies context values for lazy listeners, and configuration does not belong there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from relbot.services import Services
from relbot.slack.access import AccessPolicy
from relbot.slack.backfill import Backfill
from relbot.slack.capture import SlackCapture
from relbot.slack.delivery import Delivery
from relbot.slack.directory import Directory
from relbot.slack.shares import ShareCache
from relbot.store.shared_entries import SharedEntries
from relbot.store.slack_messages import MessageIndex

PENDING_TTL = dt.timedelta(minutes=15)  # a modal left open longer than this must be reopened


@dataclass
class Runtime:
    services: Services
    client: WebClient  # retries 429/5xx/drops: worker threads only
    ack_client: WebClient  # no retries, short timeout: the only client used before an ack
    access: AccessPolicy
    delivery: Delivery
    shares: ShareCache
    capture: SlackCapture
    backfill: Backfill
    pending: SharedEntries  # message-shortcut payloads too long for a modal's private_metadata (JSON)

    def first_delivery(self, body: dict[str, Any]) -> bool:
        """False for a Slack retry of an event already handled (X-Slack-Retry-Num with a seen event_id)."""
        event_id = body.get("event_id")
        return not event_id or self.services.state.claim_event(str(event_id))


def build_runtime(services: Services, client: WebClient, ack_client: WebClient) -> Runtime:
    directory = Directory(client)
    index = MessageIndex(services.state)
    capture = SlackCapture(services=services, client=client, directory=directory, index=index)
    return Runtime(
        services=services,
        client=client,
        ack_client=ack_client,
        access=AccessPolicy(state=services.state, directory=directory, admins=services.settings.slack_admins),
        delivery=Delivery(client),
        shares=ShareCache(services.state),
        capture=capture,
        backfill=Backfill(state=services.state, client=client, capture=capture, days=services.settings.backfill_days),
        pending=SharedEntries(services.state, "modal", ttl=PENDING_TTL),
    )
