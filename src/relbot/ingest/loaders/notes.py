"""Markdown / plain-text notes: one item per paragraph, a heading travelling with the paragraph under it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind

from .frontmatter import split_front_matter
from .text import date_from_filename, normalize_ws, read_text

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def load_notes(path: Path, *, default_date: dt.date | None = None) -> list[SourceItem]:
    meta, body = split_front_matter(read_text(path), path)
    sections = _sections(body)
    if not sections:
        raise LoaderError(f"{path}: has front matter but no text after it; add the note's content.")
    title = meta.title or _first_h1(body) or path.stem
    date = meta.date or date_from_filename(path) or default_date
    return [
        SourceItem(
            text=text,
            kind=SourceKind.NOTE,
            source=str(path),
            position=position,
            date=date,
            author=meta.author,
            title=title,
            thread=str(path),
            account=meta.account,
            participants=meta.attendees,
        )
        for position, text in enumerate(sections)
    ]


def _sections(body: str) -> list[str]:
    """Split into paragraphs; headings wait for the next paragraph so a section never loses its title."""
    sections: list[str] = []
    headings: list[str] = []
    for block, is_heading in _blocks(body):
        if is_heading:
            headings.append(block)
            continue
        sections.append(normalize_ws("\n".join([*headings, block])))
        headings = []
    if headings:  # trailing headings with nothing under them are still text the author wrote
        sections.append(normalize_ws("\n".join(headings)))
    return [section for section in sections if section]


def _blocks(body: str) -> list[tuple[str, bool]]:
    blocks: list[tuple[str, bool]] = []
    current: list[str] = []
    in_fence = False

    def flush() -> None:
        if any(line.strip() for line in current):
            blocks.append(("\n".join(current), False))
        current.clear()

    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence  # blank lines inside code blocks must not split the block
            current.append(line)
        elif in_fence:
            current.append(line)
        elif _HEADING.match(line):
            flush()
            blocks.append((line.strip(), True))
        elif not line.strip():
            flush()
        else:
            current.append(line)
    flush()
    return blocks


def _first_h1(body: str) -> str | None:
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match and len(match[1]) == 1 and match[2]:
            return match[2]
    return None
