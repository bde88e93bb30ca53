"""The fact check: every figure, date and name in a line must be in a record it cites (or the registry), unless
it is a count or a date difference the line shows how it got, or relbot's own score."""

from __future__ import annotations

import datetime as dt

from relbot.drafting.facts import FactCheck, facts_in
from relbot.models import Record, SourceKind

AS_OF = dt.date(2026, 11, 23)
RESULTS = Record(id="r1", account="A", kind=SourceKind.NOTE, source="n.md", position=0, date=dt.date(2026, 11, 12),
                 author="Maya Chen", text="October results: $50,900 spent, 361 leads, cost per lead $141. "
                 "Rachel Adeyemi wants the dashboard by 15 December.")
LUNCH = Record(id="r2", account="A", kind=SourceKind.EMAIL, source="e.eml", position=0, date=dt.date(2026, 11, 18),
               text="thanks for lunch, see you at the review")
CHECK = FactCheck([RESULTS, LUNCH], registry=["Lumen Health", "Priya Nair"], as_of=AS_OF)


def _bad(text: str, *ids: str) -> list[str]:
    return [f.text for f in CHECK.violations(text, list(ids))]


def test_what_the_cited_record_states_passes() -> None:
    assert _bad("2026-11-12 · October results: $50,900 spent, 361 leads, cost per lead $141.", "r1") == []
    assert _bad("Rachel Adeyemi wants the dashboard by 2026-12-15.", "r1") == []  # "by 15 December", in ISO


def test_an_invented_figure_date_or_name_is_a_violation() -> None:
    assert _bad("October spend came to $48,000.", "r1") == ["$48,000"]
    assert _bad("Rachel Adeyemi signs the renewal on 2026-12-20.", "r1") == ["2026-12-20"]
    assert _bad("Thank Jordan Blake for the 361 leads.", "r1") == ["Jordan Blake"]
    assert _bad("Conversion rose to 12% in October.", "r1") == ["12%"]


def test_a_fact_must_be_in_a_cited_record_not_just_any_record() -> None:
    assert _bad("October results: $50,900 spent.", "r2") == ["$50,900"]


def test_counts_date_differences_scores_and_the_registry_are_not_account_facts() -> None:
    assert _bad("Last contact 2026-11-18 (5 days ago); raised 3 times; 2 undated and still open.", "r2") == []
    assert _bad("Health 57 (was 59, -2); contact cadence 12/20 points.", "r1") == []
    assert _bad("Thank Priya Nair and Lumen Health for the lunch.", "r2") == []  # both in the registry
    assert _bad("Last contact 2026-11-18 (9 days ago).", "r2") == ["9"]  # not the difference it shows


def test_facts_are_found_once_each_and_dates_are_not_read_as_numbers() -> None:
    found = facts_in("Due 2026-11-27: $1,200 and $1,200 again, 40% of 361 leads.")
    assert [(f.kind, f.text) for f in found] == [
        ("date", "2026-11-27"), ("money", "$1,200"), ("percent", "40%"), ("number", "361")]
