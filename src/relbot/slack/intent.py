"""Free text from the assistant panel or a mention → which draft, about which account.

"Brief me on Lumen" is a brief, "questions for Vela" feedback questions, "checklist Harbor" a checklist,
"digest" the digest; anything else is a question answered with ``ask``. The account is named in the
text (names and aliases the user may see), else implied by the channel being looked at, else asked for.
"""

from __future__ import annotations

import re
from typing import Literal

from relbot.errors import RelbotError
from relbot.models import Account
from relbot.slack.account_match import find_account
from relbot.slack.runtime import Runtime

IntentKind = Literal["brief", "questions", "checklist", "ask", "digest"]
_PATTERNS: list[tuple[IntentKind, re.Pattern[str]]] = [
    ("digest", re.compile(r"\b(digest|this week'?s (summary|roundup))\b", re.I)),
    ("brief", re.compile(r"^\W*(please\s+)?brief\b|\bbrief me\b|\baccount brief\b", re.I)),
    ("questions", re.compile(r"\b(feedback questions|questions (for|to ask))\b", re.I)),
    ("checklist", re.compile(r"\b(checklist|expectations)\b", re.I)),
]
LISTED = 10


class NeedAccount(RelbotError):
    """The text names no account (or several); the message lists the ones the user can ask about.

    Like every RelbotError message it is plain text: ``failures.user_message`` escapes it for Slack.
    """


def read_intent(text: str) -> IntentKind:
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return "ask"


def choose_account(rt: Runtime, user_id: str, text: str, viewing_channel: str | None = None) -> Account:
    visible = rt.access.visible_accounts(user_id)
    match = find_account(text, visible)
    if match.account:
        return match.account
    if match.ambiguous:
        names = " or ".join(f"*{a.name}*" for a in match.ambiguous[:LISTED])
        raise NeedAccount(f"Which account do you mean: {names}? Ask again naming just one.")
    linked = _linked(rt, visible, viewing_channel)
    if linked:
        return linked
    if not visible:
        raise NeedAccount("You are not on any account's team yet, so there is nothing I can look up for you.")
    names = ", ".join(a.name for a in visible[:LISTED])
    more = f" (and {len(visible) - LISTED} more)" if len(visible) > LISTED else ""
    raise NeedAccount(f"Which account is this about? Name one in your question: {names}{more}.")


def _linked(rt: Runtime, visible: list[Account], channel_id: str | None) -> Account | None:
    if not channel_id:
        return None
    return next((a for a in visible if channel_id in rt.access.linked_channels(a)), None)
