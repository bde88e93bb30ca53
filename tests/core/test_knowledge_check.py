"""`relbot knowledge check`: the bundled playbook reads clean; an edited copy with a checklist item citing a
section no file has, or broken front matter, is reported specifically and exits 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from relbot.cli import main
from tests.conftest import REPO


def test_the_bundled_playbook_has_no_problems(data_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == [] and report["sections"] > 20 and report["checklist_items"] >= 8


def test_an_edited_copy_citing_a_missing_section_is_reported(data_env: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "playbook"
    shutil.copytree(REPO / "knowledge", copy)
    path = copy / "expectation-setting.md"
    text = path.read_text(encoding="utf-8")
    first_section = text.split("section: ", 1)[1].split("\n", 1)[0].strip()
    path.write_text(text.replace(f"section: {first_section}", "section: no-such-heading", 1), encoding="utf-8")
    monkeypatch.setenv("RELBOT_KNOWLEDGE_DIR", str(copy))
    assert main(["knowledge", "check"]) == 1
    out = capsys.readouterr().out
    assert "cites section 'no-such-heading', which expectation-setting.md has no '## heading' for" in out


def test_broken_front_matter_names_the_file(data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "playbook"
    shutil.copytree(REPO / "knowledge", copy)
    (copy / "customer-tiers.md").write_text("---\ncontact_cadence_days: [unclosed\n---\n# Tiers\n", encoding="utf-8")
    monkeypatch.setenv("RELBOT_KNOWLEDGE_DIR", str(copy))
    assert main(["knowledge", "check"]) == 1
    assert "customer-tiers.md: its front matter is not valid YAML" in capsys.readouterr().out
