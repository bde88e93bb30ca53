from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import detect_kind
from relbot.models import SourceKind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("2024-03-05-acme-weekly.vtt", SourceKind.TRANSCRIPT),
        ("umbrella-call.srt", SourceKind.TRANSCRIPT),
        ("2024-04-02-globex-qbr.txt", SourceKind.TRANSCRIPT),
        ("2024-02-20-initech-kickoff.md", SourceKind.NOTE),
        ("acme-renewal-reply.eml", SourceKind.EMAIL),
        ("acme-q2-campaign.mbox", SourceKind.EMAIL),
        ("hubspot-activities.csv", SourceKind.CRM),
        ("salesforce-tasks.csv", SourceKind.CRM),
        ("slack-export", SourceKind.SLACK),
    ],
)
def test_fixtures_are_detected(sources: Path, name: str, kind: SourceKind) -> None:
    assert detect_kind(sources / name) == kind


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_with_mail_headers_is_email(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "forwarded.txt",
        "From: Ravi <ravi@acme.example>\nSubject: Budget\nDate: Mon, 1 Apr 2024 08:00:00 +0000\n\nHi\n",
    )
    assert detect_kind(path) == SourceKind.EMAIL


def test_mbox_content_without_extension_is_email(sources: Path, tmp_path: Path) -> None:
    path = tmp_path / "mailbox"
    shutil.copy(sources / "acme-q2-campaign.mbox", path)
    assert detect_kind(path) == SourceKind.EMAIL


def test_txt_with_speaker_lines_is_transcript(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "call.txt", "Dana: Hi Ravi.\nRavi Patel: Hi, thanks for calling.\nDana: Let's talk budget.\n"
    )
    assert detect_kind(path) == SourceKind.TRANSCRIPT


def test_meeting_note_labels_do_not_make_a_transcript(tmp_path: Path) -> None:
    text = "Attendees: Dana, Ravi\nDecision: go with plan B\nNext steps: send SOW\nSummary: good call\nNotes: none\n"
    assert detect_kind(_write(tmp_path, "notes.txt", text)) == SourceKind.NOTE


def test_prose_is_a_note(tmp_path: Path) -> None:
    text = "Ravi called about the budget. He sounded worried: the board wants cuts.\n\nFollow up Friday.\n"
    assert detect_kind(_write(tmp_path, "call-notes.txt", text)) == SourceKind.NOTE


@pytest.mark.parametrize(
    "text",
    [
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana>Hi</v>\n",
        "1\n00:00:01,000 --> 00:00:02,000\nDana: Hi\n",
    ],
)
def test_caption_content_in_a_txt_is_transcript(tmp_path: Path, text: str) -> None:
    assert detect_kind(_write(tmp_path, "captions.txt", text)) == SourceKind.TRANSCRIPT


def test_front_matter_kind_wins_over_content(tmp_path: Path) -> None:
    speaker_lines = "Dana: Hi Ravi.\nRavi: Hi.\nDana: Budget?\n"
    assert detect_kind(_write(tmp_path, "a.txt", f"---\nkind: note\n---\n{speaker_lines}")) == SourceKind.NOTE
    prose = "We met and talked about the budget.\n"
    assert detect_kind(_write(tmp_path, "b.md", f"---\nkind: transcript\n---\n{prose}")) == SourceKind.TRANSCRIPT


def test_front_matter_kind_must_be_known(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="use one of: note, transcript"):
        detect_kind(_write(tmp_path, "a.md", "---\nkind: memo\n---\ntext\n"))


def test_zipped_slack_export_is_slack(sources: Path, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(sources / "slack-export" / "channels.json", "channels.json")
    assert detect_kind(archive) == SourceKind.SLACK


def test_zip_without_channels_json_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("notes.md", "# hi")
    with pytest.raises(LoaderError, match="not a Slack export; unzip it first"):
        detect_kind(archive)


def test_unknown_extension_asks_for_kind(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match=r"unknown format '\.json'; pass --kind"):
        detect_kind(_write(tmp_path, "data.json", '{"a": 1}\n'))


def test_pdf_is_named(tmp_path: Path) -> None:
    path = tmp_path / "contract.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(LoaderError, match="PDF; export or copy its text"):
        detect_kind(path)
