"""app_manifest.yml creates the app as the code expects it: the command, shortcuts, events and scopes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from relbot.slack.commands import SUBCOMMANDS
from relbot.slack.view_layouts import BRIEF_CALLBACK, SAVE_CALLBACK

MANIFEST = Path(__file__).resolve().parents[2] / "app_manifest.yml"


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data


def test_command_shortcuts_home_and_agent_view_are_declared() -> None:
    features = manifest()["features"]
    assert [c["command"] for c in features["slash_commands"]] == ["/relbot"]
    assert {(s["type"], s["callback_id"]) for s in features["shortcuts"]} == {
        ("message", SAVE_CALLBACK), ("global", BRIEF_CALLBACK)}
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True  # where the agent view lives
    assert features["app_home"]["messages_tab_read_only_enabled"] is False


def test_the_agent_view_replaces_the_legacy_assistant_panel() -> None:
    features = manifest()["features"]
    assert "assistant_view" not in features  # an app declares one of the two
    agent = features["agent_view"]
    assert set(agent) <= {"agent_description", "suggested_prompts", "actions"}
    assert 0 < len(agent["agent_description"]) <= 300
    assert len(agent["suggested_prompts"]) <= 4


def test_events_interactivity_and_socket_mode() -> None:
    settings = manifest()["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention", "app_home_opened", "assistant_thread_started", "assistant_thread_context_changed",
        "message.channels", "message.groups", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True


def test_only_the_scopes_relbot_uses() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {"commands", "chat:write", "users:read", "users:read.email", "channels:read", "groups:read",
                      "im:read", "im:write", "mpim:read", "channels:history", "groups:history", "im:history",
                      "app_mentions:read", "assistant:write"}


def test_the_slash_command_hint_names_every_subcommand_and_text_arrives_as_typed() -> None:
    [command] = manifest()["features"]["slash_commands"]
    assert command["usage_hint"].split()[0].split("|") == list(SUBCOMMANDS)
    # Unescaped text: `/relbot digest subscribe U0123ABCD` reads the member ID as typed, and a typed @name
    # (which Slack then sends as plain text) gets "name the person by their member ID".
    assert command["should_escape"] is False
