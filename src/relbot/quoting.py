"""Recognising a quoted copy of a message we hold: replies quote older mail, often trimmed or re-wrapped, so a
copy is the same writer on the same day saying words the original holds (or the original's words, cut short)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


class Originals:
    def __init__(self) -> None:
        self._texts: dict[tuple[str, dt.date | None], list[str]] = defaultdict(list)

    def add(self, writer: str | None, day: dt.date | None, text: str) -> None:
        self._texts[((writer or "").casefold(), day)].append(_words(text))

    def holds(self, writer: str | None, day: dt.date | None, text: str) -> bool:
        copy = _words(text)[:300]
        return bool(copy) and any(copy in original or original in copy
                                  for original in self._texts.get(((writer or "").casefold(), day), ()))
