"""A shared mailbox and a Salesforce org as an operator connects them: `relbot sources add … / sync` from the
command line against a real Dovecot and the local HTTPS Salesforce double, then the account's brief citing what
arrived; and the scheduler's job syncing what is due."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from relbot.cli import main
from tests.support.imap_server import DovecotServer
from tests.support.salesforce_server import SalesforceServer, make_certificate

ACME_SF = "001000000000001AAA"


def _mail(sender: str, to: str, subject: str, body: str, day: int) -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, {day} Nov 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{subject.replace(' ', '-')}-{day}@example.com>\r\n\r\n{body}\r\n").encode()


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def _citations(brief: dict[str, Any]) -> list[str]:
    found = []
    for section in ("commitments", "recent_interactions", "contacts"):
        for entry in brief.get(section, []):
            found += [c["source"] for c in entry.get("citations", [])]
    return found


def test_a_shared_mailbox_files_client_mail_and_the_brief_cites_it(
        data_env: Path, dovecot: DovecotServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = "Clients"
    dovecot.create_folder(folder)
    dovecot.deliver(_mail("Rachel Kim <rachel@acme.com>", "Dana <dana@agency.com>", "Q1 plan",
                          "Could you send the Q1 media plan by Friday? The board meets Monday.", 23), folder=folder)
    dovecot.deliver(_mail("Dana <dana@agency.com>", "Rachel Kim <rachel@acme.com>", "Re: Q1 plan",
                          "Yes, I will send the Q1 media plan by Friday.", 24), folder=folder)
    dovecot.deliver(_mail("Sales <offers@vendor.example.net>", "Dana <dana@agency.com>", "Special offer",
                          "Buy now.", 24), folder=folder)
    monkeypatch.setenv("RELBOT_AGENCY_DOMAINS", "agency.com")
    monkeypatch.setenv("INBOX_PASSWORD", dovecot.password)
    assert main(["accounts", "add", "Acme Corp", "--domains", "acme.com"]) == 0
    assert main(["sources", "add", "imap", "--name", "inbox", "--host", "127.0.0.1", "--port", str(dovecot.port),
                 "--security", "none", "--username", dovecot.user, "--password-env", "INBOX_PASSWORD",
                 "--folder", folder]) == 0
    code, [run] = _json(capsys, "sources", "sync", "inbox", "--json")
    assert code == 0 and (run["new"], run["unfiled"]) == (2, 1)
    code, again = _json(capsys, "sources", "sync", "inbox", "--json")
    assert code == 0 and again[0]["objects"] == 0  # the cursor moved past them

    code, brief = _json(capsys, "brief", "Acme Corp", "--as-of", "2026-11-25", "--json")
    assert code == 0
    cited = _citations(brief)
    assert cited and all(s.startswith(f"imap://{dovecot.user}@127.0.0.1") for s in cited)
    assert any("media plan" in c["what"].lower() for c in brief["commitments"])
    code, unfiled = _json(capsys, "sources", "unfiled", "inbox", "--json")
    assert [u["summary"].split(",")[0] for u in unfiled] == ["From offers@vendor.example.net"]
    assert dovecot.password not in json.dumps(_json(capsys, "sources", "list", "--json")[1])


def test_a_salesforce_org_syncs_tasks_with_their_permalinks(
        data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = make_certificate(tmp_path)
    with SalesforceServer(cert, key) as sf:
        sf.add_account("ACME Corporation", "acme.com", record_id=ACME_SF)
        task = sf.add_task(ACME_SF, "Send revised SOW", "Promised the revised SOW by 2026-12-04.")
        sf.add_event(ACME_SF, "Quarterly review", dt.datetime(2026, 11, 26, 15, tzinfo=dt.UTC), location="Zoom")
        monkeypatch.setenv("SF_TOKEN", sf.token)
        assert main(["accounts", "add", "Acme Corp", "--salesforce-account", ACME_SF]) == 0
        assert main(["sources", "add", "salesforce", "--instance-url", sf.instance_url, "--token-env", "SF_TOKEN",
                     "--ca-bundle", str(cert)]) == 0
        code, [run] = _json(capsys, "sources", "sync", "--json")
        assert code == 0 and run["new"] == 2
        code, hits = _json(capsys, "search", "revised SOW", "--account", "Acme Corp", "--json")
        assert code == 0 and hits[0]["source"] == f"{sf.instance_url}/{task}"
        sf.tick()
        sf.delete(task)
        code, [after] = _json(capsys, "sources", "sync", "salesforce", "--json")
        assert code == 0 and after["removed"] == 1
        code, hits = _json(capsys, "search", "revised SOW", "--account", "Acme Corp", "--json")
        assert all(h["source"] != f"{sf.instance_url}/{task}" for h in hits)


def test_the_scheduler_job_syncs_what_is_due_and_survives_a_failing_source(
        services: Any, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from relbot.models import Account
    from relbot.sources.config import ImapConfig, SecretRef
    from relbot.sources.registry import add_source
    from relbot.sources.run import sync_deps
    from relbot.sources.scheduler import tick
    from relbot.store import sources

    dovecot.create_folder("Sched")
    dovecot.deliver(_mail("Rachel Kim <rachel@acme.com>", "dana@agency.com", "Hello", "Kickoff on Monday.", 23),
                    folder="Sched")
    monkeypatch.setenv("SCHED_PASSWORD", dovecot.password)
    services.state.upsert_account(Account(name="Acme Corp", domains=["acme.com"]))
    now = dt.datetime.now(dt.UTC)
    for name, password in (("good", "SCHED_PASSWORD"), ("bad", "UNSET_PASSWORD_VARIABLE")):
        add_source(services.state.db, name=name, added_by="test", now=now, config=ImapConfig(
            host="127.0.0.1", port=dovecot.port, security="none", username=dovecot.user,
            password=SecretRef(env=password), folders=("Sched",)))
    tick(sync_deps(services))
    good, bad = sources.get(services.state.db, "good"), sources.get(services.state.db, "bad")
    assert good is not None and good.ok_at is not None and good.failures == 0
    assert bad is not None and bad.failures == 1 and "UNSET_PASSWORD_VARIABLE" in (bad.last_error or "")
    assert len(services.store.account_records("Acme Corp")) == 1
