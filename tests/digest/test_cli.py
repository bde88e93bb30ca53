"""`relbot digest` on the command line: JSON and text output over the demo, and clean subscription errors."""

from __future__ import annotations

import json

import pytest

from relbot.cli import main
from relbot.services import Services

NOW = ["--now", "2026-11-23T09:00+00:00"]


def test_json_names_the_exceptions_for_a_recipient(svc: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--week", "2026-W48", "--for", "U0DEMO08", "--json", "--no-llm", *NOW]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"] == "2026-W48" and data["recipient"] == "U0DEMO08"
    assert [a["account"] for a in data["exceptions"]][:2] == ["Lumen Health", "Crestline Outdoor"]
    assert main(["digest", "--for", "U0DEMO02", "--json", "--no-llm", *NOW]) == 0
    mine = json.loads(capsys.readouterr().out)
    assert mine["week"] == "2026-W48" and [a["account"] for a in mine["exceptions"]] == ["Lumen Health"]


def test_text_output_puts_exceptions_before_quiet_accounts(svc: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--no-llm", *NOW]) == 0
    out = capsys.readouterr().out
    assert out.index("Needs attention (3)") < out.index("Lumen Health") < out.index("Quiet (2)")
    assert out.index("Quiet (2)") < out.index("Harbor Foods")


def test_subscriptions_round_trip_and_errors_exit_2(svc: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "subscribe", "U0DEMO02", "--day", "tue", "--time", "07:30", "--tz", "Europe/London"]) == 0
    assert main(["digest", "subscriptions", "--json"]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("["):])
    assert listed == [{"user_id": "U0DEMO02", "day": 1, "at": "07:30", "tz": "Europe/London"}]
    assert main(["digest", "subscribe", "U0DEMO02", "--tz", "Europe/Londn"]) == 2
    assert "Did you mean Europe/London" in capsys.readouterr().err
    assert main(["digest", "--week", "2026-W99"]) == 2
    assert "2026 has no week 99" in capsys.readouterr().err
    assert main(["digest", "--send", *NOW]) == 2
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
    assert main(["digest", "unsubscribe", "U0DEMO02"]) == 0
