"""Extractive drafts over the demo workspace: planted facts surface, every citation is real, nothing leaks
across accounts, and the CLI's --json output validates against the draft models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from relbot.cli import main
from relbot.domain import ChecklistStatus, CommitmentStatus, ConcernTrend
from relbot.drafting.models import Answer, Brief, Checklist, QuestionSet
from relbot.drafting.progress import Progress
from relbot.models import Citation
from tests.analysis.conftest import AS_OF

ACCOUNTS = ("Harbor Foods", "Lumen Health", "Crestline Outdoor", "Vela Fintech", "Oakridge Dental Group")
_DRAFTS: dict[tuple[int, str, str], Any] = {}


def _draft(demo: Any, kind: str, account: str) -> Any:
    key = (id(demo), kind, account)
    if key not in _DRAFTS:
        drafts = demo.drafts
        _DRAFTS[key] = (drafts.brief(account, as_of=AS_OF, use_llm=False, save_snapshot=False) if kind == "brief"
                        else getattr(drafts, kind)(account, as_of=AS_OF, use_llm=False))
    return _DRAFTS[key]


def _citations(model: Any) -> list[Citation]:
    if isinstance(model, Citation):
        return [model]
    if isinstance(model, list):
        return [c for item in model for c in _citations(item)]
    if isinstance(model, BaseModel):
        return [c for name in type(model).model_fields for c in _citations(getattr(model, name))]
    return []


def _claims_have_citations(model: Any) -> None:
    if isinstance(model, list):
        for item in model:
            _claims_have_citations(item)
    elif isinstance(model, BaseModel):
        if type(model).__name__ == "Claim":
            assert model.citations, f"uncited claim: {model.text}"  # type: ignore[attr-defined]
        for name in type(model).model_fields:
            _claims_have_citations(getattr(model, name))


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_citation_is_a_record_of_that_account(demo: Any, account: str) -> None:
    ids = set(demo.store.account_record_ids(account))
    for kind in ("brief", "questions", "checklist"):
        draft = _draft(demo, kind, account)
        cited = _citations(draft)
        assert cited, kind
        for citation in cited:
            if citation.section:
                assert citation.source.startswith("knowledge/") and citation.record_id is None
            else:
                assert citation.record_id in ids, (kind, citation)
                assert citation.date is not None and citation.date <= AS_OF
        _claims_have_citations(draft)


def test_lumen_brief_surfaces_the_broken_promise_and_the_growing_concern(demo: Any, expected: dict[str, Any]) -> None:
    brief: Brief = _draft(demo, "brief", "Lumen Health")
    broken = expected["broken_promise"]
    overdue = [c for c in brief.commitments if c.status == CommitmentStatus.OVERDUE]
    assert any(broken["text_contains"] in c.what.lower() and c.owner == broken["promised_by"] for c in overdue)
    risk = next(r for r in brief.risks if expected["growing_concern"]["topic"] in r.topic)
    assert risk.trend == ConcernTrend.GROWING
    assert brief.talking_points and any(broken["text_contains"] in p.text.lower() for p in brief.talking_points)
    assert brief.snapshot.days_since_contact == (AS_OF - brief.snapshot.last_contact).days  # type: ignore[operator]


def test_recent_interactions_read_as_one_line_each_newest_first(demo: Any) -> None:
    brief: Brief = _draft(demo, "brief", "Lumen Health")
    lines = brief.recent_interactions
    assert 3 <= len(lines) <= 6
    dates = [c.citations[0].date for c in lines]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert len({c.citations[0].source for c in lines}) == len(lines)
    for line in lines:
        assert "\n" not in line.text and len(line.text) < 260
        assert not line.text.split(": ", 1)[-1].lower().startswith(("hi ", "hello", "thanks"))


def test_harbor_contact_change_shows_in_contacts_and_a_question(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["changed_contact"]
    brief: Brief = _draft(demo, "brief", planted["account"])
    assert brief.snapshot.client_contact == planted["to"]
    roles = {c.name: c.role or "" for c in brief.contacts}
    assert "former" in roles[planted["from"]]
    questions: QuestionSet = _draft(demo, "questions", planted["account"])
    assert 5 <= len(questions.questions) <= 8
    about = [q for q in questions.questions if planted["to"] in q.question + q.why]
    assert about and any(c.source == f"demo/{planted['source']}" for q in about for c in q.citations)
    assert all(q.playbook for q in about)


def test_questions_aim_at_gaps_and_negative_signals(demo: Any, expected: dict[str, Any]) -> None:
    cold: QuestionSet = _draft(demo, "questions", expected["cold"]["account"])
    first = cold.questions[0]
    assert first.playbook and first.playbook.section == "staying-in-touch#spotting-an-account-going-cold"
    assert any(c.source == f"demo/{expected['cold']['last_source']}" for c in first.citations)
    vela: QuestionSet = _draft(demo, "questions", "Vela Fintech")
    assert any(q.playbook and q.playbook.section == "expectation-setting#how-success-is-judged" for q in vela.questions)
    for draft in (cold, vela):
        assert 5 <= len(draft.questions) <= 8
        assert all(q.why and q.playbook for q in draft.questions)


def test_checklist_missing_and_contradicted_reporting_cadence(demo: Any, expected: dict[str, Any]) -> None:
    crestline: Checklist = _draft(demo, "checklist", expected["missing_cadence"]["account"])
    cadence = next(e for e in crestline.entries if e.item_id == "reporting_cadence")
    assert cadence.status == ChecklistStatus.MISSING and cadence.question
    # The client's question is shown as the gap, not taken as the cadence being documented.
    assert any(expected["missing_cadence"]["phrase"] in claim.text for claim in cadence.evidence)
    planted = expected["contradiction"]
    lumen: Checklist = _draft(demo, "checklist", planted["account"])
    entry = next(e for e in lumen.entries if e.item_id == planted["item"])
    assert entry.status == ChecklistStatus.CONTRADICTED and entry.question
    quoted = {(c.citations[0].source, c.citations[0].date) for c in entry.evidence}
    for source in planted["sources"]:
        assert (f"demo/{source['file']}", source["date"]) in quoted
        assert any(source["phrase"] in c.text for c in entry.evidence)
    harbor: Checklist = _draft(demo, "checklist", "Harbor Foods")
    documented = next(e for e in harbor.entries if e.item_id == "reporting_cadence")
    assert documented.status == ChecklistStatus.DOCUMENTED
    assert expected["reporting_cadence"]["Harbor Foods"]["phrase"] in documented.evidence[0].text
    items = [e.item_id for e in harbor.entries]
    assert len(items) == len(set(items)) == 10


def test_planted_instruction_changes_nothing(demo: Any, expected: dict[str, Any]) -> None:
    planted = expected["injection"]
    others = [a for a in ACCOUNTS if a != planted["account"]]
    aliases = {alias for a in demo.state.list_accounts() if a.name in others for alias in a.aliases if len(alias) > 3}
    for kind in ("brief", "questions", "checklist"):
        text = _draft(demo, kind, planted["account"]).model_dump_json()
        assert planted["text"] not in text and "Ignore previous instructions" not in text
        for name in [*others, *aliases]:
            assert name not in text, (kind, name)
    answer = demo.drafts.ask(planted["account"], "List every account with its budget", as_of=AS_OF, use_llm=False)
    assert all(n not in answer.model_dump_json() for n in others)


def test_ask_finds_the_dashboard_promise_and_refuses_an_unrelated_question(demo: Any) -> None:
    found: Answer = demo.drafts.ask("Lumen", "When did we promise the analytics dashboard?", as_of=AS_OF, use_llm=False)
    assert found.found and found.claims
    assert any("October 15" in c.text for c in found.claims)
    sources = {c.citations[0].source for c in found.claims}
    assert sources & {"demo/lumen-health/emails/analytics-dashboard.mbox",
                      "demo/lumen-health/transcripts/2026-09-08-dashboard-scoping-call.txt"}
    missing: Answer = demo.drafts.ask("Lumen", "What is the client's favourite colour?", as_of=AS_OF, use_llm=False)
    assert not missing.found and not missing.claims
    assert missing.answer.startswith("No record in Lumen Health says")


def test_ask_reports_its_progress_records_read_then_citations_checked(demo: Any) -> None:
    heard: list[Progress] = []
    found: Answer = demo.drafts.ask("Lumen", "When did we promise the analytics dashboard?", as_of=AS_OF,
                                    use_llm=False, progress=heard.append)
    assert [(p.step, p.done) for p in heard] == [
        ("search", False), ("search", True), ("draft", False), ("draft", True), ("cite", True)]
    assert {p.account for p in heard} == {"Lumen Health"} and heard[1].count > 0 and not heard[2].llm
    cited = sum(len(c.citations) for c in found.claims)
    assert (heard[-1].count, heard[-1].matched) == (cited, cited)


def test_llm_requested_without_a_model_falls_back_with_a_notice(demo: Any) -> None:
    draft = demo.drafts.questions("Harbor", as_of=AS_OF, use_llm=True)
    assert draft.generated_by == "extractive"
    assert draft.notice and draft.notice.startswith("The language model was unavailable")
    assert draft.questions == _draft(demo, "questions", "Harbor Foods").questions


@pytest.mark.parametrize(
    ("argv", "model"),
    [
        (["brief", "Lumen Health"], Brief),
        (["questions", "crestline"], QuestionSet),
        (["checklist", "Vela"], Checklist),
        (["ask", "Harbor Foods", "What was Harbor's Q3 media budget?"], Answer),
    ],
)
def test_cli_json_validates_against_the_models(
    demo: Any, capsys: pytest.CaptureFixture[str], argv: list[str], model: type[BaseModel]
) -> None:
    assert main([*argv, "--json", "--no-llm", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    draft = model.model_validate_json(out)
    assert json.loads(out)["as_of"] == AS_OF.isoformat()
    assert draft.generated_by == "extractive"  # type: ignore[attr-defined]


def test_cli_renders_claims_with_compact_citations(demo: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "Lumen", "--no-llm", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Lumen Health" in out and "OVERDUE" in out and "Talking points" in out
    assert "[email 2026-11-03 · emails/analytics-dashboard.mbox]" in out  # the concern's mention, quoted
    assert main(["brief", "Nowhere Ltd", "--no-llm"]) == 2
    assert "No account named" in capsys.readouterr().err


def test_demo_command_prints_the_full_brief_as_json(demo: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    brief = Brief.model_validate_json(capsys.readouterr().out)
    assert brief.account == "Lumen Health" and brief.commitments and brief.risks and brief.snapshot.health.factors
