"""`/relbot digest subscribe|unsubscribe|subscription` on the Slack side: who the subscriber is in Slack.

``digest.slack_text`` parses the text and stores the subscription; this module answers its question about Slack
through the same cached ``users.info`` lookups as the access checks: the subscriber's own time zone (the default
when the text names none), and whether they may get a digest at all (guests, external and unknown accounts may
not, so an admin cannot subscribe one).
"""

from __future__ import annotations

from relbot.digest.slack_text import apply_slack_text
from relbot.digest.subscriptions import SubscriptionError
from relbot.slack.runtime import Runtime


def change_subscription(rt: Runtime, *, user_id: str, text: str) -> str:
    """The reply (Slack mrkdwn) for the requester ``user_id``; raises a RelbotError that is safe to show."""
    def lookup(member: str) -> str | None:
        return slack_zone(rt, member)

    return apply_slack_text(rt.services.state, user_id=user_id, text=text,
                            admins=rt.services.settings.slack_admins, lookup=lookup)


def slack_zone(rt: Runtime, member: str) -> str | None:
    user = rt.access.directory.user(member)
    if user is None:
        raise SubscriptionError(f"I could not find {member} in Slack just now, so nothing was changed. Check the "
                                "member ID and try again.")
    if user.is_guest or user.is_external:
        raise SubscriptionError(f"{member} is a guest, external or deactivated account: relbot sends them no "
                                "digest.")
    return user.tz
