from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import load_path
from relbot.models import SourceKind


def test_webvtt_voice_tags_merge_consecutive_cues(sources: Path) -> None:
    path = sources / "2024-03-05-acme-weekly.vtt"
    items = load_path(path)
    assert [(item.author, item.text) for item in items] == [
        ("Dana Smith", "Morning all, thanks for joining. First item is the Q3 reporting cadence."),
        ("Priya Raman", "We can move to weekly reports starting next sprint. Fridays work best for us."),
        ("Dana Smith", "Fridays are fine & I'll tell the CFO."),
        ("Priya Raman", "Great."),
        ("Tom O'Neil", "Sorry I'm late — budget question: is the retainer still capped at 40 hours?"),
    ]
    assert [item.position for item in items] == [0, 1, 2, 3, 4]
    assert all(item.kind == SourceKind.TRANSCRIPT and item.thread == str(path) for item in items)
    assert items[0].date == dt.date(2024, 3, 5)  # from the file name
    assert items[0].participants == ("Dana Smith", "Priya Raman", "Tom O'Neil")
    joined = " ".join(item.text for item in items)
    for dropped in ("-->", "Recording started", "color: yellow", "CFO joined late", "0f3c6a1e", "<", "00:00"):
        assert dropped not in joined


def test_srt_labels_and_unlabeled_continuation(sources: Path) -> None:
    items = load_path(sources / "umbrella-call.srt", default_date=dt.date(2024, 5, 1))
    assert [(item.author, item.text) for item in items] == [
        ("DANA", "Can you hear me?"),
        ("MARCUS", "Loud and clear. The launch slipped to the 14th because of legal review. That's on us, sorry."),
        ("DANA", "Understood. Send me the revised plan?"),
    ]
    assert items[0].date == dt.date(2024, 5, 1)
    assert items[0].title == "umbrella-call"


def test_plain_transcript_with_front_matter(sources: Path) -> None:
    items = load_path(sources / "2024-04-02-globex-qbr.txt")
    assert [item.author for item in items] == ["Dana Smith", "Hank Scorpio", "Lee Chen", "Dana Smith"]
    assert items[0].text == "Thanks for making time for the quarterly review. Let's start with the numbers."
    assert items[1].text == (
        "Happy to. Lead volume is up 18% quarter on quarter, but conversion dropped. "
        "We think the landing pages are the issue. Also, our board wants monthly reporting now."
    )
    assert items[2].text == "We can send a one-page summary on the first Monday of each month."
    first = items[0]
    assert first.date == dt.date(2024, 4, 9)  # front matter beats the file name's 2024-04-02
    assert (first.account, first.title) == ("Globex", "Globex QBR")
    assert first.participants == ("Dana Smith", "Hank Scorpio", "Lee Chen")


def test_plain_transcript_timestamps_and_header_lines(tmp_path: Path) -> None:
    path = tmp_path / "2024-07-01 otter export.txt"
    path.write_text(
        "Dana Smith  0:03\nWelcome back everyone.\nQuick agenda today.\n\n"
        "Ravi Patel  0:15\nThanks. Budget first please.\n\n"
        "[00:01:02] Dana Smith: Sure, budget first.\n",
        encoding="utf-8",
    )
    items = load_path(path)
    assert [(item.author, item.text) for item in items] == [
        ("Dana Smith", "Welcome back everyone. Quick agenda today."),
        ("Ravi Patel", "Thanks. Budget first please."),
        ("Dana Smith", "Sure, budget first."),
    ]
    assert items[0].date == dt.date(2024, 7, 1)
    assert items[0].participants == ("Dana Smith", "Ravi Patel")  # no attendees: the speakers


def test_zoom_style_vtt_with_name_prefixes(tmp_path: Path) -> None:
    path = tmp_path / "zoom.vtt"
    path.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nDana Smith: Can everyone see my screen?\n\n"
        "2\n00:00:03.500 --> 00:00:05.000\nRavi Patel: Yes.\n\n"
        "3\n00:00:05.000 --> 00:00:07.000\nRavi Patel: Go ahead.\n",
        encoding="utf-8",
    )
    items = load_path(path, kind=SourceKind.TRANSCRIPT)
    assert [(item.author, item.text) for item in items] == [
        ("Dana Smith", "Can everyone see my screen?"),
        ("Ravi Patel", "Yes. Go ahead."),
    ]


def test_captions_without_speakers_stay_separate(tmp_path: Path) -> None:
    path = tmp_path / "captions.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWelcome to the webinar.\n\n"
        "00:00:02.000 --> 00:00:04.000\nToday we cover pricing.\n",
        encoding="utf-8",
    )
    items = load_path(path)
    assert [(item.author, item.text) for item in items] == [
        (None, "Welcome to the webinar."),
        (None, "Today we cover pricing."),
    ]


def test_vtt_with_no_cues_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing was said\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="no spoken text found"):
        load_path(path)


def test_note_labels_inside_a_turn_are_not_speakers(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text(
        "Dana: Let me recap.\nSummary: budget stays, launch moves to May.\nRavi: Agreed.\nDana: Great.\n",
        encoding="utf-8",
    )
    items = load_path(path, kind=SourceKind.TRANSCRIPT)
    assert [(item.author, item.text) for item in items] == [
        ("Dana", "Let me recap. Summary: budget stays, launch moves to May."),
        ("Ravi", "Agreed."),
        ("Dana", "Great."),
    ]
