from __future__ import annotations

import shutil
from pathlib import Path

from relbot.ingest.loaders import expand_paths


def test_directories_expand_recursively_and_sorted(sources: Path, tmp_path: Path) -> None:
    root = tmp_path / "acme"
    (root / "notes" / "2024").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b.md").write_text("b")
    (root / "a.txt").write_text("a")
    (root / "notes" / "2024" / "c.md").write_text("c")
    (root / ".DS_Store").write_text("junk")
    (root / ".git" / "config").write_text("junk")
    (root / "Thumbs.db").write_text("junk")
    shutil.copytree(sources / "slack-export", root / "slack")

    assert expand_paths([root]) == [
        root / "a.txt",
        root / "b.md",
        root / "notes" / "2024" / "c.md",
        root / "slack",  # one source: its JSON files are not listed one by one
    ]


def test_slack_folder_files_and_missing_paths_pass_through(sources: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    export = sources / "slack-export"
    note = sources / "2024-02-20-initech-kickoff.md"
    assert expand_paths([export, note, missing, note]) == [export, note, missing]


def test_fixture_folder_lists_each_source_once(sources: Path) -> None:
    expanded = expand_paths([sources])
    assert sources / "slack-export" in expanded
    assert not any(
        "slack-export" in part for path in expanded if path != sources / "slack-export" for part in path.parts
    )
    assert len(expanded) == len(set(expanded)) == 10
