"""The suggested prompts above the composer (agent view) or in a new assistant thread: each names one of the
user's own accounts, and only accounts the user may see.

Accounts whose team the user is on come first, then the rest they may see (accounts without a team, or all of
them for an admin). Each prompt is worded so relbot reads it as the draft it names (``intent.read_intent``).
"""

from __future__ import annotations

from collections.abc import Sequence

from relbot.models import Account
from relbot.slack.sanitize import clip

TITLE = "Ask about your accounts"
NAME_CHARS = 60
_ASKS = ("Brief me on {name}", "What did we promise {name}?", "Feedback questions for {name}")
DIGEST = {"title": "This week's digest", "message": "This week's digest"}  # at most 4 prompts in all


def suggested_prompts(user_id: str, visible: Sequence[Account]) -> list[dict[str, str]]:
    """Up to four prompts; none for a user who may see no account (there is nothing to suggest)."""
    accounts = sorted(visible, key=lambda a: user_id not in a.team)  # stable: own accounts first, order kept
    if not accounts:
        return []
    prompts = []
    for number, ask in enumerate(_ASKS):
        name = accounts[number % len(accounts)].name.replace("<", "‹").replace(">", "›")  # never markup
        text = ask.format(name=clip(name, NAME_CHARS))
        prompts.append({"title": text, "message": text})
    return [*prompts, DIGEST]
