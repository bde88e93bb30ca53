"""Turning the paths a user passed into the list of sources to load."""

from __future__ import annotations

import os
from pathlib import Path

from .slack_archive import is_slack_folder

# Files operating systems leave in folders; never anything a person wrote.
_JUNK_FILES = frozenset({"thumbs.db", "desktop.ini"})


def expand_paths(paths: list[Path]) -> list[Path]:
    """Directories become their files, recursively and sorted; a Slack export folder stays one source.

    Paths that do not exist are passed through, so the loader reports them as failed files.
    """
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir() and not is_slack_folder(path):
            expanded.extend(_walk(path))
        else:
            expanded.append(path)
    return list(dict.fromkeys(expanded))


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        if here != root and is_slack_folder(here):
            found.append(here)
            subdirs.clear()
            continue
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]  # .git, .obsidian, ...
        found.extend(here / name for name in files if not _skipped(name))
    return sorted(found)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.lower() in _JUNK_FILES
