"""Timed caption files (WebVTT, SRT) reduced to who-said-what, without timings, ids or styling."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from relbot.errors import LoaderError

from .speakers import split_speaker
from .text import join_words

_TIMING = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}\s*-->\s*\d{1,2}:\d{2}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>")
_TAG = re.compile(r"</?[^>\s][^>]*>")
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")  # SRT files from subtitle editors carry {\an8}-style codes
_DIALOGUE_DASH = re.compile(r"^\s*-\s+")
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
_EXPORT_HINT = "export the captions again with their text, or save the transcript as a .txt file."


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
    # The WEBVTT header and NOTE/STYLE/REGION blocks have no timing line, so _cues finds no cue in them.
    cues = [cue for block in _blocks(text) for cue in _cues(block)]
    return _spoken(cues, voice_tags=True, kind="WebVTT")


def parse_srt(text: str) -> list[Utterance]:
    cues = [[_ASS_OVERRIDE.sub("", line) for line in cue] for block in _blocks(text) for cue in _cues(block)]
    return _spoken(cues, voice_tags=False, kind="SRT")


def _spoken(cues: list[list[str]], *, voice_tags: bool, kind: str) -> list[Utterance]:
    """Every cue's utterances; a file whose cues hold no text says so instead of yielding an empty transcript."""
    if not cues:
        raise LoaderError(f"no spoken text found: the {kind} file has no cues (no timing lines); {_EXPORT_HINT}")
    utterances = [u for cue in cues for u in _cue_utterances(cue, voice_tags=voice_tags)]
    if not utterances:
        raise LoaderError(
            f"no spoken text found: the {kind} file's {len(cues)} cue(s) have timings but no text; {_EXPORT_HINT}"
        )
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


def _cues(block: list[str]) -> list[list[str]]:
    """The cue texts in a block: each timing line starts a cue, also one a writer put right after the previous
    cue's text without the blank line between them. Lines before the first timing line (a header, a cue id,
    a NOTE or STYLE block, stray text) carry nothing that was said."""
    cues: list[list[str]] = []
    for line in block:
        if "-->" in line:
            if cues and cues[-1] and _CUE_NUMBER.match(cues[-1][-1]):
                cues[-1].pop()  # the next cue's number (SRT, Zoom's WebVTT), not the previous cue's words
            cues.append([])
        elif cues:
            cues[-1].append(line)
    return cues


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
