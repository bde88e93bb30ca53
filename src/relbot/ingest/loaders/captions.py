"""Timed caption files (WebVTT, SRT) reduced to who-said-what, without timings, ids or styling."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .speakers import split_speaker
from .text import join_words

_TIMING = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}\s*-->\s*\d{1,2}:\d{2}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>")
_TAG = re.compile(r"</?[^>\s][^>]*>")
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")  # SRT files from subtitle editors carry {\an8}-style codes
_DIALOGUE_DASH = re.compile(r"^\s*-\s+")
_NON_CUE_BLOCKS = frozenset({"NOTE", "STYLE", "REGION"})  # comments and styling, never spoken text


@dataclass(frozen=True)
class Utterance:
    speaker: str | None
    text: str


def is_webvtt(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))


def is_srt(text: str) -> bool:
    """SRT: the first block is a cue number followed by an ``hh:mm:ss,mmm --> ...`` timing line."""
    lines = [line.strip() for line in text.lstrip("\ufeff").split("\n") if line.strip()][:2]
    return len(lines) == 2 and lines[0].isdigit() and _TIMING.match(lines[1]) is not None


def parse_webvtt(text: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    for block in _blocks(text)[1:]:  # the first block is the WEBVTT header and its metadata
        if block[0].split(maxsplit=1)[0] in _NON_CUE_BLOCKS:
            continue
        utterances.extend(_cue_utterances(_payload(block), voice_tags=True))
    return utterances


def parse_srt(text: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    for block in _blocks(text):
        payload = [_ASS_OVERRIDE.sub("", line) for line in _payload(block)]
        utterances.extend(_cue_utterances(payload, voice_tags=False))
    return utterances


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.lstrip("\ufeff").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _payload(block: list[str]) -> list[str]:
    """The cue text: everything after the timing line (the optional cue id before it is dropped)."""
    for i, line in enumerate(block):
        if "-->" in line:
            return block[i + 1 :]
    return []  # not a cue (stray text or an unknown block type): nothing was said


def _cue_utterances(payload: list[str], *, voice_tags: bool) -> list[Utterance]:
    joined = "\n".join(payload)
    if voice_tags and _VOICE.search(joined):
        return _voice_utterances(joined)
    utterances: list[Utterance] = []
    for raw in payload:
        line = _DIALOGUE_DASH.sub("", _clean(raw))
        if not line:
            continue
        found = split_speaker(line)
        if found is not None:
            utterances.append(Utterance(found.speaker, found.text))
        elif utterances:  # a wrapped caption line: same speaker, same sentence
            last = utterances[-1]
            utterances[-1] = Utterance(last.speaker, join_words([last.text, line]))
        else:
            utterances.append(Utterance(None, line))
    return [u for u in utterances if u.text]


def _voice_utterances(payload: str) -> list[Utterance]:
    """Split a cue at each ``<v Speaker>`` tag; one cue may hold several speakers."""
    utterances: list[Utterance] = []
    matches = list(_VOICE.finditer(payload))
    lead = _clean(payload[: matches[0].start()])
    if lead:
        utterances.append(Utterance(None, lead))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(payload)
        words = _clean(payload[match.end() : end])
        speaker = join_words([html.unescape(match["name"] or "")]) or None
        if words:
            utterances.append(Utterance(speaker, words))
    return utterances


def _clean(fragment: str) -> str:
    """Drop markup (``<i>``, ``<c.red>``, ``<00:01.000>``), decode entities, collapse whitespace."""
    return join_words([html.unescape(_TAG.sub("", line)) for line in fragment.split("\n")])
