"""Storing a live source's pages: new, unchanged, edited, removed and unfiled objects, against the real Chroma
store and state database (the pages are data: what any connector hands the sync)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relbot.models import Account, SourceItem, SourceKind
from relbot.sources.apply import apply_page
from relbot.sources.models import Change, Page
from relbot.store import source_objects

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SOURCE = "crm"


def _note(key: str, text: str, *, day: int = 20) -> tuple[SourceItem, ...]:
    return (SourceItem(text=text, kind=SourceKind.CRM, source=f"hubspot://notes/{key}", position=0,
                       date=dt.date(2026, 11, day), author="Dana Reyes", title="Call"),)


def _apply(services: Any, *changes: Change) -> Any:
    return apply_page(services.state.db, SOURCE, Page(list(changes), cursor={}),
                      store_records=services.ingestor.store_records, delete_records=services.store.delete_records,
                      now=NOW)


def _texts(services: Any, account: str) -> list[str]:
    return sorted(r.text for r in services.store.account_records(account))


def _setup(services: Any) -> None:
    services.state.upsert_account(Account(name="Acme"))
    services.state.upsert_account(Account(name="Globex"))


def test_new_objects_are_stored_and_a_repeated_page_adds_nothing(services: Any) -> None:
    _setup(services)
    page = [Change("notes/1", "Acme", _note("1", "Agreed to send the Q1 plan by Friday.")),
            Change("notes/2", "Acme", _note("2", "Client asked about the reporting cadence."))]
    first = _apply(services, *page)
    assert (first.new, first.records_added, first.unchanged) == (2, 2, 0)
    again = _apply(services, *page)
    assert (again.new, again.records_added, again.unchanged) == (0, 0, 2)
    assert len(services.store.account_records("Acme")) == 2


def test_an_edited_object_replaces_its_record_instead_of_adding_one(services: Any) -> None:
    _setup(services)
    _apply(services, Change("notes/1", "Acme", _note("1", "Budget is 40k for the pilot.")))
    before = services.store.account_record_ids("Acme")
    report = _apply(services, Change("notes/1", "Acme", _note("1", "Budget is 45k for the pilot (revised).")))
    assert (report.updated, report.records_added, report.records_deleted) == (1, 1, 1)
    assert _texts(services, "Acme") == ["Budget is 45k for the pilot (revised)."]
    assert services.store.account_record_ids("Acme") != before
    stored = source_objects.current(services.state.db, SOURCE, ["notes/1"])["notes/1"]
    assert list(stored.record_ids) == services.store.account_record_ids("Acme")


def test_a_removed_object_leaves_the_store_and_an_unknown_removal_is_ignored(services: Any) -> None:
    _setup(services)
    _apply(services, Change("notes/1", "Acme", _note("1", "Kickoff went well.")),
           Change("notes/2", "Acme", _note("2", "They want weekly reports.")))
    report = _apply(services, Change("notes/1", None, removed=True), Change("notes/99", None, removed=True))
    assert (report.removed, report.records_deleted, report.unfiled) == (1, 1, 0)
    assert _texts(services, "Acme") == ["They want weekly reports."]
    assert source_objects.current(services.state.db, SOURCE, ["notes/1"]) == {}


def test_unfiled_objects_are_listed_never_stored_and_filing_later_clears_them(services: Any) -> None:
    _setup(services)
    report = _apply(services, Change("notes/5", None, _note("5", "Who is this for?"), summary="note 5, no company"))
    assert (report.unfiled, report.records_added) == (1, 0)
    assert services.store.count_records() == 0
    assert [s for _, s, _ in source_objects.unfiled_list(services.state.db, SOURCE)] == ["note 5, no company"]
    _apply(services, Change("notes/5", "Globex", _note("5", "Who is this for?")))
    assert source_objects.unfiled_list(services.state.db, SOURCE) == []
    assert _texts(services, "Globex") == ["Who is this for?"]


def test_a_record_two_objects_share_stays_until_neither_holds_it(services: Any) -> None:
    _setup(services)
    same = "Thanks, will do."
    _apply(services, Change("notes/1", "Acme", _note("1", same)), Change("notes/2", "Acme", _note("1", same)))
    assert len(services.store.account_records("Acme")) == 1  # content-addressed: one record
    _apply(services, Change("notes/1", None, removed=True))
    assert _texts(services, "Acme") == [same]  # notes/2 still holds it
    _apply(services, Change("notes/2", None, removed=True))
    assert services.store.account_records("Acme") == []


def test_an_object_refiled_to_another_account_moves(services: Any) -> None:
    _setup(services)
    _apply(services, Change("notes/1", "Acme", _note("1", "Renewal talk next month.")))
    report = _apply(services, Change("notes/1", "Globex", _note("1", "Renewal talk next month.")))
    assert report.accounts == {"Acme", "Globex"}
    assert services.store.account_records("Acme") == []
    assert _texts(services, "Globex") == ["Renewal talk next month."]


def test_an_object_now_pointing_nowhere_leaves_its_old_account(services: Any) -> None:
    _setup(services)
    _apply(services, Change("notes/1", "Acme", _note("1", "Moved to another company.")))
    report = _apply(services, Change("notes/1", None, _note("1", "Moved to another company."), summary="no company"))
    assert (report.removed, report.unfiled) == (1, 1)
    assert services.store.account_records("Acme") == []


def test_the_last_word_on_an_object_within_a_page_wins(services: Any) -> None:
    _setup(services)
    _apply(services, Change("notes/1", "Acme", _note("1", "First draft.")),
           Change("notes/1", "Acme", _note("1", "Final text.")))
    assert _texts(services, "Acme") == ["Final text."]
