"""Which account a free-text question is about ("what did we promise Lumen?"), by names and aliases.

Whole-word, case-insensitive matching against the accounts the user may see; the longest name wins so
"Harbor Foods Co." beats "Harbor". Two different accounts named → ambiguous, and the caller asks which.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from relbot.models import Account


@dataclass(frozen=True)
class Match:
    account: Account | None
    ambiguous: list[Account]


def find_account(text: str, accounts: Sequence[Account]) -> Match:
    spans: dict[str, tuple[int, int, Account]] = {}  # account name -> its longest match in the text
    for account in accounts:
        for key in filter(None, (k.strip() for k in (account.name, *account.aliases))):
            hit = re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text, re.IGNORECASE)
            best = spans.get(account.name)
            if hit and (best is None or hit.end() - hit.start() > best[1] - best[0]):
                spans[account.name] = (hit.start(), hit.end(), account)
    # "Harbor" matched inside "Harbor Foods" (another account's longer match) is not a second account.
    distinct = [
        a for s, e, a in spans.values()
        if not any(b is not a and bs <= s and e <= be and (be - bs) > (e - s) for bs, be, b in spans.values())
    ]
    if len(distinct) == 1:
        return Match(distinct[0], [])
    return Match(None, distinct)


def strip_mentions(text: str) -> str:
    """The text of an app_mention without the ``<@U…>`` mentions themselves."""
    return re.sub(r"<@[A-Z0-9]+(\|[^>]*)?>", " ", text).strip()
