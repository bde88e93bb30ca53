"""A bad setting is a specific message naming the variable, never a traceback or the value of a secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relbot.config import load_settings
from relbot.errors import ConfigError


def test_agency_domains_are_parsed_and_a_bad_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELBOT_AGENCY_DOMAINS", "Agency.com, @studio.co.uk,")
    assert load_settings().agency_domains == ["agency.com", "studio.co.uk"]
    monkeypatch.setenv("RELBOT_AGENCY_DOMAINS", "agency.com, not a domain")
    with pytest.raises(ConfigError, match="RELBOT_AGENCY_DOMAINS: 'not a domain' is not an e-mail domain"):
        load_settings()


def test_the_cli_reports_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "RELBOT_DATA_DIR": str(tmp_path), "RELBOT_LLM_TIMEOUT_S": "-3",
           "OPENAI_API_KEY": "sk-very-secret-value"}
    done = subprocess.run([sys.executable, "-m", "relbot", "accounts", "list"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "RELBOT_LLM_TIMEOUT_S" in done.stderr and "Traceback" not in done.stderr
    assert "sk-very-secret-value" not in done.stderr + done.stdout


def test_accounts_add_rejects_a_domain_that_is_not_one(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "RELBOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "relbot", "accounts", "add", "Acme", "--domains", "acme"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "'acme' is not an e-mail domain" in done.stderr
