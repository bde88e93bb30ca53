"""Typed errors. Surfaces (CLI, Slack) turn these into clean messages; nothing else is shown to users."""

from __future__ import annotations


class RelbotError(Exception):
    """Base class: the message is safe to show a user (it says what was wrong and what to do)."""


class ConfigError(RelbotError):
    """A setting is missing or invalid."""


class UnknownAccountError(RelbotError):
    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else " No accounts match yet."
        super().__init__(f"No account named '{name}'.{hint} (`relbot accounts list` shows them all.)")


class LoaderError(RelbotError):
    """A source file could not be read; the message names the file's problem."""


class StoreMismatchError(RelbotError):
    """The store was built with another embedding model."""


class StoreUnavailableError(RelbotError):
    """The Chroma server (or local store) cannot be reached right now."""


class DraftingError(RelbotError):
    """The LLM drafter failed; callers fall back to extractive drafting."""


class BackfillError(RelbotError):
    """A channel's history could not be read; what is stored so far stays, and the import can resume."""


class StateUnavailableError(RelbotError):
    """The state database cannot be reached (or stayed locked); nothing was changed."""

    def __init__(self, what: str) -> None:
        super().__init__(f"relbot's database is not reachable right now ({what}); nothing was changed. "
                         "Try again in a minute.")


class DeliveryError(RelbotError):
    """A message could not be posted (the chat service refused or could not be reached); retried later."""
