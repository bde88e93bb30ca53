from __future__ import annotations

import datetime as dt

import pytest

from relbot.ingest.loaders.dates import parse_date, slash_order


@pytest.mark.parametrize(
    ("value", "day_first", "expected"),
    [
        ("2024-03-05", False, dt.date(2024, 3, 5)),
        ("2024-03-05T23:10:00Z", False, dt.date(2024, 3, 5)),
        ("2024/3/5 9:30", False, dt.date(2024, 3, 5)),
        ("3/5/2024 9:30 AM", False, dt.date(2024, 3, 5)),
        ("3/5/2024", True, dt.date(2024, 5, 3)),
        ("03/05/24", False, dt.date(2024, 3, 5)),
        ("05.03.2024 14:00", False, dt.date(2024, 3, 5)),  # dotted dates are always day-first
        ("Mar 5, 2024", False, dt.date(2024, 3, 5)),
        ("Tuesday, March 5th, 2024 10:00 AM", False, dt.date(2024, 3, 5)),
        ("5 Mar 2024", False, dt.date(2024, 3, 5)),
        ("5-Sep-2024", False, dt.date(2024, 9, 5)),
        ("2024-02-30", False, None),
        ("13/13/2024", False, None),
        ("Smarch 5, 2024", False, None),
        ("soon", False, None),
    ],
)
def test_parse_date(value: str, day_first: bool, expected: dt.date | None) -> None:
    assert parse_date(value, day_first=day_first) == expected


def test_slash_order_needs_proof_for_day_first() -> None:
    assert slash_order(["03/04/2024", "05/06/2024"]).day_first is False
    assert slash_order(["03/04/2024", "25/06/2024"]).day_first is True
    assert slash_order(["03/25/2024", "2024-01-01"]).day_first is False
    assert slash_order(["25/03/2024", "03/25/2024"]).conflict == ("25/03/2024", "03/25/2024")
