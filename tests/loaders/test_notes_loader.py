from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import load_path
from relbot.models import SourceKind


def test_note_with_front_matter(sources: Path) -> None:
    path = sources / "2024-02-20-initech-kickoff.md"
    items = load_path(path)
    assert [item.text for item in items] == [
        "# Initech kickoff\nBill wants the redesign live before the June trade show.\nBudget is fixed at $120k.",
        "## Risks\nTheir IT team must approve every third-party script, which took six weeks last time.",
        "Legal review is also slow.",
        "## Next steps\n- Dana sends the SOW by Friday\n- Bill introduces us to the IT lead",
    ]
    assert [item.position for item in items] == [0, 1, 2, 3]
    first = items[0]
    assert first.kind == SourceKind.NOTE
    assert first.title == "Initech kickoff"
    assert first.date == dt.date(2024, 2, 21)  # front matter beats the file name's 2024-02-20
    assert first.account == "Initech"
    assert first.author == "Dana Smith"
    assert first.participants == ("Bill Lumbergh", "Dana Smith")
    assert {item.thread for item in items} == {str(path)}
    assert all("account:" not in item.text for item in items)


def test_note_without_front_matter_uses_filename_date_and_stem(tmp_path: Path) -> None:
    path = tmp_path / "acme call 2024-06-03.txt"
    path.write_text("Ravi is leaving Acme in July.\n\n\nHis replacement is Mei.\n", encoding="utf-8")
    items = load_path(path, default_date=dt.date(2020, 1, 1))
    assert [item.text for item in items] == ["Ravi is leaving Acme in July.", "His replacement is Mei."]
    assert items[0].title == "acme call 2024-06-03"
    assert items[0].date == dt.date(2024, 6, 3)
    assert items[0].participants == ()


def test_default_date_is_the_last_resort(tmp_path: Path) -> None:
    path = tmp_path / "misc.md"
    path.write_text("## Only a sub-heading\n\nText.\n", encoding="utf-8")
    items = load_path(path, default_date=dt.date(2024, 1, 15))
    assert items[0].date == dt.date(2024, 1, 15)
    assert items[0].title == "misc"  # a level-2 heading is not the document title


def test_code_fence_with_blank_lines_stays_one_section(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("# T\n\nIntro.\n\n```\nline 1\n\nline 2\n```\n\nAfter.\n", encoding="utf-8")
    texts = [item.text for item in load_path(path)]
    assert texts == ["# T\nIntro.", "```\nline 1\n\nline 2\n```", "After."]


def test_trailing_heading_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("Para.\n\n## Open questions\n", encoding="utf-8")
    assert [item.text for item in load_path(path)] == ["Para.", "## Open questions"]


def test_bad_front_matter_date_says_how_to_write_it(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("---\ndate: next tuesday\n---\nText\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="write it as YYYY-MM-DD"):
        load_path(path)


def test_invalid_yaml_front_matter_is_a_loader_error(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="not valid YAML"):
        load_path(path)


def test_front_matter_without_body_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("---\ntitle: Empty\n---\n\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="no text after it"):
        load_path(path)
