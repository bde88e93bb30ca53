"""`relbot sources` end to end against the local HubSpot double, through the official client: first and
no-change syncs, an edited and an archived note, a sync killed mid-way and run again, rate limits, a failing
source failing alone. Real Chroma store, real embedder, real state database."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relbot.cli import main
from tests.support.hubspot_server import HubSpotServer

ACME = "101"


@pytest.fixture()
def hubspot() -> Iterator[HubSpotServer]:
    with HubSpotServer() as server:
        server.add_company(ACME, domain="acme.com", name="Acme Corp")
        server.add_company("202", domain="initech.com", name="Initech")
        server.add_owner("7", "Dana", "Reyes", "dana@agency.com")
        yield server


@pytest.fixture()
def workspace(data_env: Path, hubspot: HubSpotServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUBSPOT_TOKEN", hubspot.token)
    monkeypatch.setenv("RELBOT_AGENCY_DOMAINS", "agency.com")
    assert main(["accounts", "add", "Acme Corp", "--hubspot-company", ACME]) == 0
    assert main(["sources", "add", "hubspot", "--token-env", "HUBSPOT_TOKEN", "--base-url", hubspot.base_url]) == 0
    return data_env


def _note(server: HubSpotServer, text: str, *, company: str = ACME, day: str = "2026-11-20") -> str:
    return server.add_engagement("notes", {"hs_note_body": f"<p>{text}</p>", "hs_timestamp": f"{day}T10:00:00Z",
                                           "hubspot_owner_id": "7"}, companies=[company])


def _sync(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict[str, object]]]:
    capsys.readouterr()
    code = main(["sources", "sync", *extra, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _acme_texts() -> list[str]:
    from relbot.config import load_settings
    from relbot.services import build_services

    return sorted(r.text for r in build_services(load_settings()).store.account_records("Acme Corp"))


def test_first_sync_files_mapped_notes_and_a_second_sync_changes_nothing(
        workspace: Path, hubspot: HubSpotServer, capsys: pytest.CaptureFixture[str]) -> None:
    _note(hubspot, "Agreed to deliver the Q1 media plan by Friday.")
    _note(hubspot, "They worry the reporting is late again.")
    _note(hubspot, "Initech wants a quote.", company="202")  # not mapped to any account
    code, [first] = _sync(capsys)
    assert code == 0 and first["result"] == "ok"
    assert (first["new"], first["unfiled"], first["records_added"]) == (2, 1, 2)
    assert _acme_texts() == ["Agreed to deliver the Q1 media plan by Friday.",
                             "They worry the reporting is late again."]
    code, [second] = _sync(capsys, "hubspot")
    assert code == 0 and (second["new"], second["updated"], second["records_added"]) == (0, 0, 0)

    capsys.readouterr()
    assert main(["sources", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["records"], listed["unfiled"], listed["failures"]) == (2, 1, 0)
    assert listed["secret"] == "$HUBSPOT_TOKEN" and hubspot.token not in json.dumps(listed)
    assert main(["sources", "unfiled", "hubspot", "--json"]) == 0
    [unfiled] = json.loads(capsys.readouterr().out)
    assert "Initech" not in unfiled["summary"] and "quote" not in unfiled["summary"]  # no client text


def test_an_edited_note_replaces_its_record_and_an_archived_one_leaves(
        workspace: Path, hubspot: HubSpotServer, capsys: pytest.CaptureFixture[str]) -> None:
    kept = _note(hubspot, "Budget is 40k for the pilot.")
    gone = _note(hubspot, "Kickoff moved to Tuesday.")
    assert _sync(capsys)[0] == 0
    hubspot.edit("notes", kept, {"hs_note_body": "<p>Budget is 45k for the pilot (revised).</p>"})
    hubspot.archive("notes", gone)
    code, [run] = _sync(capsys, "hubspot")
    assert code == 0 and (run["updated"], run["removed"], run["records_added"], run["records_deleted"]) == (1, 1, 1, 2)
    assert _acme_texts() == ["Budget is 45k for the pilot (revised)."]


def test_a_company_mapped_later_gets_its_history_on_the_next_sync(
        workspace: Path, hubspot: HubSpotServer, capsys: pytest.CaptureFixture[str]) -> None:
    _note(hubspot, "Initech asked for the renewal terms.", company="202")
    assert _sync(capsys)[1][0]["unfiled"] == 1
    assert main(["accounts", "add", "Initech", "--domains", "initech.com"]) == 0
    code, [run] = _sync(capsys, "hubspot", "--full")
    assert code == 0 and run["new"] == 1
    capsys.readouterr()
    assert main(["sources", "unfiled", "hubspot", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_rate_limits_are_waited_out_and_a_lasting_one_is_a_failure_with_retry_after(
        workspace: Path, hubspot: HubSpotServer, capsys: pytest.CaptureFixture[str]) -> None:
    _note(hubspot, "Weekly report sent.")
    hubspot.fail("/crm/v3/objects/notes/search", 429, headers={"Retry-After": "1"}, times=2)
    code, [run] = _sync(capsys)
    assert code == 0 and run["new"] == 1
    assert [r.status for r in hubspot.requests_to("/crm/v3/objects/notes/search")][:3] == [429, 429, 200]

    hubspot.fail("/crm/v3/objects/notes/search", 429, headers={"Retry-After": "900"})
    before = dt.datetime.now(dt.UTC)
    code, [failed] = _sync(capsys, "hubspot")
    assert code == 1 and failed["result"] == "failed"
    assert "429" in str(failed["error"]) or "rate" in str(failed["error"]).lower()
    next_try = dt.datetime.fromisoformat(str(failed["next_sync_at"]))
    assert next_try >= before + dt.timedelta(seconds=900)  # never sooner than the service asked


def test_a_source_with_a_rejected_token_fails_alone_and_says_what_to_fix(
        workspace: Path, hubspot: HubSpotServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTHER_TOKEN", "pat-na1-wrong-token")
    assert main(["sources", "add", "hubspot", "--name", "old-portal", "--token-env", "OTHER_TOKEN",
                 "--base-url", hubspot.base_url]) == 0
    _note(hubspot, "Signed the SOW.")
    code, runs = _sync(capsys)
    by_name = {r["name"]: r for r in runs}
    assert code == 1 and by_name["hubspot"]["result"] == "ok" and by_name["hubspot"]["new"] == 1
    bad = by_name["old-portal"]
    assert bad["result"] == "failed" and "401" in str(bad["error"]) and "pat-na1-wrong-token" not in str(bad["error"])
    next_try = dt.datetime.fromisoformat(str(bad["next_sync_at"]))
    assert next_try - dt.datetime.now(dt.UTC) > dt.timedelta(minutes=50)  # a token only the operator can fix
    capsys.readouterr()
    assert main(["sources", "list", "--json"]) == 0
    listed = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert listed["old-portal"]["failures"] == 1 and listed["hubspot"]["failures"] == 0


# -- a sync killed mid-way -------------------------------------------------------------------------------
def _sync_process(data_dir: Path, models_dir: Path, token: str) -> subprocess.Popen[str]:
    env = {**os.environ, "RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir),
           "HUBSPOT_TOKEN": token}
    return subprocess.Popen([sys.executable, "-m", "relbot", "sources", "sync", "hubspot", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _objects_stored(data_dir: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data_dir / 'state.sqlite3'}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM source_objects").fetchone()[0])
    except sqlite3.Error:
        return 0


def _setup_dir(data_dir: Path, models_dir: Path, server: HubSpotServer) -> None:
    env = {**os.environ, "RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir)}
    for argv in (["accounts", "add", "Acme Corp", "--hubspot-company", ACME],
                 ["sources", "add", "hubspot", "--token-env", "HUBSPOT_TOKEN", "--base-url", server.base_url]):
        subprocess.run([sys.executable, "-m", "relbot", *argv], env=env, check=True, capture_output=True)


def _record_ids(data_dir: Path, models_dir: Path) -> list[str]:
    from relbot.config import load_settings
    from relbot.services import build_services

    svc = build_services(load_settings(data_dir=data_dir, models_dir_override=models_dir))
    return sorted(svc.store.account_record_ids("Acme Corp"))


def test_sigkill_mid_sync_then_a_rerun_equals_one_clean_run(tmp_path: Path, models_dir: Path,
                                                            hubspot: HubSpotServer) -> None:
    for n in range(450):  # several pages of 100
        _note(hubspot, f"Call {n}: reviewed the campaign numbers for week {n % 52} and agreed next steps.",
              day=f"2026-{1 + n % 11:02d}-{1 + n % 27:02d}")
    clean_dir, crash_dir = tmp_path / "clean", tmp_path / "crash"
    for d in (clean_dir, crash_dir):
        _setup_dir(d, models_dir, hubspot)
    clean = _sync_process(clean_dir, models_dir, hubspot.token)
    assert clean.wait(timeout=600) == 0, clean.stderr.read() if clean.stderr else ""
    expected = _record_ids(clean_dir, models_dir)
    assert len(expected) == 450

    victim = _sync_process(crash_dir, models_dir, hubspot.token)
    deadline = time.monotonic() + 300
    while _objects_stored(crash_dir) == 0 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    partial = _objects_stored(crash_dir)
    assert 0 < partial < 450, "the kill should land mid-sync"

    rerun = _sync_process(crash_dir, models_dir, hubspot.token)  # the dead holder's lease is taken over at once
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    [run] = json.loads(out)
    assert run["result"] == "ok" and run["new"] + run["unchanged"] <= 450
    assert _record_ids(crash_dir, models_dir) == expected
    assert _objects_stored(crash_dir) == 450
