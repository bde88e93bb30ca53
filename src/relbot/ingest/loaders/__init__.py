"""Source-file loaders: turn notes, transcripts, emails, CRM exports and Slack exports into SourceItems.

Public API: ``detect_kind``, ``load_path``, ``expand_paths``. Every failure is a ``LoaderError`` whose
message names the file's problem and what to do about it; formats are described in docs/FORMATS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind

from .crm import load_crm
from .detect import detect_kind
from .emails import load_emails
from .notes import load_notes
from .paths import expand_paths
from .slack_export import load_slack_export
from .transcripts import load_transcript

__all__ = ["detect_kind", "expand_paths", "load_path"]


def load_path(
    path: Path,
    *,
    kind: SourceKind | None = None,
    default_date: dt.date | None = None,
    crm_map: Mapping[str, str] | None = None,
) -> list[SourceItem]:
    """Load one source (a file, a Slack export folder or zip); ``kind`` skips detection."""
    resolved = kind or detect_kind(path)
    try:
        return _dispatch(path, resolved, default_date=default_date, crm_map=crm_map)
    except LoaderError:
        raise
    except (OSError, ValueError, LookupError, RecursionError) as exc:
        # Safety net: each loader converts the errors it expects; anything else still reaches the user
        # as a per-file failure with a next step, never as a traceback.
        raise LoaderError(
            f"{path}: could not be read as {resolved.value} ({type(exc).__name__}: {exc}); "
            "check the file, or pass --kind if it is another format."
        ) from exc


def _dispatch(
    path: Path, kind: SourceKind, *, default_date: dt.date | None, crm_map: Mapping[str, str] | None
) -> list[SourceItem]:
    match kind:
        case SourceKind.NOTE:
            return load_notes(path, default_date=default_date)
        case SourceKind.TRANSCRIPT:
            return load_transcript(path, default_date=default_date)
        case SourceKind.EMAIL:
            return load_emails(path, default_date=default_date)
        case SourceKind.CRM:
            return load_crm(path, default_date=default_date, crm_map=crm_map)
        case SourceKind.SLACK:
            return load_slack_export(path)
