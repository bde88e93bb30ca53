"""Which loader reads a file, decided from its content first and its extension second."""

from __future__ import annotations

import re
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceKind

from .captions import is_srt, is_webvtt
from .frontmatter import split_front_matter
from .slack_archive import is_slack_folder, zip_has_channels
from .speakers import looks_like_transcript
from .text import check_not_binary, decode_text, read_bytes

_NOTE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".txt", ".text", ""})
_TRANSCRIPT_SUFFIXES = frozenset({".vtt", ".srt"})
_EMAIL_SUFFIXES = frozenset({".eml", ".mbox"})
_CSV_SUFFIXES = frozenset({".csv", ".tsv"})
_HEADER_LINE = re.compile(r"^([!-9;-~]+):")  # RFC 5322 field name: printable ASCII except ':' and space
_MAIL_HEADERS = frozenset(
    {"to", "cc", "subject", "date", "message-id", "received", "return-path", "mime-version", "reply-to"}
)
_KIND_HINT = "pass --kind note|transcript|email|crm|slack"


def detect_kind(path: Path) -> SourceKind:
    if path.is_dir():
        if is_slack_folder(path):
            return SourceKind.SLACK
        raise LoaderError(
            f"{path}: a folder without channels.json is not a Slack export; pass the files inside it instead."
        )
    data = read_bytes(path)
    if path.suffix.lower() == ".zip" or data.startswith(b"PK\x03\x04"):
        if zip_has_channels(path):
            return SourceKind.SLACK
        raise LoaderError(f"{path}: this zip has no channels.json, so it is not a Slack export; unzip it first.")
    check_not_binary(data, path)
    # Before decoding: mail may legitimately carry 8-bit text in a legacy charset.
    if path.suffix.lower() in _EMAIL_SUFFIXES or looks_like_email(data):
        return SourceKind.EMAIL
    return _detect_text(decode_text(data, path), path)


def looks_like_email(data: bytes) -> bool:
    """An mbox ``From `` line or an RFC 822 header block (From plus another mail header, then a blank line)."""
    lines = data[:8192].decode("latin-1").replace("\r\n", "\n").split("\n")
    if lines[0].startswith("From ") and len(lines) > 1 and _HEADER_LINE.match(lines[1]):
        return True
    names: set[str] = set()
    for line in lines:
        if not line.strip():
            return "from" in names and bool(names & _MAIL_HEADERS)
        if line[0] in " \t" and names:
            continue  # folded continuation of the previous header
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match[1].lower())
    return False


def _detect_text(text: str, path: Path) -> SourceKind:
    suffix = path.suffix.lower()
    meta, body = split_front_matter(text, path)
    if meta.kind is not None:
        if meta.kind not in (SourceKind.NOTE, SourceKind.TRANSCRIPT):
            raise LoaderError(
                f"{path}: front matter says kind: {meta.kind.value}, but front matter only fits notes and "
                "transcripts; remove the front matter, or the kind line."
            )
        return meta.kind
    if is_webvtt(text) or is_srt(text) or suffix in _TRANSCRIPT_SUFFIXES:
        return SourceKind.TRANSCRIPT
    if suffix in _CSV_SUFFIXES:
        return SourceKind.CRM
    if looks_like_transcript(body):
        return SourceKind.TRANSCRIPT
    if suffix in _NOTE_SUFFIXES:
        return SourceKind.NOTE
    raise LoaderError(f"{path}: unknown format '{suffix}'; {_KIND_HINT} to say how to read it.")
