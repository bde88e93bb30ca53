"""`relbot accounts add --hubspot-company / --salesforce-account / --forget-crm-id`: which CRM records are an
account's; one CRM record maps to one account, and a malformed id is refused before anything is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relbot.cli import main


def _show(capsys: pytest.CaptureFixture[str], name: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["accounts", "show", name, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_crm_ids_are_added_kept_on_update_and_forgotten_on_request(
        data_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "add", "Acme", "--hubspot-company", "101", "--salesforce-account",
                 "001000000000001AAA"]) == 0
    assert main(["accounts", "add", "Acme", "--hubspot-company", "102", "--tier", "platinum"]) == 0
    shown = _show(capsys, "Acme")
    assert shown["hubspot_companies"] == ["101", "102"] and shown["salesforce_accounts"] == ["001000000000001AAA"]
    assert main(["accounts", "add", "Acme", "--forget-crm-id", "101"]) == 0
    assert _show(capsys, "Acme")["hubspot_companies"] == ["102"]


def test_a_crm_record_already_mapped_elsewhere_is_refused_with_what_to_do(
        data_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "add", "Acme", "--salesforce-account", "001000000000001AAA"]) == 0
    capsys.readouterr()
    assert main(["accounts", "add", "Beta", "--salesforce-account", "001000000000001"]) == 2  # the same, 15 chars
    err = capsys.readouterr().err
    assert "already belongs to Acme" in err and "relbot accounts add 'Acme' --forget-crm-id ID" in err
    assert main(["accounts", "list", "--json"]) == 0
    assert [a["name"] for a in json.loads(capsys.readouterr().out)] == ["Acme"]  # Beta was not created


@pytest.mark.parametrize(("flag", "value"), [("--hubspot-company", "acme"), ("--salesforce-account", "003ABC")])
def test_malformed_crm_ids_are_refused_by_the_parser(data_env: Path, flag: str, value: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["accounts", "add", "Acme", flag, value])
    assert exit_.value.code == 2 and "is not a" in capsys.readouterr().err
