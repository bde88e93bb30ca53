"""Modals and the App Home tab, built with ``slack_sdk.models.views.View``.

Modals open in two steps: the ack path opens a "checking…" modal straight away (a ``trigger_id`` dies
after 3 seconds), then a worker checks access and fills it in by ``external_id`` with ``views.update``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from relbot.models import Account
from relbot.slack.blocks import plain, section
from relbot.slack.draft_requests import RequestKind
from relbot.slack.sanitize import escape

SAVE_CALLBACK = "relbot_save_message"
BRIEF_CALLBACK = "relbot_brief_me"
ACCOUNT_BLOCK = "account"
ACCOUNT_ACTION = "account_select"
HOME_ACTION_PREFIX = "relbot_home_"
HOME_KINDS: tuple[RequestKind, ...] = ("brief", "questions", "checklist")
MAX_OPTIONS = 100  # static_select limit
HOME_BLOCKS = 100
OPTION_VALUE_CHARS = 150


@dataclass(frozen=True)
class HomeEntry:
    account: Account
    last_contact: str | None  # ISO date of the last conversation with the client
    health: int | None  # 0-100, from the latest brief
    brief_date: str | None  # when that brief was drafted


def loading(title: str, external_id: str) -> View:
    return _modal(title, external_id, [section(":hourglass_flowing_sand: Checking which accounts you can use…")])


def notice(title: str, external_id: str, mrkdwn: str) -> View:
    """A modal that only says something (a refusal, "nothing to choose from")."""
    return _modal(title, external_id, [section(mrkdwn)])


def account_picker(
    *, callback_id: str, title: str, submit: str, external_id: str, accounts: Sequence[Account], intro: str,
    metadata: str = "",
) -> View:
    options = [
        Option(text=plain(a.name, 75), value=a.name) for a in accounts if len(a.name) <= OPTION_VALUE_CHARS
    ][:MAX_OPTIONS]
    select = StaticSelectElement(action_id=ACCOUNT_ACTION, placeholder=plain("Choose an account"), options=options)
    blocks: list[Block] = [section(intro), InputBlock(block_id=ACCOUNT_BLOCK, label=plain("Account"), element=select)]
    return View(
        type="modal", callback_id=callback_id, external_id=external_id, title=plain(title, 24),
        submit=plain(submit, 24), close=plain("Cancel", 24), blocks=blocks, private_metadata=metadata,
    )


def selected_account(view: dict[str, Any]) -> str | None:
    values = (view.get("state") or {}).get("values") or {}
    option = (values.get(ACCOUNT_BLOCK, {}).get(ACCOUNT_ACTION) or {}).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value else None


def home(entries: Sequence[HomeEntry], calendar: Sequence[str] = (), sources: Sequence[str] = ()) -> View:
    """``calendar``: the Calendar section's lines (mrkdwn, already escaped), first: what is due soonest.
    ``sources``: the live sources' health, shown to admins only (the caller passes nothing to anyone else)."""
    blocks: list[Block] = [HeaderBlock(text=plain("Calendar")), section("\n".join(calendar))] if calendar else []
    if sources:
        blocks += [HeaderBlock(text=plain("Live sources")), section(_clipped("\n".join(sources)))]
    blocks += [
        HeaderBlock(text=plain("Your accounts")),
        ContextBlock(elements=[MarkdownTextObject(
            text="Drafts arrive in your Messages tab, visible only to you. `/relbot help` lists every command.")]),
    ]
    shown = 0
    for entry in entries:
        if len(blocks) + 3 > HOME_BLOCKS - 1:
            break
        blocks += [DividerBlock(), section(_home_line(entry)), _home_buttons(entry.account)]
        shown += 1
    if not entries:
        blocks.append(section("You are not on any account's team yet. Ask an account manager to add you."))
    elif shown < len(entries):
        blocks.append(section(f"…and {len(entries) - shown} more. Use `/relbot brief ACCOUNT` for those."))
    return View(type="home", blocks=blocks)


def _clipped(text: str) -> str:
    return text if len(text) <= 2_900 else text[:2_899] + "…"  # one section holds 3,000 characters


def home_notice(mrkdwn: str) -> View:
    return View(type="home", blocks=[HeaderBlock(text=plain("relbot")), section(mrkdwn)])


def _home_line(entry: HomeEntry) -> str:
    a = entry.account
    line = f"*{escape(a.name)}* · {a.tier.value} · {a.stage.value}"
    if a.account_manager:
        line += f" · AM {escape(a.account_manager)}"
    last = f"last contact {entry.last_contact}" if entry.last_contact else "no client contact on record"
    if entry.health is not None:
        health = f"health {entry.health}/100 _(brief of {entry.brief_date})_"
    else:
        health = "_health appears after the first brief_"
    return f"{line}\n{last} · {health}"


def _home_buttons(account: Account) -> ActionsBlock:
    labels = {"brief": "Brief", "questions": "Questions", "checklist": "Checklist"}
    return ActionsBlock(elements=[
        ButtonElement(text=labels[kind], action_id=f"{HOME_ACTION_PREFIX}{kind}", value=account.name[:2000])
        for kind in HOME_KINDS
    ])


def _modal(title: str, external_id: str, blocks: list[Block]) -> View:
    return View(type="modal", external_id=external_id, title=plain(title, 24), close=plain("Close", 24),
                blocks=blocks)
