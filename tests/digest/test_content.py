"""The demo workspace's digest on its Monday: the planted exceptions, ranked and cited, per recipient."""

from __future__ import annotations

import datetime as dt

import pytest

from relbot.digest import stages
from relbot.digest.content import build_digest
from relbot.digest.models import AccountDigest, Digest, SignalKind
from relbot.digest.weeks import IsoWeek, WeekError
from relbot.models import Account, Citation, Stage
from relbot.services import Services, build_services
from tests.digest.conftest import ADMIN, MAYA, SAM, TODAY, W48


def _digest(svc: Services, recipient: str | None = None, week: IsoWeek = W48, today: dt.date = TODAY) -> Digest:
    return build_digest(svc, recipient=recipient, week=week, today=today, use_llm=False)


def _account(digest: Digest, name: str) -> AccountDigest:
    return next(a for a in digest.accounts if a.account == name)


def _sources(citations: list[Citation]) -> set[str]:
    return {c.source.removeprefix("demo/") for c in citations}


def test_planted_exceptions_come_first_in_order_of_attention(svc: Services) -> None:
    digest = _digest(svc)
    assert (digest.week, digest.as_of, digest.compared_with) == ("2026-W48", TODAY, dt.date(2026, 11, 16))
    assert [a.account for a in digest.exceptions] == ["Lumen Health", "Crestline Outdoor", "Oakridge Dental Group"]
    assert [a.account for a in digest.quiet] == ["Harbor Foods", "Vela Fintech"]
    assert all(a.exception for a in digest.exceptions) and not any(a.exception for a in digest.quiet)
    scores = [a.score for a in digest.exceptions]
    assert scores == sorted(scores, reverse=True)


def test_crestline_is_cold_and_past_its_cadence_citing_the_last_contact(svc: Services) -> None:
    crest = _account(_digest(svc), "Crestline Outdoor")
    kinds = [i.kind for i in crest.items]
    assert kinds[:2] == [SignalKind.GOING_COLD, SignalKind.CADENCE_MISSED]
    cold, cadence = crest.items[0], crest.items[1]
    assert "72 days" in cold.text
    assert cold.citations[0].date == dt.date(2026, 9, 12)
    assert "crestline-outdoor/emails/autumn-plan.mbox" in _sources(cold.citations)
    # The records where replies were slowing, named in demo/expected.yaml, back the "going cold" call.
    assert {"crestline-outdoor/notes/2026-08-20-account-check.md", "crestline-outdoor/crm/hubspot-activities.csv"} \
        <= _sources(cold.citations)
    assert "30 days" in cadence.text and "2026-09-12" in cadence.text
    assert {c.section for c in cadence.citations if c.section} == {"customer-tiers#cadence-by-tier"}
    assert crest.last_contact == dt.date(2026, 9, 12) and crest.days_since_contact == 72


def test_lumen_overdue_dashboard_cites_where_it_was_promised(svc: Services) -> None:
    lumen = _account(_digest(svc), "Lumen Health")
    assert lumen.items[0].kind == SignalKind.OVERDUE  # the heaviest signal of the top account
    overdue = [i for i in lumen.items if i.kind == SignalKind.OVERDUE]
    assert len(overdue) == 1
    item = overdue[0]
    assert "dashboard" in item.text.lower() and "2026-10-15" in item.text and "chased" in item.text
    promised = [c for c in item.citations if c.date == dt.date(2026, 9, 8)]
    assert {"lumen-health/transcripts/2026-09-08-dashboard-scoping-call.txt",
            "lumen-health/emails/analytics-dashboard.mbox"} <= _sources(promised)


def test_lumen_growing_cost_per_lead_concern_is_cited_from_question_to_escalation(svc: Services) -> None:
    lumen = _account(_digest(svc), "Lumen Health")
    concern = next(i for i in lumen.items if i.kind == SignalKind.CONCERN and "cost per lead" in i.text)
    assert concern.text.startswith("Growing concern")
    sources = _sources(concern.citations)
    # The count cites the mentions it shows, each beside its date: the first (the question) and the latest.
    assert "lumen-health/transcripts/2026-07-14-june-performance-review.srt" in sources
    assert "lumen-health/emails/retainer-review.mbox" in sources
    assert min(c.date for c in concern.citations if c.date) == dt.date(2026, 7, 14)
    assert "4 mentions" in concern.text and len(concern.citations) == 3
    assert all(f"{c.date} “" in concern.text for c in concern.citations)


def test_every_item_cites_a_stored_record_or_a_playbook_section(svc: Services) -> None:
    digest = _digest(svc)
    for account in digest.accounts:
        ids = set(svc.store.account_record_ids(account.account))
        assert account.summary and account.summary_citations
        for item in account.items:
            assert item.citations
            for c in item.citations:
                assert (c.record_id in ids) if c.record_id else c.section, (account.account, item.text, c)


def test_the_same_day_gives_the_same_digest(svc: Services) -> None:
    assert _digest(svc).model_dump() == _digest(svc).model_dump()


def test_a_recipient_sees_only_accounts_whose_team_they_are_on(svc: Services) -> None:
    assert [a.account for a in _digest(svc, MAYA).accounts] == ["Lumen Health"]
    assert {a.account for a in _digest(svc, SAM).accounts} == {"Harbor Foods", "Vela Fintech"}
    assert _digest(svc, ADMIN).accounts == []  # on no team, not an admin
    admins = build_services(svc.settings.model_copy(update={"slack_admins": [ADMIN]}))
    assert len(_digest(admins, ADMIN).accounts) == 5
    svc.state.upsert_account(Account(name="Teamless Co"))  # no team: everyone may see it (and it has no records)
    seen = _digest(svc, ADMIN)
    assert [a.account for a in seen.accounts] == ["Teamless Co"]
    assert seen.accounts[0].items[0].kind == SignalKind.CADENCE_MISSED  # no contact on record


def test_a_past_week_is_computed_as_of_its_sunday(svc: Services) -> None:
    digest = _digest(svc, week=IsoWeek.parse("2026-W47"))
    assert (digest.as_of, digest.compared_with) == (dt.date(2026, 11, 22), dt.date(2026, 11, 15))
    later = _digest(svc, week=W48, today=dt.date(2026, 12, 3))
    assert later.as_of == dt.date(2026, 11, 29)
    with pytest.raises(WeekError, match="has not started"):
        _digest(svc, week=IsoWeek.parse("2026-W49"))


def test_a_stage_change_since_the_last_digest_is_reported_once(svc: Services) -> None:
    stages.record(svc.state, "Vela Fintech", "2026-W47", Stage.INCEPTION)
    vela = svc.state.resolve_account("Vela Fintech")
    svc.state.upsert_account(vela.model_copy(update={"stage": Stage.DEVELOPMENT}))
    item = next(i for i in _account(_digest(svc), "Vela Fintech").items if i.kind == SignalKind.STAGE_CHANGE)
    assert "inception → development" in item.text and item.citations[0].section == "lifecycle#development"
    assert _account(_digest(svc), "Vela Fintech").exception
    # W48's digest recorded "development": the next week has nothing to report.
    next_week = _digest(svc, week=IsoWeek(2026, 49), today=dt.date(2026, 11, 30))
    assert SignalKind.STAGE_CHANGE not in [i.kind for i in _account(next_week, "Vela Fintech").items]


def test_a_past_week_does_not_record_todays_stage(svc: Services) -> None:
    _digest(svc, week=IsoWeek.parse("2026-W45"))
    assert stages.seen_before(svc.state, "Lumen Health", "2026-W46") is None
    _digest(svc)
    seen = stages.seen_before(svc.state, "Lumen Health", "2026-W49")
    assert seen is not None and (seen.week, seen.stage) == ("2026-W48", Stage.DEVELOPMENT)
