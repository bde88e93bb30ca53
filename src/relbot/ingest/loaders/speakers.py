"""Recognising who speaks a line: ``Dana Smith: text``, ``[00:01:02] Dana: text``, ``Dana Smith  0:03``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_NAME = r"(?P<name>[^\W\d_][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,4}?)"
# "Dana Smith: text", optionally after ">>" or a leading timestamp, optionally "Dana (00:01:02): text".
_INLINE = re.compile(
    rf"^\s*(?:>>\s*)?(?:[\[(]?{_CLOCK}[\])]?\s+)?{_NAME}(?:\s*[\[(]{_CLOCK}[\])])?\s*:(?:\s+(?P<text>.*))?$"
)
# Otter-style header line: the speaker and a timestamp alone on a line, the words follow below.
_HEADER = re.compile(rf"^\s*{_NAME}\s+{_CLOCK}\s*$")
_PARTICLES = frozenset({"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "bin", "al"})
_MAX_NAME = 40

# Labels that start lines in meeting notes: never speakers, so notes do not look like transcripts
# and a transcript's "Summary: ..." line continues the current turn.
_NOTE_LABELS = frozenset(
    {
        "action", "action items", "actions", "agenda", "account", "attendees", "cc", "date", "decision",
        "decisions", "follow-up", "follow up", "from", "goal", "goals", "location", "next step", "next steps",
        "note", "notes", "outcome", "outcomes", "owner", "participants", "re", "risk", "risks", "status",
        "subject", "summary", "time", "title", "to", "todo", "when", "where", "why", "what", "who", "how",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SpeakerLine:
    speaker: str
    text: str  # empty when the line only names the speaker


def split_speaker(line: str) -> SpeakerLine | None:
    """The speaker prefix of a line, or None when the line is ordinary text."""
    match = _INLINE.match(line) or _HEADER.match(line)
    if match is None:
        return None
    name = " ".join(match["name"].split())
    if not _plausible_name(name):
        return None
    text = match.groupdict().get("text") or ""
    return SpeakerLine(speaker=name, text=text.strip())


def _plausible_name(name: str) -> bool:
    if len(name) > _MAX_NAME or not name[0].isupper() or "://" in name or name.lower() in _NOTE_LABELS:
        return False
    # Later words must look like name parts, so "The plan for Q3: ..." stays ordinary text.
    return all(word[0].isupper() or word[0].isdigit() or word in _PARTICLES for word in name.split()[1:])


def looks_like_transcript(text: str) -> bool:
    """At least two distinct speakers, one of them speaking twice, and speaker lines a large share of the text."""
    lines = [line for line in text.split("\n") if line.strip()]
    speakers = [found.speaker for line in lines if (found := split_speaker(line)) is not None]
    if len(set(speakers)) < 2 or len(speakers) == len(set(speakers)):
        return False
    return len(speakers) >= 0.4 * len(lines)
