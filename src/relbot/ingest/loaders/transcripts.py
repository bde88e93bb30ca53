"""Meeting transcripts (WebVTT, SRT, plain ``Speaker: text``): one item per speaker turn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind

from .captions import Utterance, is_srt, is_webvtt, parse_srt, parse_webvtt
from .frontmatter import FrontMatter, split_front_matter
from .speakers import split_speaker
from .text import date_from_filename, join_words, read_text


def load_transcript(path: Path, *, default_date: dt.date | None = None) -> list[SourceItem]:
    text = read_text(path)
    meta = FrontMatter()
    if is_webvtt(text):
        utterances = parse_webvtt(text)
    elif is_srt(text):
        utterances = parse_srt(text)
    else:
        meta, body = split_front_matter(text, path)
        utterances = parse_plain(body)
    turns = merge_turns(utterances)
    if not turns:
        raise LoaderError(f"{path}: no spoken text found; is this really a transcript? Try --kind note.")
    speakers = tuple(dict.fromkeys(turn.speaker for turn in turns if turn.speaker))
    date = meta.date or date_from_filename(path) or default_date
    return [
        SourceItem(
            text=turn.text,
            kind=SourceKind.TRANSCRIPT,
            source=str(path),
            position=position,
            date=date,
            author=turn.speaker,
            title=meta.title or path.stem,
            thread=str(path),
            account=meta.account,
            participants=meta.attendees or speakers,
        )
        for position, turn in enumerate(turns)
    ]


def parse_plain(body: str) -> list[Utterance]:
    """``Speaker: text`` lines; a line without a speaker continues the current turn."""
    utterances: list[Utterance] = []
    for raw in body.split("\n"):
        line = raw.strip()
        if not line:
            continue
        found = split_speaker(line)
        if found is not None:
            utterances.append(Utterance(found.speaker, found.text))
        elif utterances:
            last = utterances[-1]
            utterances[-1] = Utterance(last.speaker, join_words([last.text, line]))
        else:
            utterances.append(Utterance(None, join_words([line])))  # preamble before anyone speaks
    return utterances


def merge_turns(utterances: list[Utterance]) -> list[Utterance]:
    """One turn per run of the same speaker; unlabeled cues continue a labeled turn.

    Captions often name the speaker only when it changes, so an unlabeled cue after a labeled one
    belongs to that speaker. In a file with no labels at all each cue stays its own turn, because
    merging would collapse the whole meeting into a single item.
    """
    turns: list[Utterance] = []
    for utterance in utterances:
        if not utterance.text:
            continue
        last = turns[-1] if turns else None
        same_speaker = last is not None and last.speaker is not None and utterance.speaker == last.speaker
        continues = last is not None and last.speaker is not None and utterance.speaker is None
        if last is not None and (same_speaker or continues):
            turns[-1] = Utterance(last.speaker, join_words([last.text, utterance.text]))
        else:
            turns.append(utterance)
    return [turn for turn in turns if turn.text]
