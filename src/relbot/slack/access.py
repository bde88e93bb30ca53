"""Who may see which account's data, and where. The same checks run on every surface.

Rules, in order:
1. Guests (restricted or ultra-restricted users) and external users get nothing.
2. Shared, Slack Connect or pending-shared conversations get nothing; neither does one relbot cannot inspect.
3. An account with a team is visible only to its members and the configured admins; an account without a
   team is visible to every full member of the workspace.
4. Sharing a draft publicly: only in a channel linked to that account when the account has a team (the
   channel's members are then the account's people); anywhere rule 2 allows otherwise.

Refusals are ``AccessDenied`` with a message that names no account data. Unknown-account suggestions only
ever list accounts the user may see.
"""

from __future__ import annotations

from collections.abc import Iterable

from relbot.errors import RelbotError, UnknownAccountError
from relbot.models import Account
from relbot.slack.directory import Directory, SlackChannel, SlackUser
from relbot.store.state import StateDB

GUEST = "relbot is not available to guest or external accounts."
SHARED = (
    "relbot does not show account data in shared or Slack Connect conversations. "
    "Ask me in an internal channel or in your DM with relbot."
)
UNVERIFIED_USER = "I could not verify your Slack account just now, so I can't show account data. Try again shortly."
UNVERIFIED_CHANNEL = (
    "I can't inspect this conversation, so I won't show account data here. "
    "Try an internal channel relbot is in, or your DM with relbot."
)
NOT_ON_TEAM = "You are not on the team for that account. Ask its account manager to add you."
SHARE_ONLY_LINKED = (
    "This account has a team, so its drafts can only be shared in a channel linked to it "
    "(`/relbot link ACCOUNT` there first)."
)


class AccessDenied(RelbotError):
    """The request may not see or post this data; the message is safe to show and names no account data."""


class AccessPolicy:
    def __init__(self, *, state: StateDB, directory: Directory, admins: Iterable[str] = ()) -> None:
        self._state = state
        self._directory = directory
        self._admins = frozenset(admins)

    @property
    def directory(self) -> Directory:
        """The cached users.info / conversations.info lookups these checks use."""
        return self._directory

    def check_user(self, user_id: str) -> SlackUser:
        user = self._directory.user(user_id)
        if user is None:
            raise AccessDenied(UNVERIFIED_USER)
        if not user.may_see_accounts:
            raise AccessDenied(GUEST)
        return user

    def check_channel(self, channel_id: str) -> SlackChannel:
        channel = self._directory.channel(channel_id)
        if channel is None:
            raise AccessDenied(UNVERIFIED_CHANNEL)
        if channel.is_shared:
            raise AccessDenied(SHARED)
        return channel

    def check_surface(self, user_id: str, channel_id: str | None) -> SlackUser:
        """Rules 1 and 2; ``channel_id`` None means a private surface (App Home, a modal, a DM we open)."""
        user = self.check_user(user_id)
        if channel_id:
            self.check_channel(channel_id)
        return user

    def can_see(self, user_id: str, account: Account) -> bool:
        """Rule 3 (``Account.visible_to``, the rule the digest and the meeting messages apply too)."""
        return account.visible_to(user_id, self._admins)

    def visible_accounts(self, user_id: str) -> list[Account]:
        return [a for a in self._state.list_accounts() if self.can_see(user_id, a)]

    def visible_names(self, user_id: str) -> list[str]:
        """Names and aliases the user may type, for command parsing and free-text matching."""
        return [key for a in self.visible_accounts(user_id) for key in (a.name, *a.aliases)]

    def resolve(self, user_id: str, name: str) -> Account:
        """The account ``name`` names, if this user may see it (call ``check_surface`` first)."""
        found = self._state.find_account(name)
        if found and self.can_see(user_id, found):
            return found
        if found:
            raise AccessDenied(NOT_ON_TEAM)
        visible = {a.name for a in self.visible_accounts(user_id)}
        suggestions = [n for n in self._state.closest_accounts(name, limit=10) if n in visible][:3]
        raise UnknownAccountError(name, suggestions)

    def linked_channels(self, account: Account) -> set[str]:
        return set(account.channels) | set(self._state.channels_for_account(account.name))

    def account_for_channel(self, channel_id: str) -> Account | None:
        """The account a channel is linked to (``/relbot link`` or the account's own channel list)."""
        name = self._state.account_for_channel(channel_id)
        if name:
            return self._state.find_account(name)
        return next((a for a in self._state.list_accounts() if channel_id in a.channels), None)

    def check_share(self, user_id: str, channel_id: str, account: Account) -> None:
        """Rule 4, on top of rules 1-3 for the person sharing."""
        self.check_surface(user_id, channel_id)
        if not self.can_see(user_id, account):
            raise AccessDenied(NOT_ON_TEAM)
        if account.team and channel_id not in self.linked_channels(account):
            raise AccessDenied(SHARE_ONLY_LINKED)
