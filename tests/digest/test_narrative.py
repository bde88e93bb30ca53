"""The LLM summary on top: cited lines for the top exceptions, checked like any LLM draft, and a digest
without it (plus a notice) when the model fails. The real openai client talks to a local fake server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from relbot.digest.content import build_digest
from relbot.services import Services, build_services
from tests.digest.conftest import TODAY, W48
from tests.support.fake_openai import FakeOpenAI, RecordedRequest, fabricated, server_error, structured

FAKE_ID = "rec-fabricated-0000"


@pytest.fixture()
def openai_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def llm_svc(svc: Services, openai_server: FakeOpenAI) -> Services:
    return build_services(svc.settings.model_copy(update={
        "openai_base_url": openai_server.base_url, "openai_api_key": SecretStr("test-key"),
        "llm_timeout_s": 5.0, "llm_max_retries": 0,
    }))


def _lines(request: RecordedRequest, ids: list[str]) -> dict[str, Any]:
    cite = [{"record_id": i, "source": "whatever", "kind": "email"} for i in ids]
    return {"account": "ignored", "as_of": "2026-11-23",
            "lines": [{"text": f"Line citing {i}.", "citations": [c]} for i, c in zip(ids[:2], cite, strict=False)]
            + [{"text": "Made-up line.", "citations": [{"record_id": FAKE_ID, "source": "x"}]}] * (FAKE_ID in ids)}


def test_the_summary_cites_records_it_was_given(llm_svc: Services, openai_server: FakeOpenAI) -> None:
    openai_server.script(structured(_lines))
    digest = build_digest(llm_svc, recipient=None, week=W48, today=TODAY)
    assert digest.generated_by == "llm" and digest.notice is None
    assert [r.tool_name is not None for r in openai_server.requests] == [True] * 3  # the three exceptions
    assert {n.account for n in digest.narrative} == {"Lumen Health", "Crestline Outdoor", "Oakridge Dental Group"}
    lumen_prompt = next(r.content("user") for r in openai_server.requests if "Lumen Health" in r.content("system"))
    # The overdue promise was made in September: its records go into the prompt beside the week's own.
    assert "2026-09-08-dashboard-scoping-call.txt" in lumen_prompt
    for line in digest.narrative:
        stored = set(llm_svc.store.account_record_ids(line.account))
        assert line.citations and all(c.record_id in stored for c in line.citations)
        assert line.citations[0].source.startswith("demo/")  # the store's citation replaced the model's copy


def test_claims_citing_unknown_records_are_dropped(llm_svc: Services, openai_server: FakeOpenAI) -> None:
    openai_server.script(fabricated(_lines, FAKE_ID))
    digest = build_digest(llm_svc, recipient=None, week=W48, today=TODAY)
    assert digest.dropped_claims == 3
    assert digest.narrative and all(c.record_id != FAKE_ID for n in digest.narrative for c in n.citations)


def test_a_failing_model_leaves_the_digest_without_a_summary(llm_svc: Services, openai_server: FakeOpenAI) -> None:
    openai_server.script(server_error(500))
    digest = build_digest(llm_svc, recipient=None, week=W48, today=TODAY)
    assert digest.narrative == [] and digest.generated_by == "extractive"
    assert digest.notice and "language model was unavailable" in digest.notice
    assert [a.account for a in digest.exceptions][:2] == ["Lumen Health", "Crestline Outdoor"]
    assert len(openai_server.requests) == 1  # it stops asking after the first failure


def test_forcing_the_summary_without_an_llm_configured_gives_a_notice(svc: Services) -> None:
    digest = build_digest(svc, recipient=None, week=W48, today=TODAY, use_llm=True)
    assert digest.narrative == [] and digest.notice and "OPENAI_BASE_URL" in digest.notice
    assert digest.exceptions
