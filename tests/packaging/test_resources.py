"""Where the bundled playbook, prompts and demo workspace are found, and the settings that replace them."""

from __future__ import annotations

from pathlib import Path

import pytest

from relbot import resources
from relbot.errors import ConfigError
from relbot.resources import bundled_dir, configured_dir

REPO = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_its_top_level_folders() -> None:
    # The editable dev install has no relbot/_data: edits to knowledge/ apply without a rebuild.
    for name in ("knowledge", "prompts", "demo"):
        assert bundled_dir(name) == REPO / name


def test_an_installed_package_reads_its_own_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "relbot"
    (package / "_data" / "prompts").mkdir(parents=True)
    monkeypatch.setattr(resources, "files", lambda _: package)
    assert bundled_dir("prompts") == package / "_data" / "prompts"


def test_site_packages_without_data_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An unrelated knowledge/ two levels up (lib/python3.11/knowledge) is not mistaken for a checkout.
    lib = tmp_path / "lib" / "python3.11"
    package = lib / "site-packages" / "relbot"
    package.mkdir(parents=True)
    (lib / "knowledge").mkdir()
    monkeypatch.setattr(resources, "files", lambda _: package)
    with pytest.raises(ConfigError, match=r"knowledge/ folder is missing.*RELBOT_KNOWLEDGE_DIR"):
        bundled_dir("knowledge")
    with pytest.raises(ConfigError, match=r"demo/ folder is missing .*reinstall relbot from its wheel\.$"):
        bundled_dir("demo")


def test_a_setting_replaces_the_bundled_folder(tmp_path: Path) -> None:
    assert configured_dir("knowledge", tmp_path) == tmp_path
    assert configured_dir("knowledge", None) == REPO / "knowledge"
    with pytest.raises(ConfigError, match=r"RELBOT_KNOWLEDGE_DIR names .* not a folder"):
        configured_dir("knowledge", tmp_path / "missing")


def test_services_use_relbot_knowledge_dir(data_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relbot.config import load_settings
    from relbot.services import build_services

    monkeypatch.setenv("RELBOT_KNOWLEDGE_DIR", str(tmp_path))
    assert build_services(load_settings()).knowledge_dir == tmp_path


def test_python_m_relbot_resources_prints_the_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert resources.main(["prompts"]) == 0
    assert capsys.readouterr().out.strip() == str(REPO / "prompts")
    assert resources.main(["secrets"]) == 2
    assert "usage: python -m relbot.resources knowledge|prompts|demo" in capsys.readouterr().err
