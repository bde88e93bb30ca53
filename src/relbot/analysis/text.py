"""Sentences with their speaker and note section, content terms, negation: the shared reading primitives."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from relbot.lexical import tokenize
from relbot.models import Record, SourceKind
from relbot.wordlists import CHATTER_WORDS, FUNCTION_WORDS

_SPEAKER = re.compile(r"^([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):\s+(.+)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+)$")
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
# Split after . ! ? when a capital, digit or quote follows; abbreviations such as "Dr." do not end a sentence.
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z0-9\"“$@])")
_ABBREV = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|St|vs|e\.g|i\.e|Inc|Ltd|No|approx)\.$")
_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|none|nor|without|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|"
    r"won't|can't|cannot|couldn't|shouldn't|haven't|hasn't|hadn't|n't)\b", re.I,
)
# Words that carry no topic: English function words, chatter, calendar words and delivery verbs that every
# promise or message shares. The lexical tokenizer's own stopword list is deliberately tiny (it serves BM25).
GENERIC = frozenset(tokenize(" ".join(sorted(FUNCTION_WORDS | CHATTER_WORDS))))
_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th|k|m)?$")


@dataclass(frozen=True)
class Sentence:
    text: str
    record: Record
    speaker: str | None  # who said or wrote it: the line's speaker, else the record's author
    section: str  # lowercased "## heading" of a note it sits under ("" outside any)
    index: int  # order inside the record
    block: int = 0  # the line (paragraph, speaker turn, bullet) it came from


def split_sentences(text: str) -> list[str]:
    parts: list[str] = []
    for piece in _SPLIT.split(text.strip()):
        if parts and _ABBREV.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece.strip():
            parts.append(piece.strip())
    return parts


_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget) (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts?)"
    r"|\byou are now\b|\bsystem prompt\b|\bas an ai\b", re.I,
)


def is_instruction(text: str) -> bool:
    """A line addressed to a language model ("Ignore previous instructions…") says nothing about the
    relationship; the analysis skips it so no draft repeats or acts on it."""
    return bool(_INSTRUCTION.search(text))


@lru_cache(maxsize=20_000)  # a few large accounts; bounded for long-running servers
def sentences(record: Record) -> tuple[Sentence, ...]:
    """Every sentence of a record, headings dropped, bullets unwrapped, speakers kept. Cached: every
    analysis reads the same records (records are immutable)."""
    out: list[Sentence] = []
    section = ""
    spoken = record.kind in (SourceKind.TRANSCRIPT, SourceKind.SLACK)
    lines = unwrap(record.text) if record.kind == SourceKind.EMAIL else record.text.splitlines()
    for block, line in enumerate(lines):
        line = line.strip()
        if not line:
            continue
        if heading := _HEADING.match(line):
            # The "# Title" names the whole note; only "## Budget"-style headings scope what follows.
            section = heading.group(2).strip().lower() if len(heading.group(1)) > 1 else ""
            continue
        speaker = record.author if not spoken or "," not in (record.author or "") else None
        if spoken and (turn := _SPEAKER.match(line)):
            speaker, line = turn.group(1), turn.group(2)
        line = _BULLET.sub("", line)
        for text in split_sentences(line):
            if is_instruction(text):
                continue
            out.append(Sentence(text, record, speaker, section, len(out), block))
    return tuple(out)


_WRAPPED_AT = 45  # a line at least this long that runs on into the next was wrapped by the mail client
_LIST_ITEM = re.compile(r"^\s*(?:[-*•>]|\d+[.)]|[a-z][.)]|\([a-z0-9]+\))\s+")


def unwrap(text: str) -> list[str]:
    """Hard-wrapped e-mail lines joined back into paragraphs ("…amendment to the ISDA agreement\nbetween MEGA
    and…"); short lines (greetings, sign-offs, signatures) and list items stay lines of their own."""
    out: list[str] = []
    joinable = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            out.append("")
            joinable = False
            continue
        # A line that starts in lower case continues the one before, however short that one was: quoted text
        # re-wrapped by a second mail client alternates long and short lines.
        continues = bool(out and out[-1] and line[:1].islower())
        if (joinable or continues) and out and not _LIST_ITEM.match(raw) and not line[:1].isdigit():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joinable = len(raw.rstrip()) >= _WRAPPED_AT and not line.endswith((":", "!")) and not _HEADING.match(line)
    return out


def all_sentences(records: Iterable[Record]) -> list[Sentence]:
    return [s for r in records for s in sentences(r)]


@lru_cache(maxsize=100_000)
def _terms(text: str) -> frozenset[str]:
    return frozenset(t for t in tokenize(text) if t not in GENERIC and not _NUMBER.match(t) and len(t) > 1)


def terms(text: str) -> set[str]:
    """Stemmed content words, without the generic words every promise or message shares."""
    return set(_terms(text))


def negated(text: str, start: int, window: int = 4) -> bool:
    """A negation among the few words before ``start`` ("not worried", "didn't deliver")."""
    before = re.findall(r"[\w'’]+", text[:start])[-window:]
    return bool(_NEGATION.search(" ".join(before).replace("’", "'")))


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def clip(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
