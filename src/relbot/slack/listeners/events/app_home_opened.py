"""App Home: the user's calendar (next client meeting, a failing feed), then the accounts they may see, with
health and last contact, and draft buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.slack.access import AccessDenied
from relbot.slack.home import calendar_lines, home_entries, live_source_lines
from relbot.slack.runtime import Runtime
from relbot.slack.sanitize import escape
from relbot.slack.view_layouts import home, home_notice

log = logging.getLogger(__name__)


def runner(rt: Runtime) -> Callable[..., None]:
    def publish_home(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab") not in (None, "home") or not rt.first_delivery(body):
            return
        user_id = str(event["user"])
        try:
            rt.access.check_user(user_id)
            view = home(home_entries(rt, user_id), calendar_lines(rt, user_id), live_source_lines(rt, user_id))
        except AccessDenied as exc:
            view = home_notice(escape(str(exc)))
        try:
            rt.client.views_publish(user_id=user_id, view=view)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.info("views.publish failed: %s", type(exc).__name__)

    return publish_home
