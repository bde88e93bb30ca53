"""`/relbot digest subscribe|unsubscribe|subscription …` from Slack: parse the text after `digest`, apply it,
return the reply (Slack mrkdwn). ``change_subscription`` is what the handler calls: it passes the requester and
the text, and answers the parser's question about Slack through the same cached ``users.info`` lookups as the
access checks: the subscriber's own time zone (the default when the text names none), and whether they may get a
digest at all (guests, external and unknown accounts may not, so an admin cannot subscribe one).

    subscribe [<@U…>|U…] [mon] [08:00] [Europe/London]   (any order; or --day/--time/--tz)
    unsubscribe [<@U…>|U…]
    subscription [<@U…>|U…]                             (what is set up now)

Omitted parts default to Monday, 08:00 and the subscriber's own Slack time zone (``default_tz`` when Slack does
not say). Subscribing someone else takes an admin (RELBOT_SLACK_ADMINS): a digest lists every account its
recipient may see, and choosing to send it to another person is an admin's call. The subscriptions themselves
are the core's (digest/subscriptions.py); the CLI's `relbot digest subscribe` stores the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from relbot.digest import subscriptions as subs
from relbot.digest.subscriptions import Subscription, SubscriptionError
from relbot.slack.commands import DIGEST_ACTIONS
from relbot.slack.runtime import Runtime
from relbot.store.state import StateDB

USAGE = ("Usage: `/relbot digest subscribe [mon] [08:00] [Europe/London]` (defaults: Monday, 08:00, your Slack "
         "time zone), `/relbot digest unsubscribe`, `/relbot digest subscription`.")
ACTIONS = DIGEST_ACTIONS  # what the `/relbot` parser (commands.py) routes here
NOT_ADMIN = "Only relbot admins can change someone else's digest subscription."
BY_MEMBER_ID = ("Name the person by their member ID, e.g. `/relbot digest subscribe U0123ABCD wed` "
                "(their profile → ⋮ → Copy member ID).")
_MEMBER_ID = re.compile(r"^[UW](?=[A-Z0-9]*\d)[A-Z0-9]{6,}$")  # Slack shows member ids in capitals, with digits

Lookup = Callable[[str], str | None]
"""A Slack member id → their Slack time zone (None if Slack does not say); raises ``SubscriptionError`` for
someone who cannot get a digest (unknown, a guest, an external or deactivated account)."""


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
    if not user.may_see_accounts:
        raise SubscriptionError(f"{member} is a guest, external or deactivated account: relbot sends them no "
                                "digest.")
    return user.tz


def is_subscription_text(text: str) -> bool:
    """True when the text after `digest` is a subscription command (else the handler shows the digest)."""
    words = text.split()
    return bool(words) and words[0].lower() in ACTIONS


def apply_slack_text(
    state: StateDB, *, user_id: str, text: str, default_tz: str = "UTC", admins: Iterable[str] = (),
    lookup: Lookup | None = None,
) -> str:
    """The reply to show (Slack mrkdwn); raises ``SubscriptionError`` (safe to show, once escaped) for a request
    that cannot be applied."""
    words = text.split()
    if not words or words[0].lower() not in ACTIONS:
        raise SubscriptionError(USAGE)
    action, rest = words[0].lower(), words[1:]
    target = user_id
    if rest and _names_a_person(rest[0]):
        target = _member(rest.pop(0))
        if target != user_id and user_id not in set(admins):
            raise SubscriptionError(NOT_ADMIN)
    me = target == user_id
    you = "You" if me else f"<@{target}>"
    if action == "unsubscribe":
        if rest:
            raise SubscriptionError(USAGE)
        gone = subs.unsubscribe(state, target)
        return f"{you} will no longer get the weekly digest." if gone else f"{you} had no digest subscription."
    if action in ("subscription", "subscriptions"):
        if rest:
            raise SubscriptionError(USAGE)
        current = subs.subscription(state, target)
        if current:
            return f"{you} {'get' if me else 'gets'} the weekly digest {current.describe()}."
        return f"{you} {'have' if me else 'has'} no digest subscription. " + USAGE
    slack_tz = _valid_zone(lookup(target) if lookup else None)
    sub, zone_given = _parse(target, rest, slack_tz or default_tz)
    subs.subscribe(state, sub, by=user_id)
    reply = f"Subscribed. {you} will get the weekly digest {sub.describe()}, as a DM from relbot."
    if slack_tz and not zone_given:
        whose = "your" if me else "their"
        reply += f" The time zone is {whose} Slack one; add another (e.g. `Asia/Tokyo`) to choose it."
    return reply


def _names_a_person(word: str) -> bool:
    return word.startswith(("<@", "@")) or bool(_MEMBER_ID.match(word))


def _member(word: str) -> str:
    if word.startswith("@"):
        raise SubscriptionError(f"I can't tell who '{word}' is. {BY_MEMBER_ID}")
    return subs.parse_user(word)


def _valid_zone(name: str | None) -> str | None:
    try:
        return subs.parse_tz(name) if name else None
    except SubscriptionError:  # a zone Slack knows and this machine's tz database does not
        return None


def _parse(user: str, words: list[str], default_tz: str) -> tuple[Subscription, bool]:
    """The subscription, and whether the text named its time zone."""
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
    sub = subs.make(user, day=found.get("day", "mon"), at=found.get("time", "08:00"), tz=found.get("tz", default_tz))
    return sub, "tz" in found


def _kind(word: str) -> str:
    """Which field a bare word fills: a time has a colon or starts with a digit, a zone has a slash or is a zone
    (or a city of one: 'London' gets "did you mean Europe/London?"); anything else is meant as a day."""
    if ":" in word or word[:1].isdigit():
        return "time"
    if "/" in word or subs.is_zone_like(word):
        return "tz"
    return "day"
