"""A new account with no records yet: every draft works and says so, instead of failing."""

from __future__ import annotations

import datetime as dt

from relbot.models import Account

DAY = dt.date(2026, 12, 1)


def test_every_draft_of_an_account_without_records_works(services) -> None:  # type: ignore[no-untyped-def]
    services.state.upsert_account(Account(name="Orbit Labs"))
    drafts = services.drafts
    answer = drafts.ask("Orbit Labs", "what did we promise?", as_of=DAY, use_llm=False)
    assert not answer.found and "Nothing is on record for Orbit Labs" in answer.answer
    brief = drafts.brief("Orbit Labs", as_of=DAY, use_llm=False)
    assert brief.commitments == [] and brief.recent_interactions == []
    checklist = drafts.checklist("Orbit Labs", as_of=DAY, use_llm=False)
    assert checklist.entries and {entry.status for entry in checklist.entries} == {"missing"}
    assert drafts.questions("Orbit Labs", as_of=DAY, use_llm=False).questions
