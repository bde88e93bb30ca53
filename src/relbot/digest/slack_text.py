"""`/relbot digest subscribe|unsubscribe|subscription …` from Slack: parse the text after `digest`, apply it,
return the reply. The Slack handler stays thin: it passes the requester, the text and the requester's Slack
time zone (users.info ``tz``) and shows what comes back.

    subscribe [<@U…>] [mon] [08:00] [Europe/London]   (any order; or --day/--time/--tz; defaults mon 08:00)
    unsubscribe [<@U…>]
    subscription                                      (what is set up now)

Subscribing someone else takes an admin (RELBOT_SLACK_ADMINS): a digest lists every account its recipient
may see, and choosing to send it to another person is an admin's call.
"""

from __future__ import annotations

from collections.abc import Iterable

from relbot.digest import subscriptions as subs
from relbot.digest.subscriptions import Subscription, SubscriptionError
from relbot.store.state import StateDB

USAGE = ("Usage: `/relbot digest subscribe [mon] [08:00] [Europe/London]`, "
         "`/relbot digest unsubscribe`, `/relbot digest subscription`.")
ACTIONS = ("subscribe", "unsubscribe", "subscription", "subscriptions")
NOT_ADMIN = "Only relbot admins can change someone else's digest subscription."


def is_subscription_text(text: str) -> bool:
    """True when the text after `digest` is a subscription command (else the handler shows the digest)."""
    words = text.split()
    return bool(words) and words[0].lower() in ACTIONS


def apply_slack_text(
    state: StateDB, *, user_id: str, text: str, default_tz: str = "UTC", admins: Iterable[str] = ()
) -> str:
    """The reply to show; raises ``SubscriptionError`` (safe to show) for a request that cannot be applied."""
    words = text.split()
    if not words or words[0].lower() not in ACTIONS:
        raise SubscriptionError(USAGE)
    action, rest = words[0].lower(), words[1:]
    target = user_id
    if rest and rest[0].startswith("<@"):
        target = subs.parse_user(rest.pop(0))
        if target != user_id and user_id not in set(admins):
            raise SubscriptionError(NOT_ADMIN)
    you = "You" if target == user_id else f"<@{target}>"
    if action == "unsubscribe":
        if rest:
            raise SubscriptionError(USAGE)
        gone = subs.unsubscribe(state, target)
        return f"{you} will no longer get the weekly digest." if gone else f"{you} had no digest subscription."
    if action in ("subscription", "subscriptions"):
        current = subs.subscription(state, target)
        return f"{you} get the weekly digest {current.describe()}." if current else (
            f"{you} have no digest subscription. " + USAGE)
    sub = _parse(target, rest, default_tz)
    subs.subscribe(state, sub, by=user_id)
    return f"Subscribed. {you} will get the weekly digest {sub.describe()}, as a DM from relbot."


def _parse(user: str, words: list[str], default_tz: str) -> Subscription:
    found: dict[str, str] = {}
    flags = {"--day": "day", "--time": "time", "--tz": "tz"}
    it = iter(words)
    for word in it:
        key = flags.get(word.lower())
        value = next(it, None) if key else word
        if value is None:
            raise SubscriptionError(f"{word} needs a value. {USAGE}")
        key = key or _kind(value)
        if key in found:
            raise SubscriptionError(f"Two values for the {key}: '{found[key]}' and '{value}'. {USAGE}")
        found[key] = value
    return subs.make(user, day=found.get("day", "mon"), at=found.get("time", "08:00"),
                     tz=found.get("tz", default_tz))


def _kind(word: str) -> str:
    """Which field a bare word fills: a time has a colon, a zone a slash (or is UTC), anything else is a day."""
    if ":" in word:
        return "time"
    if "/" in word or word.upper() in ("UTC", "GMT"):
        return "tz"
    return "day"
