"""Reading the QMSum split: meetings grouped into accounts, queries with their gold turns.

Only this module knows the dataset's layout. A meeting series (``ES2006a``..``ES2006d``) becomes one
account with its meetings dated in letter order; any other meeting is an account of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relbot.errors import ConfigError
from relbot.eval.scoring import countable_turns
from relbot.ingest.loaders.speakers import split_speaker

# Meetings of a series are dated on consecutive days from an arbitrary Monday (the scenario meetings
# were held back to back), so relbot's recency preference barely separates them: these queries ask
# about one meeting, not about the latest state of things.
FIRST_DAY = dt.date(2024, 1, 8)
_SERIES = re.compile(r"^(?P<series>.*\d)(?P<part>[a-z])$")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
DOMAINS = {"ES": "product", "IS": "product", "TS": "product", "Bed": "academic", "Bmr": "academic",
           "Bro": "academic", "covid": "committee", "education": "committee"}  # fmt: skip


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str

    def line(self) -> str:
        return f"{self.speaker}: {self.text}"


@dataclass(frozen=True)
class Query:
    meeting: str
    text: str
    gold: tuple[str, ...]  # normalised gold turns that count (see scoring.countable_turns)


@dataclass(frozen=True)
class Meeting:
    name: str
    date: dt.date
    turns: tuple[Turn, ...]
    queries: tuple[Query, ...]

    def text(self) -> str:
        """The whole meeting as ``Speaker: text`` lines, the form people export transcripts in."""
        return "\n".join(turn.line() for turn in self.turns if turn.text)


@dataclass(frozen=True)
class Account:
    name: str
    domain: str
    meetings: tuple[Meeting, ...]

    @property
    def queries(self) -> list[Query]:
        return [q for m in self.meetings for q in m.queries]


def domain_of(name: str) -> str:
    prefix = re.match(r"[A-Za-z]+", name)
    return DOMAINS.get(prefix[0] if prefix else "", "other")


def speaker_label(raw: str) -> str:
    """A label the transcript loader reads as a speaker: committee records write
    "Hon. Bill Blair (Minister of Public Safety ...)", which no export tool would put before a colon."""
    label = raw
    while _PARENTHESES.search(label):
        label = _PARENTHESES.sub("", label)
    label = " ".join(label.split()) or "Speaker"
    found = split_speaker(f"{label}: x")
    if found is None or found.speaker != label:
        label = " ".join(word[:1].upper() + word[1:] for word in label.split())
    return label


def load_accounts(directory: Path, *, meetings: Iterable[str] | None = None) -> list[Account]:
    """All accounts of the split (or only those holding the named meetings), in name order."""
    files = sorted(directory.glob("*.json"))
    if not files:
        raise ConfigError(f"No QMSum meeting files (*.json) in {directory}.")
    wanted = set(meetings) if meetings is not None else None
    groups: dict[str, list[Path]] = {}
    for path in files:
        match = _SERIES.match(path.stem)
        groups.setdefault(match["series"] if match else path.stem, []).append(path)
    accounts = []
    for name, paths in sorted(groups.items()):
        if wanted is not None:
            paths = [p for p in paths if p.stem in wanted]
            if not paths:
                continue
        loaded = tuple(
            _load_meeting(path, FIRST_DAY + dt.timedelta(days=i)) for i, path in enumerate(sorted(paths))
        )
        accounts.append(Account(name=name, domain=domain_of(name), meetings=loaded))
    return accounts


def _load_meeting(path: Path, date: dt.date) -> Meeting:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        turns = tuple(
            Turn(speaker_label(str(t["speaker"])), " ".join(str(t["content"]).split()))
            for t in data["meeting_transcripts"]
        )
        queries = tuple(
            Query(meeting=path.stem, text=str(q["query"]), gold=tuple(countable_turns(_span_texts(turns, q))))
            for q in data["specific_query_list"]
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ConfigError(f"{path}: not a QMSum meeting file ({type(exc).__name__}: {exc}).") from exc
    return Meeting(name=path.stem, date=date, turns=turns, queries=tuple(q for q in queries if q.gold))


def _span_texts(turns: tuple[Turn, ...], query: dict[str, Any]) -> list[str]:
    spans: list[list[str]] = query["relevant_text_span"]  # inclusive [start, end] turn indexes
    indexes = sorted({i for start, end in spans for i in range(int(start), int(end) + 1)})
    return [turns[i].text for i in indexes if i < len(turns)]
