"""The analysis finds each planted fact of the demo workspace (demo/expected.yaml), with the right citations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relbot.analysis.overview import Analysis
from relbot.domain import Commitment, CommitmentStatus, ConcernTrend
from relbot.models import Citation
from tests.analysis.conftest import AS_OF

_CACHE: dict[tuple[int, str], Analysis] = {}


def _analysis(demo: Any, account: str) -> Analysis:
    """Analysis is read-only: compute it once per account for this module's demo workspace."""
    key = (id(demo), account)
    if key not in _CACHE:
        _CACHE[key] = demo.drafts.context(account, as_of=AS_OF).analysis
    return _CACHE[key]


def _sources(citations: list[Citation]) -> set[str]:
    return {c.source for c in citations}


def _find(commitments: list[Commitment], text: str, due: dt.date | None) -> Commitment:
    found = [c for c in commitments if text.lower() in c.what.lower() and c.due == due]
    assert len(found) == 1, [(c.what, c.due) for c in commitments]
    return found[0]


def _day(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) or value is None else dt.date.fromisoformat(str(value))


def test_broken_promise_is_overdue_and_cites_where_it_was_made(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["broken_promise"]
    analysis = _analysis(demo, planted["account"])
    promise = _find(analysis.ledger, planted["text_contains"], _day(planted["due"]))
    assert promise.status == CommitmentStatus.OVERDUE
    assert promise.owner == planted["promised_by"]
    assert promise.side == "agency"
    assert min(c.date for c in promise.citations if c.date) == _day(planted["promised_on"])
    assert {f"demo/{s}" for s in planted["sources"]} <= _sources(promise.citations)
    # The slip and the client's chasing are its evidence, and it is still in the brief's list.
    assert set(planted["slipped_slack"]) <= _sources(promise.evidence)
    assert promise.chases >= 3
    assert promise in analysis.commitments
    # Re-promised for a later date: a separate, still open commitment.
    redated = [c for c in analysis.ledger if c.due == _day(planted["new_date"])]
    assert [c.status for c in redated] == [CommitmentStatus.OPEN]


def test_kept_promise_has_its_fulfilment_evidence(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["kept_promise"]
    promise = _find(_analysis(demo, planted["account"]).ledger, planted["text_contains"], _day(planted["due"]))
    assert promise.status == CommitmentStatus.KEPT
    assert promise.owner == planted["promised_by"]
    assert promise.fulfilled_on == _day(planted["fulfilled_on"])
    assert {f"demo/{s}" for s in planted["promised_in"]} <= _sources(promise.citations)
    evidence = _sources(promise.evidence)
    assert set(planted["fulfilled_slack"]) <= evidence
    assert f"demo/{planted['fulfilled_in'][0]}" in evidence
    assert all(c.date and c.date >= _day(planted["due"]) - dt.timedelta(days=7) for c in promise.evidence)


def test_smaller_commitments_have_the_expected_status(demo: Any, expected: dict[str, Any]) -> None:
    for planted in expected["other_commitments"]:
        ledger = _analysis(demo, planted["account"]).ledger
        promise = _find(ledger, planted["text_contains"], _day(planted["due"]))
        assert promise.status.value == planted["status"], planted
        assert any(c.source == f"demo/{planted['file']}" for c in promise.citations + promise.evidence), planted
        if planted["status"] == "kept":
            assert promise.fulfilled_on == _day(planted["fulfilled_on"]), planted


def test_cost_per_lead_concern_grows_with_mentions_in_date_order(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["growing_concern"]
    concerns = _analysis(demo, planted["account"]).concerns
    topic = next(c for c in concerns if planted["topic"] in c.topic)
    assert topic.trend == ConcernTrend.GROWING
    dates = [m.citations[0].date for m in topic.mentions]
    assert dates == sorted(d for d in dates if d)
    by_day = {m.citations[0].date: m.citations[0].source for m in topic.mentions}
    for mention in planted["sources_in_order"]:
        assert by_day.get(_day(mention["date"])) == f"demo/{mention['file']}", mention


def test_changed_point_of_contact(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["changed_contact"]
    analysis = _analysis(demo, planted["account"])
    change = next(c for c in analysis.changes if c.new == planted["to"])
    assert change.old == planted["from"]
    assert change.side == "client"
    assert change.effective == _day(planted["effective"])
    assert f"demo/{planted['source']}" in _sources(change.citations)
    assert analysis.points_of_contact["client"] == planted["to"]
    roles = {c.name: c.role or "" for c in analysis.contacts}
    assert "former" in roles[planted["from"]] and "point of contact" in roles[planted["to"]]
    assert "former" not in roles[planted["to"]]


def test_cold_account_scores_no_contact_cadence(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["cold"]
    cadence_points = {}
    for account, last in expected["last_contact"].items():
        analysis = _analysis(demo, account)
        assert analysis.last_contact is not None and analysis.last_contact.date == _day(last), account
        factor = next(f for f in analysis.health.factors if f.name == "Contact cadence")
        cadence_points[account] = factor.points / factor.max_points
        assert any(c.section == "customer-tiers#cadence-by-tier" for c in factor.citations)
    cold = _analysis(demo, planted["account"])
    assert cold.last_contact is not None and cold.last_contact.source == f"demo/{planted['last_source']}"
    assert cadence_points[planted["account"]] <= 0.1
    assert all(points == 1.0 for account, points in cadence_points.items() if account != planted["account"])


def test_health_factors_explain_the_score(demo: Any) -> None:
    scores = {}
    for account in ("Harbor Foods", "Lumen Health", "Crestline Outdoor"):
        health = _analysis(demo, account).health
        assert sum(f.max_points for f in health.factors) == 100
        assert health.score == round(sum(f.points for f in health.factors))
        for factor in health.factors:
            assert factor.detail and 0 <= factor.points <= factor.max_points
            assert any(c.section for c in factor.citations), factor.name  # the playbook section behind it
        scores[account] = health.score
    # The healthy account outscores the troubled and the cold one.
    assert scores["Harbor Foods"] > scores["Lumen Health"]
    assert scores["Harbor Foods"] > scores["Crestline Outdoor"]
    lumen = {f.name: f for f in _analysis(demo, "Lumen Health").health.factors}
    assert lumen["Commitments"].points < lumen["Commitments"].max_points
    assert lumen["Concern signals"].points < lumen["Concern signals"].max_points


def test_analysis_ignores_records_after_as_of(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["broken_promise"]
    before = demo.drafts.context(planted["account"], as_of=dt.date(2026, 10, 1)).analysis
    promise = _find(before.ledger, planted["text_contains"], _day(planted["due"]))
    assert promise.status == CommitmentStatus.OPEN  # on 1 October it was not yet due
    assert all(r.date is None or r.date <= dt.date(2026, 10, 1) for r in before.records)
