"""The HubSpot connector against a local double of HubSpot's API, through the real hubspot-api-client."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import HttpUrl

from relbot.models import Account, SourceKind
from relbot.sources.config import HubSpotConfig, SecretRef
from relbot.sources.directory import Directory
from relbot.sources.hubspot import HubSpotConnector
from relbot.sources.hubspot import connector as hubspot_connector
from relbot.sources.models import Change, Page, SourceError
from tests.support.hubspot_server import TOKEN, HubSpotServer

NOV30 = "2026-11-30T14:05:00.000Z"
SEARCH_NOTES = "/crm/v3/objects/notes/search"


class Sleeps:
    """Records the waits the connector asks for, spending none of them."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.wakes: list[float] = []  # when each wait would have ended

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.wakes.append(time.monotonic() + seconds)


@pytest.fixture()
def server() -> Iterator[HubSpotServer]:
    with HubSpotServer() as srv:
        srv.add_company("101", domain="acme.com")  # Acme's by id
        srv.add_company("555", domain="https://www.beta.io/")  # Beta's by domain
        srv.add_company("777", domain="elsewhere.org")  # nobody's
        srv.add_owner("7", "Dana", "Lee", "dana@agency.com")
        yield srv


def directory(*extra: Account) -> Directory:
    accounts = [Account(name="Acme", hubspot_companies=["101"], domains=["acme.com"]),
                Account(name="Beta", domains=["beta.io"]), *extra]
    return Directory.build(accounts, lambda name: [], agency_domains=["agency.com"])


Factory = Callable[..., HubSpotConnector]


@pytest.fixture()
def connect(server: HubSpotServer) -> Iterator[Factory]:
    made: list[HubSpotConnector] = []

    def make(*, token: str = TOKEN, page_size: int = 100, sleep: Callable[[float], None] | None = None,
             base_url: str | None = None, index_lag_ms: int = 0, **settings: Any) -> HubSpotConnector:
        settings.setdefault("search_per_second", 1000.0)  # the throttle has its own test
        config = HubSpotConfig(token=SecretRef(env="HUBSPOT_TOKEN"), base_url=HttpUrl(base_url or server.base_url),
                               **settings)
        # No index lag unless a test is about it: the others check exactly what a sync yields.
        connector = HubSpotConnector(config, token, page_size=page_size, sleep=sleep or Sleeps(),
                                     index_lag_ms=index_lag_ms)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def sync(connector: HubSpotConnector, cursor: dict[str, Any],
         directory_: Directory) -> tuple[list[Page], dict[str, Any]]:
    pages = list(connector.pages(cursor, directory_))
    json.dumps([p.cursor for p in pages])  # every cursor must be storable as JSON
    return pages, (pages[-1].cursor if pages else cursor)


def changes(pages: list[Page]) -> list[Change]:
    return [c for p in pages for c in p.changes]


def by_key(pages: list[Page]) -> dict[str, Change]:
    found = changes(pages)
    assert len({c.key for c in found}) == len(found), "a key came back twice in one sync"
    return {c.key: c for c in found}


# -- filing ---------------------------------------------------------------------------------------------------
def test_first_sync_files_by_company_id_and_domain_and_reports_the_rest(server: HubSpotServer,
                                                                        connect: Factory) -> None:
    acme = server.add_engagement("notes", {"hs_note_body": "<p>Kickoff went well</p>", "hs_timestamp": NOV30},
                                 companies=["101"])
    beta = server.add_engagement("notes", {"hs_note_body": "Beta renewal", "hs_timestamp": NOV30}, companies=["555"])
    stray = server.add_engagement("notes", {"hs_note_body": "Secret pricing", "hs_timestamp": NOV30},
                                  companies=["777"])
    lone = server.add_engagement("notes", {"hs_note_body": "No company at all", "hs_timestamp": NOV30})
    both = server.add_engagement("notes", {"hs_note_body": "Joint call", "hs_timestamp": NOV30},
                                 companies=["101", "555"])
    ghost = server.add_engagement("notes", {"hs_note_body": "Its company was deleted", "hs_timestamp": NOV30},
                                  companies=["999"])  # the companies read answers 207 for it

    pages, _ = sync(connect(objects=("notes",)), {}, directory())
    found = by_key(pages)

    assert found[f"notes/{acme}"].account == "Acme"
    assert found[f"notes/{beta}"].account == "Beta"
    for key in (stray, lone, both, ghost):
        change = found[f"notes/{key}"]
        assert change.account is None and not change.removed
        assert change.summary.startswith(f"note {key} ") and "(2026-11-30)" in change.summary
    assert "no mapped company" in found[f"notes/{stray}"].summary
    assert "no mapped company (associated: 999)" in found[f"notes/{ghost}"].summary
    assert "no associated company" in found[f"notes/{lone}"].summary
    assert "several accounts (Acme, Beta)" in found[f"notes/{both}"].summary
    summaries = " ".join(c.summary for c in found.values())
    assert "Secret" not in summaries and "pricing" not in summaries  # never the body
    assert found[f"notes/{acme}"].summary == ""
    assert sum(int(n.split()[0]) for p in pages for n in p.notes if "unfiled" in n) == 4


def test_every_type_is_mapped_to_text_author_and_date(server: HubSpotServer, connect: Factory) -> None:
    server.add_owner("8", "Sam", "Ortiz", "sam@agency.com", archived=True)  # left the agency; still the author
    ids = {
        "notes": server.add_engagement("notes", {
            "hs_note_body": "<div><p>Budget <b>approved</b></p><ul><li>Phase 1</li><li>Phase 2</li></ul></div>",
            "hs_timestamp": "2026-11-29T23:30:00.000Z", "hubspot_owner_id": "7"}, companies=["101"]),
        "emails": server.add_engagement("emails", {
            "hs_email_subject": "Re: Q3 plan",
            "hs_email_text": "Thanks, the Q3 plan works.\n\nOn Mon, Nov 30, 2026 at 9:00 AM Dana Lee "
                             "<dana@agency.com> wrote:\n> Here is the plan\n> with dates",
            "hs_email_headers": json.dumps({
                "from": {"email": "ben@acme.com", "firstName": "Ben", "lastName": "Okafor"},
                "to": [{"email": "Lee, Dana <dana@agency.com>", "firstName": "Dana", "lastName": "Lee"}],
                "cc": [{"email": "ops@acme.com"}], "bcc": []}),
            "hs_timestamp": "1796029200000", "hubspot_owner_id": "7"}, companies=["101"]),
        "calls": server.add_engagement("calls", {
            "hs_call_title": "Renewal check-in", "hs_call_body": "<p>They want a 2-year term.</p>",
            "hs_call_direction": "OUTBOUND", "hs_call_duration": "754000",
            "hs_call_disposition": "f240bbac-87c9-4f6e-bf70-924b57d47db7", "hs_timestamp": NOV30,
            "hubspot_owner_id": "8"}, companies=["101"]),
        "meetings": server.add_engagement("meetings", {
            "hs_meeting_title": "Quarterly review", "hs_meeting_body": "Agenda: results, next quarter",
            "hs_meeting_start_time": "2026-12-01T15:00:00.000Z", "hs_meeting_end_time": "2026-12-01T16:00:00.000Z",
            "hs_meeting_outcome": "COMPLETED", "hs_timestamp": "2026-11-20T10:00:00.000Z"}, companies=["101"]),
        "tasks": server.add_engagement("tasks", {
            "hs_task_subject": "Send the SOW", "hs_task_body": "Include the phase 2 estimate",
            "hs_task_status": "NOT_STARTED", "hs_timestamp": "2026-12-03T17:00:00.000Z",
            "hubspot_owner_id": "7"}, companies=["101"]),
    }
    fallback = server.add_engagement("emails", {
        "hs_email_subject": "Invoice", "hs_email_html": "<p>Attached is <i>November</i>.</p>",
        "hs_email_from_email": "billing@acme.com", "hs_email_from_firstname": "Ana", "hs_email_from_lastname": "Ruiz",
        "hs_email_to_email": "dana@agency.com;sam@agency.com", "hs_email_to_firstname": "Dana;Sam",
        "hs_email_to_lastname": "Lee;Ortiz", "hs_timestamp": NOV30}, companies=["101"])
    empty = server.add_engagement("notes", {"hs_note_body": "<p> </p>", "hs_timestamp": NOV30}, companies=["101"])

    pages, _ = sync(connect(), {}, directory())
    items = {key: c.items[0] for key, c in by_key(pages).items() if c.items}

    note = items[f"notes/{ids['notes']}"]
    assert note.text == "Budget approved\n\nPhase 1\n\nPhase 2"  # html_to_text keeps the breaks
    assert (note.kind, note.author, note.date) == (SourceKind.NOTE, "Dana Lee", dt.date(2026, 11, 29))  # UTC day
    assert (note.source, note.position, note.account) == (f"hubspot://notes/{ids['notes']}", 0, "Acme")

    email = items[f"emails/{ids['emails']}"]
    assert email.kind == SourceKind.EMAIL
    assert email.text == "Thanks, the Q3 plan works."  # the quoted history is gone
    assert (email.title, email.thread) == ("Re: Q3 plan", "q3 plan")
    assert (email.author, email.author_address) == ("Ben Okafor", "ben@acme.com")
    assert email.participants == ("Dana Lee <dana@agency.com>", "ops@acme.com")
    assert email.date == dt.date(2026, 11, 30)

    other = items[f"emails/{fallback}"]
    assert other.text == "Attached is November."
    assert (other.author, other.author_address) == ("Ana Ruiz", "billing@acme.com")
    assert other.participants == ("Dana Lee <dana@agency.com>", "Sam Ortiz <sam@agency.com>")

    call = items[f"calls/{ids['calls']}"]
    assert call.text == ("Call — Renewal check-in\nOutbound call, 13 minutes, outcome: connected.\n"
                         "They want a 2-year term.")
    assert (call.kind, call.title, call.author, call.date) == (
        SourceKind.CRM, "Renewal check-in", "Sam Ortiz", dt.date(2026, 11, 30))

    meeting = items[f"meetings/{ids['meetings']}"]
    assert meeting.text == ("Meeting — Quarterly review\n2026-12-01 15:00–16:00 UTC, outcome: completed.\n"
                            "Agenda: results, next quarter")
    assert meeting.date == dt.date(2026, 12, 1)  # when it takes place, not when it was logged
    assert meeting.author is None

    task = items[f"tasks/{ids['tasks']}"]
    assert task.text == "Task — Send the SOW\nStatus: not started, due 2026-12-03.\nInclude the phase 2 estimate"
    assert (task.title, task.author, task.date) == ("Send the SOW", "Dana Lee", dt.date(2026, 12, 3))

    assert f"notes/{empty}" not in items  # no text: nothing stored
    assert by_key(pages)[f"notes/{empty}"].removed
    # Owners are read once per run however many engagements name them (and the archived ones once, on a miss).
    assert [r.query.get("archived", "").lower() for r in server.requests_to("/crm/v3/owners")] == ["false", "true"]


# -- incremental ------------------------------------------------------------------------------------------------
def test_a_second_sync_yields_only_what_changed(server: HubSpotServer, connect: Factory) -> None:
    old = [server.add_engagement("notes", {"hs_note_body": f"note {n}", "hs_timestamp": NOV30}, companies=["101"])
           for n in range(5)]
    connector = connect(objects=("notes", "tasks"))
    pages, cursor = sync(connector, {}, directory())
    assert len(changes(pages)) == 5

    assert sync(connector, cursor, directory())[0] == []  # nothing changed: nothing at all

    server.edit("notes", old[2], {"hs_note_body": "note 2, corrected"})
    new = server.add_engagement("tasks", {"hs_task_subject": "Follow up", "hs_timestamp": NOV30}, companies=["101"])
    pages, cursor = sync(connector, cursor, directory())
    found = by_key(pages)
    assert set(found) == {f"notes/{old[2]}", f"tasks/{new}"}
    assert found[f"notes/{old[2]}"].items[0].text == "note 2, corrected"
    assert found[f"notes/{old[2]}"].account == "Acme"

    assert sync(connector, cursor, directory())[0] == []


def test_an_archived_engagement_comes_back_as_a_removal_once(server: HubSpotServer, connect: Factory) -> None:
    keep = server.add_engagement("notes", {"hs_note_body": "keep"}, companies=["101"])
    gone = server.add_engagement("notes", {"hs_note_body": "gone"}, companies=["101"])
    binned = server.add_engagement("notes", {"hs_note_body": "binned before we ever synced"}, companies=["101"])
    server.archive("notes", binned, at_ms=int(time.time() * 1000) - 86_400_000)  # yesterday
    connector = connect(objects=("notes",))
    pages, cursor = sync(connector, {}, directory())
    assert set(by_key(pages)) == {f"notes/{keep}", f"notes/{gone}"}  # nothing stored yet, nothing to remove

    server.archive("notes", gone)
    pages, cursor = sync(connector, cursor, directory())
    assert changes(pages) == [Change(f"notes/{gone}", account=None, removed=True)]
    assert f"notes/{keep}" not in by_key(pages)

    assert sync(connector, cursor, directory())[0] == []  # reported once, not on every sync


def test_the_recycle_bin_is_read_a_bounded_number_of_pages_per_sync(server: HubSpotServer,
                                                                    connect: Factory) -> None:
    connector = connect(objects=("notes",))
    _, cursor = sync(connector, {}, directory())
    archived = [server.add_engagement("notes", {"hs_note_body": f"n{n}"}) for n in range(1150)]
    for note in archived:
        server.archive("notes", note)

    removed: list[str] = []
    for _ in range(3):
        server.reset_requests()
        pages, cursor = sync(connector, cursor, directory())
        removed += [c.key for c in changes(pages) if c.removed]
        assert len(server.requests_to("/crm/v3/objects/notes")) - len(server.requests_to(SEARCH_NOTES)) <= 10
    assert sorted(removed) == sorted(f"notes/{n}" for n in archived)  # all, each once, over two syncs
    # A bin this size is walked again and again (that is the only way to see what lands in it), but nothing
    # is reported twice: those pages only carry the progress.
    assert changes(sync(connector, cursor, directory())[0]) == []


def test_more_than_the_search_window_is_seen_exactly_once(connect: Factory) -> None:
    with HubSpotServer(window=250) as server:
        server.add_company("101")
        base = int(time.time() * 1000)
        # Bulk imports give runs of engagements the same millisecond: three at a time here.
        notes = [server.add_engagement("notes", {"hs_note_body": f"n{n}"}, companies=["101"],
                                       modified_ms=base + n // 3) for n in range(10_050)]
        connector = connect(base_url=server.base_url, objects=("notes",), page_size=40)

        pages, cursor = sync(connector, {}, directory())
        seen = Counter(c.key for c in changes(pages))
        assert seen == Counter(f"notes/{n}" for n in notes)
        searches = server.requests_to(SEARCH_NOTES)
        assert all(r.status == 200 for r in server.requests), "no request hit the 10,000 window"
        assert max(int(r.body.get("after") or 0) for r in searches) < 250
        assert cursor["types"]["notes"]["since"] == base + 10_049 // 3
        assert sync(connector, cursor, directory())[0] == []


def test_a_millisecond_holding_more_than_a_page_is_stepped_through(server: HubSpotServer,
                                                                  connect: Factory) -> None:
    same = int(time.time() * 1000)
    notes = [server.add_engagement("notes", {"hs_note_body": f"n{n}"}, companies=["101"], modified_ms=same)
             for n in range(130)]
    later = server.add_engagement("notes", {"hs_note_body": "later"}, companies=["101"], modified_ms=same + 5)
    connector = connect(objects=("notes",), page_size=50)
    pages, _ = sync(connector, {}, directory())
    assert Counter(c.key for c in changes(pages)) == Counter(f"notes/{n}" for n in [*notes, later])
    assert any(r.body.get("after") for r in server.requests_to(SEARCH_NOTES))  # offsets within the millisecond
    # Interrupted after the first page, a sync resumes at that millisecond without repeating or losing any.
    first = next(iter(connector.pages({}, directory())))
    rest = changes(sync(connector, first.cursor, directory())[0])
    assert sorted(c.key for c in [*first.changes, *rest]) == sorted(f"notes/{n}" for n in [*notes, later])


def test_more_engagements_in_one_millisecond_than_the_window_is_a_clear_error(
        server: HubSpotServer, connect: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hubspot_connector, "_WINDOW", 250)  # HubSpot's 10,000, scaled down with the test
    same = int(time.time() * 1000)
    for n in range(400):
        server.add_engagement("notes", {"hs_note_body": f"n{n}"}, companies=["101"], modified_ms=same)
    with pytest.raises(SourceError, match="same millisecond"):
        sync(connect(objects=("notes",), page_size=100), {}, directory())
    assert all(r.status == 200 for r in server.requests)  # it stops before HubSpot would answer 400


def test_an_edit_during_a_sync_skips_nothing(server: HubSpotServer, connect: Factory) -> None:
    notes = [server.add_engagement("notes", {"hs_note_body": f"n{n}"}, companies=["101"]) for n in range(100)]
    connector = connect(objects=("notes",), page_size=10)
    seen: list[str] = []
    for n, page in enumerate(connector.pages({}, directory())):
        seen += [c.key for c in page.changes]
        if n == 0:
            server.edit("notes", notes[0], {"hs_note_body": "edited"})  # moves from the front to the end
    assert set(seen) == {f"notes/{n}" for n in notes}  # with offset paging notes[10] would be lost
    assert seen.count(f"notes/{notes[0]}") == 2  # and the edit comes through as well


# -- companies mapped later ----------------------------------------------------------------------------------
def test_a_company_mapped_later_gets_its_history_backfilled(server: HubSpotServer, connect: Factory) -> None:
    server.add_company("303", domain="gamma.dev")
    old = server.add_engagement("notes", {"hs_note_body": "Gamma intro", "hs_timestamp": NOV30}, companies=["303"])
    call = server.add_engagement("calls", {"hs_call_title": "Gamma scoping"}, companies=["303"])
    other = server.add_engagement("notes", {"hs_note_body": "Acme"}, companies=["101"])
    connector = connect(objects=("notes", "calls"))
    pages, cursor = sync(connector, {}, directory())
    assert by_key(pages)[f"notes/{old}"].account is None

    gamma = Account(name="Gamma", hubspot_companies=["303"])
    pages, cursor = sync(connector, cursor, directory(gamma))
    found = by_key(pages)
    assert {k: c.account for k, c in found.items()} == {f"notes/{old}": "Gamma", f"calls/{call}": "Gamma"}
    assert f"notes/{other}" not in found
    filters = [f for r in server.requests_to("/crm/v3/objects/") if r.path.endswith("/search")
               for g in r.body.get("filterGroups") or [] for f in g["filters"]]
    assert {"propertyName": "associations.company", "operator": "EQ", "value": "303"} in filters
    assert "303" in cursor["companies"]

    assert sync(connector, cursor, directory(gamma))[0] == []  # backfilled once


# -- throttling, retries and errors -----------------------------------------------------------------------------
def test_searches_are_throttled_to_the_configured_rate(connect: Factory) -> None:
    sleeps = Sleeps()
    connector = connect(sleep=sleeps, search_per_second=4.0)
    sync(connector, {}, directory())  # five types: five searches, nothing to find
    assert len(sleeps.wakes) == 4
    gaps = [b - a for a, b in zip(sleeps.wakes, sleeps.wakes[1:], strict=False)]
    assert all(gap == pytest.approx(0.25, abs=0.02) for gap in gaps)


def test_a_429_is_retried_after_the_delay_hubspot_asks_for(server: HubSpotServer, connect: Factory) -> None:
    note = server.add_engagement("notes", {"hs_note_body": "hi"}, companies=["101"])
    server.fail(SEARCH_NOTES, 429, headers={"Retry-After": "1"}, times=2)
    sleeps = Sleeps()
    pages, _ = sync(connect(objects=("notes",), sleep=sleeps), {}, directory())
    assert [c.key for c in changes(pages)] == [f"notes/{note}"]
    assert [r.status for r in server.requests_to(SEARCH_NOTES)] == [429, 429, 200]
    assert [s for s in sleeps.calls if s >= 0.5] == [1.0, 1.0]


def test_a_429_that_never_ends_raises_with_the_retry_after(server: HubSpotServer, connect: Factory) -> None:
    server.fail(SEARCH_NOTES, 429, headers={"Retry-After": "2"})
    sleeps = Sleeps()
    with pytest.raises(SourceError) as raised:
        sync(connect(objects=("notes",), sleep=sleeps), {}, directory())
    assert raised.value.retry_after_s == 2.0 and not raised.value.permanent
    assert "429" in str(raised.value)
    assert len(server.requests_to(SEARCH_NOTES)) == 5  # bounded: four retries
    assert [s for s in sleeps.calls if s >= 0.5] == [2.0] * 4


def test_a_long_retry_after_ends_the_sync_at_once(server: HubSpotServer, connect: Factory) -> None:
    server.fail(SEARCH_NOTES, 429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with pytest.raises(SourceError) as raised:
        sync(connect(objects=("notes",), sleep=sleeps), {}, directory())
    assert raised.value.retry_after_s == 3600.0
    assert len(server.requests_to(SEARCH_NOTES)) == 1 and not [s for s in sleeps.calls if s >= 0.5]


def test_a_server_error_is_retried_with_backoff(server: HubSpotServer, connect: Factory) -> None:
    note = server.add_engagement("notes", {"hs_note_body": "hi"}, companies=["101"])
    server.fail("/crm/v4/associations/", 503, times=2)
    sleeps = Sleeps()
    pages, _ = sync(connect(objects=("notes",), sleep=sleeps), {}, directory())
    assert [c.account for c in changes(pages)] == ["Acme"] and changes(pages)[0].key == f"notes/{note}"
    assert [r.status for r in server.requests_to("/crm/v4/associations/")] == [503, 503, 200]
    assert 1.0 in sleeps.calls  # urllib3's backoff: none before the first retry, 0.5 * 2 before the second

    server.fail("/crm/v4/associations/", 500)
    with pytest.raises(SourceError, match="HubSpot answered 500") as raised:
        sync(connect(objects=("notes",)), {}, directory())
    assert not raised.value.permanent


def test_a_rejected_token_is_permanent_and_never_shown(server: HubSpotServer, connect: Factory,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad = "pat-na1-wrong-token-9999"
    with pytest.raises(SourceError) as raised:
        sync(connect(token=bad), {}, directory())
    message = str(raised.value)
    assert raised.value.permanent and "401" in message and "token" in message
    assert bad not in message and bad not in caplog.text
    assert len(server.requests) == 1  # a 401 is not retried


def test_a_missing_scope_is_named(server: HubSpotServer, connect: Factory) -> None:
    server.add_engagement("notes", {"hs_note_body": "hi"}, companies=["555"])  # filed by domain: needs companies
    server.fail("/crm/v3/objects/companies/batch/read", 403)
    with pytest.raises(SourceError) as raised:
        sync(connect(objects=("notes",)), {}, directory())
    assert raised.value.permanent
    assert "403" in str(raised.value) and "crm.objects.companies.read" in str(raised.value)


def test_an_unreachable_hubspot_is_a_passing_error(connect: Factory) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match="HubSpot could not be reached") as raised:
        sync(connect(base_url=f"http://127.0.0.1:{port}"), {}, directory())
    assert not raised.value.permanent and TOKEN not in str(raised.value)


def test_an_engagement_the_search_index_showed_late_is_read_by_the_next_sync(
        server: HubSpotServer, connect: Factory) -> None:
    """HubSpot's search index trails its writes: a note saved just before a sync's search can be missing from
    it. The next sync steps back a minute before the previous one began, so the late note is read then."""
    connector = connect(index_lag_ms=60_000)
    server.add_engagement("notes", {"hs_note_body": "first", "hs_timestamp": NOV30}, companies=["101"])
    pages, cursor = sync(connector, {}, directory())
    assert len(changes(pages)) == 1
    late = server.add_engagement("notes", {"hs_note_body": "indexed late", "hs_timestamp": NOV30},
                                 companies=["101"], modified_ms=int(cursor["searched_at"]) - 5_000)
    without_lag = {c.key for c in changes(sync(connect(index_lag_ms=0), cursor, directory())[0])}
    assert f"notes/{late}" not in without_lag  # what resuming from the newest time alone would miss
    found = {c.key: c for c in changes(sync(connector, cursor, directory())[0])}
    assert f"notes/{late}" in found and found[f"notes/{late}"].items[0].text == "indexed late"
