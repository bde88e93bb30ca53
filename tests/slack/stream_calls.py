"""Reading streams back from the local Web API: a stream's start, appends and stop, their chunks, and the
feedback buttons a message ends with."""

from __future__ import annotations

from typing import Any

from relbot.slack.feedback_ref import FEEDBACK_ACTION, decode
from tests.support.fake_slack import Call, FakeSlack


def chunks(call: Call, kind: str) -> list[dict[str, Any]]:
    return [c for c in call.args.get("chunks") or [] if c.get("type") == kind]


def streamed(fake: FakeSlack) -> tuple[Call, list[Call], Call]:
    """The one stream relbot made, once stopped: its start, its appends, its stop."""
    [stop] = fake.wait_for("chat.stopStream")
    [start] = fake.calls_to("chat.startStream")
    appends = fake.calls_to("chat.appendStream")
    [ts] = fake.streams
    assert all(c.args["ts"] == ts for c in [*appends, stop])
    return start, appends, stop


def feedback_ref(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """What the thumbs at the end of a message rate (kind, account, as-of, llm, version)."""
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == FEEDBACK_ACTION:
                decoded = decode(element["positive_button"]["value"])
                assert decoded is not None
                return vars(decoded[1])
    raise AssertionError("no feedback buttons")
