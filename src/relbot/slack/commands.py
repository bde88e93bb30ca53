"""`/relbot` text → a typed command, or a specific error with the closest matches.

Pure and fast: the ack path calls ``parse`` without account names (no storage access before the 3-second
ack); the worker calls it again with the known account names so ``ask``/``log`` can split
"Harbor Foods did we send the deck?" into account and question.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from relbot.errors import RelbotError

DraftKind = Literal["brief", "questions", "checklist"]
DRAFT_KINDS: tuple[DraftKind, ...] = ("brief", "questions", "checklist")
SUBCOMMANDS = ("brief", "questions", "checklist", "ask", "digest", "calendar", "log", "link", "sources", "help")
CalendarAction = Literal["status", "connect", "disconnect", "lead"]
CALENDAR_ACTIONS: tuple[CalendarAction, ...] = ("status", "connect", "disconnect", "lead")
DIGEST_ACTIONS = ("subscribe", "unsubscribe", "subscription", "subscriptions")  # digest_subscription.py's
MAX_QUESTION_CHARS = 1_000
MAX_NOTE_CHARS = 8_000
MAX_ACCOUNT_CHARS = 100
MAX_SUBSCRIPTION_CHARS = 200
MAX_CALENDAR_URL_CHARS = 4_096  # fetch.MAX_URL_LENGTH is 2,048 after normalising; the parser only bounds it

USAGE: dict[str, str] = {
    "brief": "`/relbot brief ACCOUNT` — account brief: snapshot, commitments, risks, talking points",
    "questions": "`/relbot questions ACCOUNT` — feedback questions to ask the client",
    "checklist": "`/relbot checklist ACCOUNT` — expectations agreed, missing or contradicted",
    "ask": "`/relbot ask ACCOUNT QUESTION` — a grounded answer from the account's history",
    "digest": "`/relbot digest` — this week's digest; `/relbot digest subscribe|unsubscribe|subscription` — "
              "get it every week by DM (`/relbot help digest`)",
    "calendar": "`/relbot calendar` — your calendar and next client meetings; `/relbot calendar connect URL|"
                "disconnect|lead MINUTES` — a brief before each client call, by DM (`/relbot help calendar`)",
    "log": "`/relbot log ACCOUNT TEXT` — save a note to the account's history",
    "link": "`/relbot link ACCOUNT` — new messages in this channel become the account's history",
    "sources": "`/relbot sources` — how the live CRM and mailbox syncs are doing; `/relbot sources sync NAME` — "
               "sync one now (admins)",
    "help": "`/relbot help` — this message",
}
DETAILS: dict[str, str] = {
    "digest": "\n".join([
        "`/relbot digest` — this week's digest of the accounts you may see, privately",
        "`/relbot digest subscribe [day] [HH:MM] [Area/City]` — get it every week as a DM from relbot; what you "
        "leave out is Monday, 08:00 and your Slack time zone (e.g. `/relbot digest subscribe fri 16:30 "
        "Europe/London`)",
        "`/relbot digest unsubscribe` — stop it",
        "`/relbot digest subscription` — what is set up now",
        "Admins can name someone else first: `/relbot digest subscribe U0123ABCD wed`.",
    ]),
    "calendar": "\n".join([
        "`/relbot calendar` — your connected calendars, the lead time and your next client meetings, privately",
        "`/relbot calendar connect URL` — connect your calendar by its secret iCal address (Google: Settings → "
        "your calendar → Integrate calendar; Outlook: Settings → Calendar → Shared calendars → publish, ICS). "
        "relbot then DMs you a brief before each client meeting.",
        "`/relbot calendar disconnect` — forget your calendars and their meetings",
        "`/relbot calendar lead 45` — get the brief 45 minutes before (5 minutes to 24 hours; `1h` works too); "
        "`/relbot calendar lead default` goes back to the workspace's setting",
    ]),
}


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Draft:
    kind: DraftKind
    account: str


@dataclass(frozen=True)
class Ask:
    account: str
    question: str


@dataclass(frozen=True)
class Digest:
    pass


@dataclass(frozen=True)
class DigestSubscription:
    text: str  # what follows `digest`, e.g. "subscribe mon 08:00 Europe/London" (digest_subscription.py reads it)


@dataclass(frozen=True)
class Calendar:
    action: CalendarAction
    arg: str = ""  # connect: the feed address (a secret: never echo or log it); lead: the minutes

    def __repr__(self) -> str:  # a traceback or a debug print of the command must not carry the address
        return f"Calendar(action={self.action!r}, arg={'<redacted>' if self.action == 'connect' else self.arg!r})"


@dataclass(frozen=True)
class Sources:
    action: Literal["status", "sync"] = "status"
    name: str = ""  # sync: which source


@dataclass(frozen=True)
class Log:
    account: str
    text: str


@dataclass(frozen=True)
class Link:
    account: str


Command = Help | Draft | Ask | Digest | DigestSubscription | Calendar | Sources | Log | Link


class CommandError(RelbotError):
    """The text is not a valid `/relbot` command; the message says what to type instead."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = list(suggestions)
        super().__init__(message)


def help_text(topic: str | None = None) -> str:
    if topic in DETAILS:
        return DETAILS[topic]
    if topic in USAGE:
        return USAGE[topic]
    lines = "\n".join(f"• {USAGE[name]}" for name in SUBCOMMANDS)
    return f"*relbot* drafts from your accounts' history. Replies are private until you share them.\n{lines}"


def parse(text: str, accounts: Sequence[str] = ()) -> Command:
    """``accounts`` holds every account name and alias the user may name; empty means 'unknown yet'."""
    word, rest = _split_first(text)
    if not word:
        return Help()
    name = word.casefold()
    if name not in SUBCOMMANDS:
        raise _unknown_subcommand(word)
    if name == "help":
        return Help(rest.split()[0].casefold() if rest.split() else None)
    if name == "digest":
        return _digest(rest)
    if name == "calendar":
        return _calendar(rest)
    if name == "sources":
        return _sources(rest)
    if not rest:
        raise CommandError(f"Which account? Usage: {USAGE[name]}")
    if name in DRAFT_KINDS:
        return Draft(kind=_draft_kind(name), account=_account(rest))
    if name == "link":
        return Link(account=_account(rest))
    account, body = split_account(rest, accounts)
    if name == "ask":
        if not body:
            raise CommandError(f"What is the question? Usage: {USAGE['ask']}")
        return Ask(account=account, question=_bounded(body, MAX_QUESTION_CHARS, "question"))
    if not body:
        raise CommandError(f"What should I save? Usage: {USAGE['log']}")
    return Log(account=account, text=_bounded(body, MAX_NOTE_CHARS, "note"))


def split_account(rest: str, accounts: Sequence[str]) -> tuple[str, str]:
    """("Lumen Health", "did we send it?") from 'Lumen Health did we send it?'.

    A quoted name or a "NAME: text" separator is explicit; otherwise the longest known name (or alias) at the
    start wins; failing that, the first word is taken as the account so the error can suggest real names.
    """
    quoted = re.match(r"""\s*["“']([^"”']+)["”']\s*(.*)""", rest, re.DOTALL)
    if quoted:
        return _account(quoted.group(1)), quoted.group(2).strip()
    folded = rest.casefold()
    for name in sorted(accounts, key=len, reverse=True):
        key = name.casefold()
        if folded.startswith(key) and (len(rest) == len(key) or not rest[len(key)].isalnum()):
            return _account(rest[: len(key)]), rest[len(key) :].lstrip(" :|—-\n\t")
    separated = re.match(r"\s*([^:|\n]{1,100}?)\s*[:|]\s*(.*)", rest, re.DOTALL)
    if separated:
        return _account(separated.group(1)), separated.group(2).strip()
    first, remainder = _split_first(rest)
    return _account(first), remainder


def _split_first(text: str) -> tuple[str, str]:
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def _account(raw: str) -> str:
    name = " ".join(raw.split())
    if len(name) > MAX_ACCOUNT_CHARS:
        raise CommandError(f"That account name is too long (over {MAX_ACCOUNT_CHARS} characters).")
    return name


def _bounded(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise CommandError(f"That {what} is too long: {len(text):,} characters (the limit is {limit:,}).")
    return text


def _digest(rest: str) -> Digest | DigestSubscription:
    if not rest:
        return Digest()
    action = rest.split()[0]
    if action.casefold() in DIGEST_ACTIONS:
        return DigestSubscription(_bounded(rest, MAX_SUBSCRIPTION_CHARS, "subscription request"))
    shown = action if len(action) <= 40 else action[:40] + "…"
    close = difflib.get_close_matches(action.casefold(), DIGEST_ACTIONS[:3], n=1, cutoff=0.5)
    hint = f" Did you mean `/relbot digest {close[0]}`?" if close else ""
    raise CommandError(f"`/relbot digest` does not take `{shown}`.{hint} `/relbot help digest` lists what it does.",
                       suggestions=[f"digest {c}" for c in close])


def _calendar(rest: str) -> Calendar:
    action, arg = _split_first(rest)
    wanted = action.casefold()
    if not action or wanted == "status":
        return Calendar("status")
    if wanted == "connect":
        if not arg:
            raise CommandError("Which calendar? Usage: `/relbot calendar connect URL` with your calendar's secret "
                               "iCal address (`/relbot help calendar` says where to find it).")
        if len(arg) > MAX_CALENDAR_URL_CHARS:
            raise CommandError("That calendar address is too long to be one. `/relbot help calendar` says which "
                               "address to paste.")
        return Calendar("connect", arg)
    if wanted == "disconnect":
        return Calendar("disconnect")
    if wanted == "lead":
        if not arg:
            raise CommandError("How long before? Usage: `/relbot calendar lead 45` (minutes) or "
                               "`/relbot calendar lead default`.")
        return Calendar("lead", arg[:40])
    # Never quote the word back: someone who forgot "connect" pasted their calendar's secret address here.
    if _looks_like_address(action):
        raise CommandError("To connect a calendar, type `/relbot calendar connect` followed by its address.",
                           suggestions=["calendar connect"])
    close = difflib.get_close_matches(wanted, CALENDAR_ACTIONS, n=1, cutoff=0.6) if len(action) <= 20 else []
    hint = f" Did you mean `/relbot calendar {close[0]}`?" if close else ""
    raise CommandError(f"`/relbot calendar` takes connect URL, disconnect or lead MINUTES.{hint} "
                       "`/relbot help calendar` lists what it does.", suggestions=[f"calendar {c}" for c in close])


def _sources(rest: str) -> Sources:
    action, arg = _split_first(rest)
    if not action or action.casefold() == "status":
        return Sources()
    if action.casefold() == "sync":
        name = arg.split()[0] if arg.split() else ""
        if not name or len(name) > 40:
            raise CommandError("Which source? Usage: `/relbot sources sync NAME` (`/relbot sources` lists them).")
        return Sources("sync", name.casefold())
    shown = action if len(action) <= 40 else action[:40] + "…"
    raise CommandError(f"`/relbot sources` does not take `{shown}`; it takes `sync NAME`, or nothing to see them all.",
                       suggestions=["sources"])


def _looks_like_address(word: str) -> bool:
    return "://" in word or "/" in word or word.casefold().startswith(("webcal", "http"))


def _draft_kind(name: str) -> DraftKind:
    for kind in DRAFT_KINDS:
        if kind == name:
            return kind
    raise AssertionError(name)  # unreachable: callers check membership first


def _unknown_subcommand(word: str) -> CommandError:
    if _looks_like_address(word):  # a pasted calendar address is a secret: not quoted back
        return CommandError("To connect a calendar, type `/relbot calendar connect URL`. `/relbot help` lists "
                            "every command.", suggestions=["calendar connect"])
    shown = word if len(word) <= 40 else word[:40] + "…"
    wanted = word.casefold()
    close = difflib.get_close_matches(wanted, SUBCOMMANDS, n=3, cutoff=0.5)
    close += [s for s in SUBCOMMANDS if len(wanted) >= 2 and s.startswith(wanted) and s not in close]
    hint = f" Did you mean {', '.join(f'`{s}`' for s in close[:3])}?" if close else ""
    return CommandError(
        f"`{shown}` is not a relbot command.{hint} Try: {', '.join(SUBCOMMANDS)}.", suggestions=close[:3]
    )
