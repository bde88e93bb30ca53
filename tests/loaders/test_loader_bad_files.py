"""Every broken input becomes a LoaderError that names the problem and the next step."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import detect_kind, load_path
from relbot.models import SourceKind


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x00\x01\x02binary\x00data")
    with pytest.raises(LoaderError, match=r"binary file .*relbot reads text, email and CSV files"):
        load_path(path)


@pytest.mark.parametrize("content", [b"", b"  \n\n\t"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(content)
    with pytest.raises(LoaderError, match="file is empty; nothing to ingest"):
        load_path(path)


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Réunion avec le client".encode("latin-1"))
    with pytest.raises(LoaderError, match=r"not UTF-8 text \(byte 0xe9 at offset 1\); re-save the file as UTF-8"):
        load_path(path)


def test_undecodable_csv_with_explicit_kind(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Date,Subject,Comments\n2024-01-01,Caf\xe9,x\n".encode("latin-1"))
    with pytest.raises(LoaderError, match="'CSV UTF-8'"):
        load_path(path, kind=SourceKind.CRM)


def test_utf16_excel_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Date\tSubject\tComments\n2024-01-01\tCall\tCafé talk\n".encode("utf-16"))
    [item] = load_path(path)
    assert item.text == "Call\nCafé talk"


def test_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04this is not really a zip file")
    with pytest.raises(LoaderError, match="corrupt or unreadable zip"):
        detect_kind(path)
    with pytest.raises(LoaderError, match="corrupt or unreadable zip"):
        load_path(path, kind=SourceKind.SLACK)


def test_docx_is_named(tmp_path: Path) -> None:
    path = tmp_path / "brief.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(LoaderError, match="not a Slack export"):
        load_path(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="file not found; check the path"):
        load_path(tmp_path / "nope.md")


@pytest.mark.parametrize("kind", list(SourceKind))
def test_wrong_explicit_kind_is_still_a_loader_error(sources: Path, kind: SourceKind) -> None:
    """Forcing any loader onto a file of another format fails cleanly or loads; it never raises raw."""
    for name in ("2024-03-05-acme-weekly.vtt", "acme-q2-campaign.mbox", "hubspot-activities.csv"):
        try:
            items = load_path(sources / name, kind=kind)
        except LoaderError as exc:
            assert str(exc).startswith(str(sources / name))
        else:
            assert items and all(item.kind == kind for item in items)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """Damage a file the way bad exports and careless edits do: flipped bytes, cuts, stray syntax."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(out)) if out else 0
        roll = rng.random()
        if roll < 0.4 and out:
            out[at] = rng.randrange(256)
        elif roll < 0.7:
            out[at:at] = rng.choice([b'"', b",", b"\n", b">", b"<v ", b"-->", b"---\n", b"From ", b"=?utf-8?q?", b"\r"])
        else:
            del out[at : at + rng.randint(1, 40)]
    return bytes(out)


@pytest.mark.parametrize(
    "name",
    [
        "2024-03-05-acme-weekly.vtt",
        "umbrella-call.srt",
        "2024-04-02-globex-qbr.txt",
        "2024-02-20-initech-kickoff.md",
        "acme-renewal-reply.eml",
        "acme-q2-campaign.mbox",
        "hubspot-activities.csv",
        "salesforce-tasks.csv",
    ],
)
def test_damaged_files_only_ever_raise_loader_error(sources: Path, tmp_path: Path, name: str) -> None:
    rng = random.Random(name)  # seeded: a failure reproduces
    original = (sources / name).read_bytes()
    for attempt in range(25):
        path = tmp_path / f"{attempt}{Path(name).suffix}"
        path.write_bytes(_mutate(original, rng))
        for kind in (None, *SourceKind):
            try:
                load_path(path, kind=kind)
            except LoaderError as exc:
                assert "could not be read as" not in str(exc), "a loader let an unexpected error reach the net"
