"""Builders for the fake OpenAI server: valid draft JSON that cites the record ids a request carried."""

from __future__ import annotations

from typing import Any

from tests.support.fake_openai import RecordedRequest

AS_OF = "2026-06-01"


def cite(record_id: str) -> dict[str, Any]:
    return {"record_id": record_id, "source": f"notes/{record_id}.md", "date": "2026-05-20", "kind": "note"}


def playbook(section: str = "expectation-setting#reporting-cadence") -> dict[str, Any]:
    return {"section": section, "source": "knowledge/expectation-setting.md"}


def answer(_request: RecordedRequest | None, ids: list[str]) -> dict[str, Any]:
    """An Answer with one claim per record id."""
    return {
        "account": "Acme", "as_of": AS_OF, "question": "When is the next report due?", "found": bool(ids),
        "answer": "The weekly report goes out on Fridays." if ids else "No record says.",
        "claims": [{"text": f"Fact from {i}.", "citations": [cite(i)]} for i in ids],
    }


def brief(_request: RecordedRequest | None, ids: list[str]) -> dict[str, Any]:
    """A Brief whose every section cites the given ids (one claim per id where a list holds claims)."""
    claims = [{"text": f"Interaction recorded in {i}.", "citations": [cite(i)]} for i in ids]
    return {
        "account": "Acme", "as_of": AS_OF,
        "snapshot": {
            "account": "Acme", "tier": "gold", "stage": "development", "relationship_type": "marriage",
            "client_contact": "Dana Reyes", "account_manager": "Sam Lee", "last_contact": "2026-05-20",
            "last_contact_citation": cite(ids[0]) if ids else None, "days_since_contact": 12,
            "health": {"score": 64, "factors": [{
                "name": "Status reports on cadence", "points": 10, "max_points": 20,
                "detail": "Two of four reports went out.", "citations": [playbook()],
            }]},
        },
        "recent_interactions": claims,
        "commitments": [
            {"what": f"Send the deck ({i}).", "owner": "Sam Lee", "due": "2026-05-30", "status": "overdue",
             "citations": [cite(i)]}
            for i in ids
        ],
        "risks": [{"topic": "Reporting", "trend": "growing", "mentions": claims}],
        "decisions": claims[:1],
        "contacts": [{"name": "Dana Reyes", "side": "client", "role": "project manager", "citations": [cite(i)]}
                     for i in ids[:1]],
        "changes_since_last_brief": [],
        "talking_points": [{"text": "Agree a reporting cadence.", "citations": [playbook()]}],
    }
