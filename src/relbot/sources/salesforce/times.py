"""Salesforce's timestamps, read in the forms it writes and written in its own form."""

from __future__ import annotations

import datetime as dt


def parse_time(value: str) -> dt.datetime:
    """Salesforce's "2026-11-30T10:00:00.000+0000" (and ISO forms with a colon or Z)."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_time(value: dt.datetime) -> str:
    """Salesforce's own form, so cursors read the same whichever side a stamp came from."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
