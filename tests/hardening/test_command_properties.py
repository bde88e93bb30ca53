"""Property-based: any `/relbot` text parses into a typed command or a specific CommandError, never a crash."""

from __future__ import annotations

from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from relbot.slack.commands import Command, CommandError, parse

ACCOUNTS = ["Lumen Health", "Harbor Foods", "Crestline Outdoor", "Vela Fintech"]
WORDS = ["brief", "questions", "checklist", "ask", "digest", "log", "link", "help", "subscribe", "Lumen",
         "Health", "Harbor", "<!channel>", "<@U123>", "\n", "  ", "BRIEF", "lumen health", "?", "2026-W48"]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=12).map(" ".join),
    st.builds(lambda w, n: w * n, st.sampled_from(WORDS), st.integers(min_value=0, max_value=2000)),
)


@given(texts)
@settings(max_examples=1000, deadline=None)
def test_every_text_is_a_command_or_a_specific_error(text: str) -> None:
    try:
        command = parse(text, ACCOUNTS)
    except CommandError as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message
        assert len(message) < 3000  # fits one Slack section
        return
    assert isinstance(command, get_args(Command))
