"""The facade's LLM path: the evidence goes to the model as delimited data, a fabricated citation is dropped
and counted, the computed snapshot is kept, and a failing model falls back to the extractive draft."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from relbot.drafting.service import DraftService
from tests.analysis.conftest import AS_OF
from tests.support.fake_openai import FakeOpenAI, RecordedRequest, fabricated, server_error, structured


@pytest.fixture(scope="module")
def llm(demo: Any) -> Iterator[tuple[DraftService, FakeOpenAI]]:
    from relbot.config import load_settings
    from relbot.services import build_services

    with FakeOpenAI() as server:
        settings = load_settings(openai_base_url=server.base_url, openai_api_key="test-key", llm_timeout_s=5,
                                 llm_max_retries=0)
        yield build_services(settings).drafts, server


def _questions(request: RecordedRequest, ids: list[str]) -> dict[str, Any]:
    first, last = ids[0], ids[-1]
    return {"account": "Vela Fintech", "as_of": AS_OF.isoformat(), "questions": [
        {"question": "Which waitlist number would make the launch a success for you?", "why": "No target yet.",
         "citations": [{"record_id": first, "source": "x", "date": AS_OF.isoformat()}],
         "playbook": {"section": "expectation-setting#how-success-is-judged", "source": "knowledge/x.md"}},
        {"question": "Invented question", "why": "Cites a record that was never sent.",
         "citations": [{"record_id": last, "source": "x"}]},
    ]}


def test_llm_questions_keep_only_claims_citing_sent_records(llm: tuple[DraftService, FakeOpenAI], demo: Any) -> None:
    drafts, server = llm
    server.script(fabricated(_questions))
    draft = drafts.questions("Vela", as_of=AS_OF, use_llm=True)
    assert draft.generated_by == "llm" and draft.notice is None
    assert [q.question for q in draft.questions] == ["Which waitlist number would make the launch a success for you?"]
    assert draft.dropped_claims == 1
    ids = set(demo.store.account_record_ids("Vela Fintech"))
    assert all(c.record_id in ids for q in draft.questions for c in q.citations)
    sent = server.requests[-1].content("user")
    assert "<records>" in sent and "Ignore previous instructions" not in sent  # the planted line is never sent


def test_llm_failure_returns_the_extractive_brief_with_a_notice(llm: tuple[DraftService, FakeOpenAI]) -> None:
    drafts, server = llm
    server.script(server_error(500))
    brief = drafts.brief("Lumen", as_of=AS_OF, use_llm=True, save_snapshot=False)
    offline = drafts.brief("Lumen", as_of=AS_OF, use_llm=False, save_snapshot=False)
    assert brief.generated_by == "extractive"
    assert brief.notice == "The language model was unavailable (server error (500)); this is the offline draft."
    assert brief.commitments == offline.commitments and brief.snapshot == offline.snapshot


def test_llm_brief_keeps_the_computed_snapshot(llm: tuple[DraftService, FakeOpenAI]) -> None:
    drafts, server = llm
    offline = drafts.brief("Harbor", as_of=AS_OF, use_llm=False, save_snapshot=False)

    def brief(request: RecordedRequest, ids: list[str]) -> dict[str, Any]:
        data = offline.model_dump(mode="json")
        data["snapshot"]["health"]["score"] = 3  # the model must not be able to change computed numbers
        data["talking_points"] = [{"text": "Thank Priya for the launch.", "citations": [{"record_id": ids[0],
                                                                                         "source": "x"}]}]
        return data

    server.script(structured(brief))
    draft = drafts.brief("Harbor", as_of=AS_OF, use_llm=True, save_snapshot=False)
    assert draft.generated_by == "llm"
    assert draft.snapshot == offline.snapshot
    assert [p.text for p in draft.talking_points] == ["Thank Priya for the launch."]


def test_a_figure_a_date_or_a_name_the_cited_record_does_not_state_is_dropped(
        llm: tuple[DraftService, FakeOpenAI]) -> None:
    drafts, server = llm
    offline = drafts.brief("Lumen", as_of=AS_OF, use_llm=False, save_snapshot=False)
    records = drafts.context("Lumen", as_of=AS_OF).records
    results = next(r for r in records if "$50,900" in r.text and "361 leads" in r.text)

    def brief(request: RecordedRequest, ids: list[str]) -> dict[str, Any]:
        assert results.id in ids
        cite = [{"record_id": results.id, "source": "x"}]
        data = offline.model_dump(mode="json")
        data["talking_points"] = [
            {"text": "October results: $50,900 spent for 361 leads.", "citations": cite},
            {"text": "October spend came to $48,000.", "citations": cite},  # a figure the record does not state
            {"text": "Rachel Adeyemi signs the renewal on 2026-12-15.", "citations": cite},  # an invented date
            {"text": "Jordan Blake joins the steering group to review the results.", "citations": cite},  # a name
        ]
        return data

    server.script(structured(brief))
    draft = drafts.brief("Lumen", as_of=AS_OF, use_llm=True, save_snapshot=False)
    assert draft.generated_by == "llm"
    assert [p.text for p in draft.talking_points] == ["October results: $50,900 spent for 361 leads."]
    assert draft.dropped_claims >= 3
