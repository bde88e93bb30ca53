"""Caption files as tools really write them: cues without blank lines between, files with no cue text."""

from __future__ import annotations

from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import load_path
from relbot.ingest.loaders.captions import Utterance, parse_srt, parse_webvtt


def test_a_timing_line_right_after_cue_text_starts_a_new_cue() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nWelcome to the webinar.\n"
        "00:00:03.000 --> 00:00:05.000\nToday we cover pricing.\n"
        "2\n00:00:05.000 --> 00:00:07.000\nQuestions at the end.\n"
    )
    assert parse_webvtt(text) == [
        Utterance(None, "Welcome to the webinar."),
        Utterance(None, "Today we cover pricing."),  # "2" is the next cue's number, not spoken
        Utterance(None, "Questions at the end."),
    ]


def test_a_cue_right_after_the_header_is_read() -> None:
    text = "WEBVTT\nKind: captions\n00:00:01.000 --> 00:00:03.000\n<v Dana>Renewal is on track.\n"
    assert parse_webvtt(text) == [Utterance("Dana", "Renewal is on track.")]


def test_srt_cues_without_blank_lines_between() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nDana: Hello.\n2\n00:00:02,500 --> 00:00:04,000\nRavi: Hi Dana.\n"
    assert parse_srt(text) == [Utterance("Dana", "Hello."), Utterance("Ravi", "Hi Dana.")]


def test_merged_cues_still_become_separate_turns(tmp_path: Path) -> None:
    path = tmp_path / "call.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana>We can hold the rate.\n"
        "00:00:02.000 --> 00:00:04.000\n<v Ravi>Great, send the form.\n",
        encoding="utf-8",
    )
    assert [(item.author, item.text) for item in load_path(path)] == [
        ("Dana", "We can hold the rate."),
        ("Ravi", "Great, send the form."),
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("timings.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n00:00:02.000 --> 00:00:03.000\n", "2 cue"),
        ("tags.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<c.yellow></c>\n", "1 cue"),
        ("header.vtt", "WEBVTT\nKind: captions\n\nSTYLE\n::cue { color: yellow }\n", "has no cues"),
        ("numbers.srt", "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:02,000 --> 00:00:03,000\n", "2 cue"),
    ],
)
def test_a_subtitle_file_without_cue_text_is_refused_with_the_reason(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    kind = "SRT" if name.endswith(".srt") else "WebVTT"
    with pytest.raises(LoaderError, match=f"no spoken text found: the {kind} file.*{message}") as failure:
        load_path(path)
    assert "export the captions again with their text" in str(failure.value)
