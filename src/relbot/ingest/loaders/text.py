"""Shared text helpers: decoding files safely, dates in file names, whitespace clean-up."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path

from relbot.errors import LoaderError

# Magic numbers of formats people drop into an ingest folder by mistake, with the fix to suggest.
_KNOWN_BINARIES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF; export or copy its text into a .txt or .md file"),
    (b"\xd0\xcf\x11\xe0", "an Office/Outlook binary (.doc, .xls, .msg); save emails as .eml, documents as .txt"),
    (b"PK\x03\x04", "a zip container (.zip, .docx, .xlsx); only Slack export zips are read, save documents as .txt"),
    (b"\x89PNG", "an image; relbot reads text only"),
    (b"\xff\xd8\xff", "an image; relbot reads text only"),
    (b"GIF8", "an image; relbot reads text only"),
)

_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_INLINE_SPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def read_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors and empty files into messages a user can act on."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoaderError(f"{path}: file not found; check the path.") from None
    except IsADirectoryError:
        raise LoaderError(f"{path}: is a directory; pass the files inside it.") from None
    except OSError as exc:
        raise LoaderError(f"{path}: cannot be read ({exc.strerror or exc}); check its permissions.") from None
    if not data.strip():
        raise LoaderError(f"{path}: file is empty; nothing to ingest.")
    return data


def check_not_binary(data: bytes, path: Path) -> None:
    """Refuse binary content early so it never reaches a text parser."""
    for magic, what in _KNOWN_BINARIES:
        if data.startswith(magic):
            raise LoaderError(f"{path}: this is {what}.")
    if b"\x00" in data and not _has_utf16_bom(data):
        raise LoaderError(f"{path}: binary file (contains NUL bytes); relbot reads text, email and CSV files.")


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; newlines normalised to ``\\n``."""
    check_not_binary(data, path)
    try:
        # Excel's "Unicode text" export is UTF-16 with a BOM; anything else must be UTF-8.
        text = data.decode("utf-16") if _has_utf16_bom(data) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoaderError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8 (in Excel: 'CSV UTF-8')."
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoaderError(f"{path}: file is empty; nothing to ingest.")
    return text


def read_text(path: Path) -> str:
    return decode_text(read_bytes(path), path)


def _has_utf16_bom(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def date_from_filename(path: Path) -> dt.date | None:
    """The first valid ``YYYY-MM-DD`` anywhere in the file name (``2024-03-05-acme-sync.md``)."""
    for match in _FILENAME_DATE.finditer(path.name):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue  # "2024-13-40" is an id, not a date; keep looking
    return None


def normalize_line(line: str) -> str:
    """Collapse runs of spaces (incl. non-breaking and zero-width ones) in one line."""
    return _INLINE_SPACE.sub(" ", _ZERO_WIDTH.sub("", line)).strip()


def normalize_ws(text: str) -> str:
    """Tidy whitespace but keep line structure: lists and paragraphs stay readable in citations."""
    lines = [normalize_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def join_words(parts: list[str]) -> str:
    """Join fragments (cue lines, continuation lines) into one line of text."""
    return normalize_line(" ".join(parts))
