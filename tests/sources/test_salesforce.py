"""The Salesforce connector against a local HTTPS double of Salesforce's REST API, with the real simple-salesforce
client: which Accounts, what each Task and Event becomes, incremental cursors, deletions, paging, errors."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from simple_salesforce.api import Salesforce

from relbot.models import Account, SourceKind
from relbot.sources.config import SalesforceConfig
from relbot.sources.directory import Directory
from relbot.sources.models import Change, Page, SourceError
from relbot.sources.salesforce import SalesforceConnector
from tests.support.salesforce_server import SF_TIME, SalesforceServer, make_certificate

TOKEN = "00Dxx0000001gPL!AQ4AQFakeTokenValue"
ACME_ID = "001000000000001AAA"  # mapped by id in the registry
GLOBEX_ID = "001000000000002AAA"  # found by its website's domain
INITECH_ID = "001000000000003AAA"  # nobody's


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("salesforce-tls"))


@pytest.fixture()
def server(certificate: tuple[Path, Path]) -> Iterator[SalesforceServer]:
    with SalesforceServer(*certificate, token=TOKEN) as srv:
        srv.add_account("ACME Corporation (Salesforce's name)", "acme.com", record_id=ACME_ID)
        srv.add_account("Globex Inc", "https://www.globex.com/about", record_id=GLOBEX_ID)
        srv.add_account("Initech", "initech.com", record_id=INITECH_ID)
        yield srv


def directory(*, globex: bool = True) -> Directory:
    accounts = [Account(name="Acme", salesforce_accounts=[ACME_ID[:15]], domains=["acme-mail.com"])]
    if globex:
        accounts.append(Account(name="Globex", domains=["globex.com"]))
    return Directory.build(accounts, lambda name: [], agency_domains=["agency.com"])


def connect(server: SalesforceServer, certificate: tuple[Path, Path], *, token: str = TOKEN,
            url: str | None = None, commit_lag: dt.timedelta = dt.timedelta(0)) -> SalesforceConnector:
    """No commit lag unless a test is about it: the others check exactly what a sync yields."""
    config = SalesforceConfig.model_validate({"instance_url": url or server.instance_url,
                                              "token": {"env": "SF_TOKEN"}, "ca_bundle": certificate[0]})
    return SalesforceConnector(config, token, commit_lag=commit_lag)


def run(connector: SalesforceConnector, cursor: dict[str, Any], dirs: Directory | None = None) -> list[Page]:
    pages = list(connector.pages(cursor, dirs or directory()))
    json.dumps([p.cursor for p in pages])  # every cursor must be storable as JSON
    return pages


def changes(pages: list[Page]) -> dict[str, Change]:
    return {c.key: c for page in pages for c in page.changes}


def test_first_sync_files_tasks_and_events_of_mapped_accounts(server: SalesforceServer,
                                                              certificate: tuple[Path, Path]) -> None:
    call = server.add_task(ACME_ID, "Kickoff call", "Agreed on the Q1 scope.\r\nBudget: 40k.", owner="Dana Owner",
                           who="Wile E. Coyote", TaskSubtype="Call", Status="Not Started", Priority="High",
                           ActivityDate="2026-11-20")
    meeting = server.add_event(GLOBEX_ID, "Quarterly review", dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC),
                               minutes=45, location="Zoom", description="Renewal risk.", who="Hank Scorpio")
    empty = server.add_task(ACME_ID, None, "   ")
    server.add_task(INITECH_ID, "Not ours", "Initech is in no registry account.")

    pages = run(connect(server, certificate), {})
    found = changes(pages)

    assert set(found) == {f"Task/{call}", f"Event/{meeting}", f"Task/{empty}"}
    task = found[f"Task/{call}"]
    assert task.account == "Acme" and not task.removed  # the registry's name, never Salesforce's
    (item,) = task.items
    assert item.text == ("Call — Kickoff call\nStatus: Not Started · High priority\n"
                         "Agreed on the Q1 scope.\nBudget: 40k.")
    assert (item.kind, item.title, item.author, item.date) == (SourceKind.CRM, "Kickoff call", "Dana Owner",
                                                               dt.date(2026, 11, 20))
    assert item.source == f"{server.instance_url}/{call}"
    assert item.participants == ("Wile E. Coyote",)

    event = found[f"Event/{meeting}"]
    assert event.account == "Globex"  # by www.globex.com → globex.com
    (item,) = event.items
    assert item.text == "Meeting — Quarterly review\nWhen: 2026-11-25 15:00–15:45 UTC · Where: Zoom\nRenewal risk."
    assert item.date == dt.date(2026, 11, 25) and item.participants == ("Hank Scorpio",)

    # Neither subject nor description: nothing to keep, and a record emptied by an edit must leave the store.
    assert found[f"Task/{empty}"].removed and not found[f"Task/{empty}"].items
    assert any("neither subject nor description" in note for page in pages for note in page.notes)
    assert any("1 Salesforce Accounts filed by their website" in note for page in pages for note in page.notes)
    assert sorted(pages[-1].cursor["accounts"]) == [ACME_ID[:15], GLOBEX_ID[:15]]
    activity = [q for q in server.queries() if "FROM Task" in q or "FROM Event" in q]
    assert activity and all("SystemModstamp >=" not in q for q in activity)  # a first sync reads all history
    # Through queryAll, so deleted and archived activities come too.
    assert {r.path.rstrip("/").rsplit("/", 1)[1] for r in server.requests
            if "FROM Task" in r.params.get("q", "") or "FROM Event" in r.params.get("q", "")} == {"queryAll"}


def test_second_sync_yields_only_what_changed(server: SalesforceServer, certificate: tuple[Path, Path]) -> None:
    kept = server.add_task(ACME_ID, "Untouched", "Stays as it is.")
    edited = server.add_task(ACME_ID, "Scope", "First draft.")
    deleted = server.add_task(ACME_ID, "Mistake", "Logged on the wrong account.")
    purged = server.add_event(GLOBEX_ID, "Lunch", dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC))
    connector = connect(server, certificate)
    cursor = run(connector, {})[-1].cursor

    server.tick(120)
    added = server.add_task(GLOBEX_ID, "Renewal", "They want a 2-year term.")
    server.edit(edited, Description="Signed version.")
    server.delete(deleted)
    server.delete(purged)
    server.purge(purged)  # emptied from the Recycle Bin: only Get Deleted still knows it
    server.tick(60)
    pages = run(connector, cursor)
    found = changes(pages)

    assert set(found) == {f"Task/{added}", f"Task/{edited}", f"Task/{deleted}", f"Event/{purged}"}
    assert kept not in {k.split("/")[1] for k in found}
    assert found[f"Task/{edited}"].items[0].text == "Task — Scope\nStatus: Completed\nSigned version."
    assert found[f"Task/{added}"].account == "Globex"
    assert found[f"Task/{deleted}"].removed and found[f"Task/{deleted}"].account == "Acme"
    assert found[f"Event/{purged}"].removed and found[f"Event/{purged}"].account is None  # Get Deleted has no AccountId
    assert any("/sobjects/Event/deleted" in r.path for r in server.requests)

    # Nothing happened since: a third run brings nothing.
    server.tick(60)
    assert changes(run(connector, pages[-1].cursor)) == {}


def test_a_record_restored_from_the_recycle_bin_stays(server: SalesforceServer,
                                                      certificate: tuple[Path, Path]) -> None:
    task = server.add_task(ACME_ID, "Proposal", "v1")
    connector = connect(server, certificate)
    cursor = run(connector, {})[-1].cursor
    server.tick(60)
    server.delete(task)
    server.tick(60)
    server.undelete(task)  # Get Deleted still lists the deletion; the live row is newer
    server.tick(60)
    # In the order the sync applies them: the removal, then the record as it is now.
    applied = [c for page in run(connector, cursor) for c in page.changes]
    assert [c.removed for c in applied] == [True, False]
    assert applied[-1].items[0].text == "Task — Proposal\nStatus: Completed\nv1"


def test_an_edit_within_the_same_second_is_not_lost(server: SalesforceServer,
                                                    certificate: tuple[Path, Path]) -> None:
    task = server.add_task(ACME_ID, "Proposal", "v1")
    connector = connect(server, certificate)
    cursor = run(connector, {})[-1].cursor
    server.edit(task, stamp=False, Description="v2")  # same SystemModstamp as the row already read
    found = changes(run(connector, cursor))
    assert [c.items[0].text for c in found.values()] == ["Task — Proposal\nStatus: Completed\nv2"]


def test_pages_come_one_batch_at_a_time_and_resume_from_any_page(server: SalesforceServer,
                                                                 certificate: tuple[Path, Path]) -> None:
    server.batch_size = 3
    ids = []
    for n in range(10):
        if n in (1, 2, 4, 7):  # rows 2-3 and 3-4 share a second: a batch ends inside it
            server.tick(1)
        ids.append(server.add_task(ACME_ID, f"Task {n}", f"body {n}"))
    connector = connect(server, certificate)

    server.reset_requests()
    pages = run(connector, {})
    task_pages = [p for p in pages if p.changes]
    assert [len(p.changes) for p in task_pages] == [3, 3, 3, 1]
    assert sum(1 for r in server.requests if "/query/01g" in r.path) == 3  # nextRecordsUrl followed, lazily

    # A crash after storing page 1 (its last row shares a second with the next page's first): run again from
    # its cursor. It resumes inside that second; nothing is lost, and the rows read at it aren't repeated.
    first = task_pages[0]
    first_keys = {c.key for c in first.changes}
    assert first.cursor["backfill"]["Task"]["seen"].keys() == {ids[2]}
    server.reset_requests()
    resumed = changes(run(connect(server, certificate), json.loads(json.dumps(first.cursor))))
    assert first_keys | set(resumed) == {f"Task/{i}" for i in ids}
    assert not first_keys & set(resumed)
    assert f"Task/{ids[3]}" in resumed  # same second as the boundary row, not yet read: not skipped
    (task_query,) = [q for q in server.queries() if "FROM Task" in q]
    assert f"SystemModstamp >= {first.cursor['backfill']['Task']['since'][:19]}Z" in task_query


def test_pages_are_lazy(server: SalesforceServer, certificate: tuple[Path, Path]) -> None:
    server.batch_size = 3  # the three Accounts fit one batch
    for n in range(9):
        server.add_task(ACME_ID, f"Task {n}", "x")
    pages = connect(server, certificate).pages({}, directory())
    assert len(next(p for p in pages if p.changes).changes) == 3
    assert sum(1 for r in server.requests if "/query/01g" in r.path) == 0  # the backlog isn't read ahead
    assert len(next(pages).changes) == 3
    assert sum(1 for r in server.requests if "/query/01g" in r.path) == 1


def test_a_crash_mid_query_resumes_from_the_last_page(server: SalesforceServer,
                                                      certificate: tuple[Path, Path]) -> None:
    server.batch_size = 3  # the three Accounts fit one batch; the Tasks take three
    ids = [server.add_task(ACME_ID, f"Task {n}", "x") for n in range(7)]
    for n, record in enumerate(ids):
        server.tick(1)
        server.edit(record, Description=f"x{n}")  # distinct stamps
    connector = connect(server, certificate)
    stored: list[Page] = []
    server.fail(503, "SERVER_UNAVAILABLE", "down for maintenance", match="/query/01g")
    with pytest.raises(SourceError) as failure:
        for page in connector.pages({}, directory()):
            stored.append(page)
    assert not failure.value.permanent
    assert len(stored) == 1
    rest = changes(run(connector, stored[-1].cursor))
    assert {c.key for c in stored[0].changes} | set(rest) == {f"Task/{i}" for i in ids}
    assert not {c.key for c in stored[0].changes} & set(rest)


def test_an_account_mapped_later_gets_its_whole_history(server: SalesforceServer,
                                                        certificate: tuple[Path, Path]) -> None:
    old = [server.add_task(GLOBEX_ID, f"Globex {n}", "old history") for n in range(3)]
    server.tick(60)
    server.add_task(ACME_ID, "Acme", "synced from the start")
    connector = connect(server, certificate)
    cursor = run(connector, {}, directory(globex=False))[-1].cursor
    assert cursor["accounts"] == [ACME_ID[:15]]

    server.tick(60)
    server.reset_requests()
    pages = run(connector, cursor, directory())
    assert set(changes(pages)) == {f"Task/{i}" for i in old}  # older than the cursor, and still brought in
    assert all(c.account == "Globex" for c in changes(pages).values())
    backfill = [q for q in server.queries() if "FROM Task" in q and GLOBEX_ID in q and ACME_ID not in q]
    assert backfill and "SystemModstamp >=" not in backfill[0]
    assert sorted(pages[-1].cursor["accounts"]) == [ACME_ID[:15], GLOBEX_ID[:15]]
    assert "backfill" not in pages[-1].cursor

    server.tick(60)
    assert changes(run(connector, pages[-1].cursor, directory())) == {}


def test_accounts_by_domain_with_a_directory_that_names_its_domains(server: SalesforceServer,
                                                                    certificate: tuple[Path, Path]) -> None:
    task = server.add_task(GLOBEX_ID, "Hello", "from Globex")
    server.add_task(INITECH_ID, "Hello", "from Initech")
    dirs = Directory.build([Account(name="Globex", domains=["globex.com"])], lambda name: [], ["agency.com"])
    found = changes(run(connect(server, certificate), {}, dirs))
    assert set(found) == {f"Task/{task}"}
    (account_query,) = [q for q in server.queries() if "FROM Account" in q]
    assert "Website LIKE '%globex.com%'" in account_query


def test_expired_token_is_permanent_and_never_shown(server: SalesforceServer,
                                                    certificate: tuple[Path, Path]) -> None:
    connector = connect(server, certificate, token=TOKEN + "-old")
    with pytest.raises(SourceError) as failure:
        list(connector.pages({}, directory()))
    assert failure.value.permanent
    message = str(failure.value)
    assert "rejected the access token" in message and "new token" in message and "$SF_TOKEN" in message
    assert "INVALID_SESSION_ID" in message
    assert TOKEN not in message and "AQ4AQ" not in message


def test_a_5xx_is_passing(server: SalesforceServer, certificate: tuple[Path, Path]) -> None:
    server.fail(503, "SERVER_UNAVAILABLE", "Service Unavailable")
    with pytest.raises(SourceError) as failure:
        list(connect(server, certificate).pages({}, directory()))
    assert not failure.value.permanent and "503" in str(failure.value)


@pytest.mark.parametrize(("code", "permanent", "retry"), [("REQUEST_LIMIT_EXCEEDED", False, 900.0),
                                                          ("INSUFFICIENT_ACCESS", True, None)])
def test_403(server: SalesforceServer, certificate: tuple[Path, Path], code: str, permanent: bool,
             retry: float | None) -> None:
    server.fail(403, code, "TotalRequests Limit exceeded." if retry else "insufficient access rights on object")
    with pytest.raises(SourceError) as failure:
        list(connect(server, certificate).pages({}, directory()))
    assert (failure.value.permanent, failure.value.retry_after_s) == (permanent, retry)
    assert code in str(failure.value)


def test_a_malformed_query_is_permanent_with_salesforces_message(server: SalesforceServer,
                                                                 certificate: tuple[Path, Path]) -> None:
    server.fail(400, "INVALID_FIELD", "No such column 'TaskSubtype' on entity 'Task'.", match="/queryAll")
    with pytest.raises(SourceError) as failure:
        list(connect(server, certificate).pages({}, directory()))
    assert failure.value.permanent and "No such column 'TaskSubtype'" in str(failure.value)


def test_unreachable_and_untrusted(server: SalesforceServer, certificate: tuple[Path, Path]) -> None:
    with pytest.raises(SourceError) as closed:
        list(connect(server, certificate, url="https://127.0.0.1:9").pages({}, directory()))
    assert not closed.value.permanent and "Could not reach" in str(closed.value)
    config = SalesforceConfig.model_validate({"instance_url": server.instance_url, "token": {"env": "SF_TOKEN"}})
    with pytest.raises(SourceError) as untrusted:
        list(SalesforceConnector(config, TOKEN).pages({}, directory()))
    assert untrusted.value.permanent and "ca_bundle" in str(untrusted.value)


def test_deletions_older_than_the_window_are_reported(server: SalesforceServer,
                                                      certificate: tuple[Path, Path]) -> None:
    server.add_task(ACME_ID, "Anything", "x")
    connector = connect(server, certificate)
    cursor = run(connector, {})[-1].cursor
    server.tick(20 * 24 * 3600)
    pages = run(connector, cursor)
    assert any("15 days only" in note for page in pages for note in page.notes)


def test_ten_thousand_records(server: SalesforceServer, certificate: tuple[Path, Path]) -> None:
    for n in range(10_000):
        if n % 100 == 0:
            server.tick(1)
        server.add_task(ACME_ID, f"Task {n}", "body")
    started = time.monotonic()
    pages = run(connect(server, certificate), {})
    assert [len(p.changes) for p in pages if p.changes] == [2000] * 5
    assert len(changes(pages)) == 10_000
    assert time.monotonic() - started < 30


class RecordingSession(requests.Session):
    """Notes the timeout and CA each request goes out with."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, Any, Any]] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append((url, kwargs.get("timeout"), kwargs.get("verify")))
        return super().request(method, url, *args, **kwargs)


def test_every_request_has_a_timeout_and_the_sources_ca(server: SalesforceServer,
                                                        certificate: tuple[Path, Path]) -> None:
    task = server.add_task(ACME_ID, "Anything", "x")
    session = RecordingSession()
    config = SalesforceConfig.model_validate({"instance_url": server.instance_url, "token": {"env": "SF_TOKEN"},
                                              "ca_bundle": certificate[0]})
    connector = SalesforceConnector(config, TOKEN, session=session)
    cursor = run(connector, {})[-1].cursor
    server.tick(120)
    server.delete(task)
    server.purge(task)
    run(connector, cursor)
    assert any("/deleted/" in url for url, _, _ in session.sent)
    assert all(timeout is not None and verify == str(certificate[0]) for _, timeout, verify in session.sent)
    connector.close()
    assert session.adapters  # handed in: still its owner's, not closed


def test_the_double_hides_deleted_rows_from_query_but_not_from_query_all(server: SalesforceServer,
                                                                        certificate: tuple[Path, Path]) -> None:
    live, gone = server.add_task(ACME_ID, "Live", "x"), server.add_task(ACME_ID, "Gone", "x")
    server.delete(gone)
    session = requests.Session()
    session.verify = str(certificate[0])
    sf = Salesforce(instance_url=server.instance_url, session_id=TOKEN, version="62.0", session=session)
    soql = f"SELECT Id, IsDeleted FROM Task WHERE AccountId IN ('{ACME_ID[:15]}') ORDER BY Id"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("REQUESTS_CA_BUNDLE", raising=False)
        env.delenv("CURL_CA_BUNDLE", raising=False)
        assert [r["Id"] for r in sf.query_all(soql)["records"]] == [live]
        assert [(r["Id"], r["IsDeleted"]) for r in sf.query_all(soql, include_deleted=True)["records"]] == [
            (live, False), (gone, True)]
        assert [r["Id"] for r in sf.query_all(soql + " LIMIT 1", include_deleted=True)["records"]] == [live]


def test_a_row_committed_after_the_query_passed_its_stamp_is_read_by_the_next_sync(
        server: SalesforceServer, certificate: tuple[Path, Path]) -> None:
    """SystemModstamp is set when a change is made; a long transaction commits later. The next sync steps back
    two minutes before the previous one's first answer, so such a row is read then."""
    server.add_task(ACME_ID, "Kickoff", "Agenda sent.")  # read by the first sync, 10 s before it ran
    server.tick(10)
    first = run(connect(server, certificate, commit_lag=dt.timedelta(minutes=2)), {})
    cursor = first[-1].cursor
    # Committed after the first sync's query, stamped 40 s before it: older than the newest row it read.
    late = server.add_task(ACME_ID, "Late commit", "Stamped before the sync, visible after it.",
                           SystemModstamp=(server.clock - dt.timedelta(seconds=40)).strftime(SF_TIME))
    server.tick(60)
    without = [c.key for p in run(connect(server, certificate), cursor) for c in p.changes]
    assert f"Task/{late}" not in without  # what resuming from the newest stamp alone would miss
    found = [c.key for p in run(connect(server, certificate, commit_lag=dt.timedelta(minutes=2)), cursor)
             for c in p.changes]
    assert f"Task/{late}" in found
