"""check_citations: claims citing records that were not retrieved are dropped and counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from relbot.domain import ChecklistStatus
from relbot.drafting.citations import check_citations
from relbot.drafting.models import Answer, Brief, Checklist, QuestionSet
from relbot.models import Citation, SourceKind
from tests.support import llm_drafts
from tests.support.llm_drafts import cite, playbook

ALLOWED = {"rec-a", "rec-b"}
FAKE = "rec-fabricated"


def _brief(ids: list[str]) -> Brief:
    return Brief.model_validate(llm_drafts.brief(None, ids))


def test_valid_draft_is_unchanged() -> None:
    brief = _brief(["rec-a", "rec-b"])
    checked, dropped = check_citations(brief, ALLOWED)
    assert dropped == 0 and checked.dropped_claims == 0
    assert checked == brief and checked is not brief


def test_fabricated_ids_are_dropped_everywhere_and_counted() -> None:
    brief = _brief(["rec-a", FAKE])
    checked, dropped = check_citations(brief, ALLOWED)

    assert isinstance(checked, Brief)
    # recent_interactions 1, commitments 1, risk mention 1, contacts 0 (only the first id), last_contact_citation 1
    assert [c.text for c in checked.recent_interactions] == ["Interaction recorded in rec-a."]
    assert [c.what for c in checked.commitments] == ["Send the deck (rec-a)."]
    assert [len(r.mentions) for r in checked.risks] == [1]
    assert checked.snapshot.last_contact_citation is not None
    assert dropped == 3 and checked.dropped_claims == 3
    every_id = {c.record_id for c in _citations(checked.model_dump())}
    assert FAKE not in every_id


def test_claims_without_citations_are_dropped_but_playbook_citations_count() -> None:
    answer = Answer(account="Acme", as_of=dt.date(2026, 6, 1), question="q", found=True, answer="a", claims=[
        {"text": "no citation", "citations": []},  # type: ignore[list-item]
        {"text": "empty citation", "citations": [{"source": "x"}]},  # type: ignore[list-item]
        {"text": "playbook", "citations": [playbook()]},  # type: ignore[list-item]
        {"text": "mixed", "citations": [cite("rec-a"), cite(FAKE)]},  # type: ignore[list-item]
        {"text": "good", "citations": [cite("rec-b")]},  # type: ignore[list-item]
    ])
    checked, dropped = check_citations(answer, ALLOWED)
    assert [c.text for c in checked.claims] == ["playbook", "good"]
    assert dropped == 3


def test_a_concern_with_no_valid_mentions_goes_without_double_counting() -> None:
    brief = _brief([FAKE])
    checked, dropped = check_citations(brief, ALLOWED)
    assert checked.risks == [] and checked.recent_interactions == [] and checked.contacts == []
    assert checked.snapshot.last_contact_citation is None, "an optional citation is cleared, not fatal"
    assert checked.snapshot.health.factors, "playbook-cited health factors stay"
    # interactions, commitments, mention, decision, contact, last_contact_citation: one each; the emptied
    # concern is not counted again
    assert dropped == 6


def test_questions_may_rest_on_the_playbook_alone() -> None:
    questions = QuestionSet.model_validate({"account": "Acme", "as_of": "2026-06-01", "questions": [
        {"question": "How often?", "why": "No cadence on record.", "citations": [], "playbook": playbook()},
        {"question": "Who?", "why": "Nothing.", "citations": []},
        {"question": "Invented?", "why": "x", "citations": [cite("rec-a")],
         "playbook": {"record_id": FAKE, "source": "x"}},
    ]})
    checked, dropped = check_citations(questions, ALLOWED)
    assert [q.question for q in checked.questions] == ["How often?"]
    assert dropped == 2


def test_checklist_entries_keep_their_shape() -> None:
    def entry(item: str, status: str, evidence: list[dict[str, Any]]) -> dict[str, Any]:
        return {"item_id": item, "label": item, "status": status, "evidence": evidence, "playbook": playbook()}

    checklist = Checklist.model_validate({"account": "Acme", "as_of": "2026-06-01", "entries": [
        entry("budget", "missing", []),
        entry("timeline", "documented", [{"text": "Launch 1 July.", "citations": [cite("rec-a")]}]),
        entry("metrics", "documented", [{"text": "Invented quote.", "citations": [cite(FAKE)]}]),
    ]})
    checked, dropped = check_citations(checklist, ALLOWED)
    assert [(e.item_id, e.status) for e in checked.entries] == [
        ("budget", ChecklistStatus.MISSING), ("timeline", ChecklistStatus.DOCUMENTED)
    ]
    assert dropped == 1


def test_sections_can_be_restricted_and_citations_made_canonical() -> None:
    answer = Answer.model_validate({"account": "Acme", "as_of": "2026-06-01", "question": "q", "found": True,
                                    "answer": "a", "claims": [
        {"text": "record", "citations": [{"record_id": " rec-a ", "source": "made up", "section": "oops"}]},
        {"text": "known section", "citations": [playbook("status-reporting#cadence")]},
        {"text": "unknown section", "citations": [playbook("invented#section")]},
    ]})
    true = Citation(record_id="rec-a", source="notes/kickoff.md", date=dt.date(2026, 5, 2), kind=SourceKind.NOTE)
    checked, dropped = check_citations(
        answer, ALLOWED, allowed_sections={"status-reporting#cadence"}, known={"rec-a": true}
    )
    assert [c.text for c in checked.claims] == ["record", "known section"]
    assert checked.claims[0].citations == [true]
    assert dropped == 1


def test_a_draft_that_cannot_stand_raises() -> None:
    from pydantic import BaseModel

    class Single(BaseModel):
        claim: Citation

    with pytest.raises(ValueError, match="cannot stand"):
        check_citations(Single(claim=Citation(record_id=FAKE, source="x")), ALLOWED)


def _citations(value: Any) -> list[Citation]:
    """Every citation-shaped dict in a dumped model."""
    if isinstance(value, dict):
        found = [Citation.model_validate(value)] if "record_id" in value else []
        return found + [c for v in value.values() for c in _citations(v)]
    if isinstance(value, list):
        return [c for v in value for c in _citations(v)]
    return []
