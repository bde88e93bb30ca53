"""Slack control sequences from sources or the model never ping, link or expand."""

from __future__ import annotations

import pytest

from relbot.slack.sanitize import clip, escape, link

HOSTILE = "<!channel> <!here> <!everyone> <@U0DEMO02> <#C0DEMOLH1> <!subteam^S123> <https://evil.example|click>"


def test_escape_neutralises_every_control_sequence() -> None:
    out = escape(HOSTILE)
    assert "<" not in out and ">" not in out
    assert "&lt;!channel&gt;" in out and "&lt;@U0DEMO02&gt;" in out


@pytest.mark.parametrize("word", ["@here", "@channel", "@everyone", "@Here"])
def test_bare_broadcast_words_are_made_inert(word: str) -> None:
    assert word not in escape(f"ping {word} now")


def test_ampersand_is_escaped_first_so_entities_cannot_be_smuggled() -> None:
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"


def test_links_only_for_plain_web_urls() -> None:
    assert link("https://brightline.slack.com/archives/C1/p1", "slack 2026-11-20") == (
        "<https://brightline.slack.com/archives/C1/p1|slack 2026-11-20>"
    )
    assert link("https://x.example/a|<!channel>", "label") == "label"
    assert link("javascript:alert(1)", "<!here>") == "&lt;!here&gt;"


def test_clip_never_cuts_an_entity_in_half() -> None:
    text = "a" * 95 + "&amp;" + "b" * 50
    out = clip(text, 99)
    assert len(out) <= 99 and out.endswith("…") and "&am…" not in out
