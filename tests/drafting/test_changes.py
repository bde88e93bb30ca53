"""Changes since the last brief: nothing on the first brief, the new record on the next one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.analysis.conftest import AS_OF


def test_second_brief_reports_a_newly_ingested_record(demo: Any, tmp_path: Path) -> None:
    first = demo.drafts.brief("Harbor Foods", as_of=AS_OF, use_llm=False)
    assert first.changes_since_last_brief == []
    assert demo.state.latest_snapshot("Harbor Foods") is not None

    note = tmp_path / "2026-11-21-budget-call.md"
    note.write_text(
        "---\naccount: Harbor Foods\ndate: 2026-11-21\ntitle: Budget call with Priya\nauthor: Sam Ortega\n---\n"
        "Priya asked us to hold the January plan until Gareth has seen the December numbers.\n",
        encoding="utf-8",
    )
    report = demo.ingestor.ingest_paths([note], account="Harbor Foods")
    assert report.added == 1
    new_ids = set(demo.store.account_record_ids("Harbor Foods"))
    second = demo.drafts.brief("Harbor Foods", as_of=AS_OF, use_llm=False)
    changes = second.changes_since_last_brief
    assert changes, "the new record must be reported"
    cited = {c.record_id for claim in changes for c in claim.citations}
    new_record = next(r for r in demo.store.account_records("Harbor Foods") if r.source.endswith(note.name))
    assert new_record.id in new_ids and new_record.id in cited
    assert any("Priya asked us to hold the January plan" in claim.text for claim in changes)

    third = demo.drafts.brief("Harbor Foods", as_of=AS_OF, use_llm=False)
    assert third.changes_since_last_brief == []  # nothing new since the second brief
