"""The optional extras: a command that needs one that is not installed says what to install (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest


def test_eval_retrieval_without_the_eval_extra_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from relbot.cli import main

    monkeypatch.setitem(sys.modules, "langchain_chroma", None)  # import fails as if not installed
    assert main(["eval", "retrieval", "--qmsum", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'relbot[eval]'" in err and "--no-baseline" in err
    assert "Traceback" not in err
    # Without the baseline the extra is not needed: the run goes on (here to the empty folder's message).
    assert main(["eval", "retrieval", "--qmsum", str(tmp_path), "--no-baseline"]) == 2
    assert "relbot[eval]" not in capsys.readouterr().err
