"""The ingest and search commands through the real CLI entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relbot.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_reports_counts_and_reingest_adds_nothing(data_env: Path, capsys, tmp_path: Path) -> None:
    files = [FIXTURES / "2024-03-05-acme-weekly.vtt", FIXTURES / "acme-q2-campaign.mbox"]
    for f in files:
        assert f.is_file(), f
    code, out, _ = _run(capsys, "ingest", *map(str, files), "--account", "Acme", "--json")
    first = json.loads(out)
    assert code == 0
    assert first["added"] > 0 and first["duplicate"] == 0 and first["failed"] == []
    assert [f["status"] for f in first["files"]] == ["ok", "ok"]

    code, out, _ = _run(capsys, "ingest", *map(str, files), "--account", "acme", "--json")
    again = json.loads(out)
    assert code == 0
    assert again["added"] == 0 and again["duplicate"] == first["added"]

    code, out, _ = _run(capsys, "accounts", "list", "--json")
    assert [a["name"] for a in json.loads(out)] == ["Acme"]


def test_a_bad_file_fails_alone_and_nothing_stored_is_lost(data_env: Path, capsys, tmp_path: Path) -> None:
    good = FIXTURES / "acme-q2-campaign.mbox"
    _run(capsys, "ingest", str(good), "--account", "Acme", "--json")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)))
    corrupt = tmp_path / "export.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    note = tmp_path / "2026-05-01-kickoff.md"
    note.write_text("# Kickoff\n\nWe agreed a monthly report on the first Monday.\n")

    code, out, _ = _run(capsys, "ingest", str(binary), str(corrupt), str(note), "--account", "Acme", "--json")
    report = json.loads(out)
    assert code == 1
    failed = {Path(f["path"]).name: f["reason"] for f in report["failed"]}
    assert set(failed) == {"photo.txt", "export.zip"}
    assert all(reason and "Traceback" not in reason for reason in failed.values())
    assert report["added"] == 1  # the note still went in

    code, out, _ = _run(capsys, "search", "monthly report", "--account", "Acme", "--json")
    hits = json.loads(out)
    assert code == 0
    assert any("monthly report" in h["text"] for h in hits)
    assert {h["kind"] for h in hits} >= {"note"}
    assert set(hits[0]) == {"id", "text", "account", "kind", "source", "date", "score"}


def test_search_unknown_account_is_a_clean_error(data_env: Path, capsys) -> None:
    _run(capsys, "accounts", "add", "Lumen Health", "--tier", "gold")
    code, out, err = _run(capsys, "search", "dashboard", "--account", "Lumen Helth")
    assert code == 2
    assert out == ""
    assert "No account named 'Lumen Helth'" in err and "Lumen Health" in err


def test_batch_search_keeps_going_after_a_bad_line(data_env: Path, capsys, tmp_path: Path) -> None:
    _run(capsys, "ingest", str(FIXTURES / "acme-q2-campaign.mbox"), "--account", "Acme", "--json")
    batch = tmp_path / "queries.jsonl"
    batch.write_text(
        '{"id": "q1", "account": "Acme", "query": "invoice", "limit": 2}\n'
        "not json\n"
        '{"id": "q3", "account": "Nope", "query": "x"}\n'
        '{"id": "q4", "account": "acme", "query": "meeting", "limit": 1}\n'
    )
    code, out, _ = _run(capsys, "search", "--batch", str(batch), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [line["id"] for line in lines] == ["q1", 2, "q3", "q4"]
    assert "hits" in lines[0] and len(lines[0]["hits"]) <= 2
    assert "error" in lines[1] and "expected" in lines[1]["error"]
    assert "No account named 'Nope'" in lines[2]["error"]
    assert len(lines[3]["hits"]) <= 1


def test_console_script_runs_offline(data_env: Path, tmp_path: Path) -> None:
    script = shutil.which("relbot", path=str(Path(sys.executable).parent))
    assert script, "the relbot console script is installed with the package"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "no_proxy": "*", "https_proxy": "http://127.0.0.1:9"}
    note = tmp_path / "2026-06-02-status.md"
    note.write_text("---\naccount: Orbit\n---\n# Status\n\nClient asked for weekly status reports.\n")
    done = subprocess.run([script, "ingest", str(note), "--json"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 1
