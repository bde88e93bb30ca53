"""HubSpot's raw values read by more than one module: its dates (epoch ms or ISO 8601) and JSON strings."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from typing import Any


def parse_when(value: Any) -> dt.datetime | None:
    """HubSpot dates: epoch milliseconds or ISO 8601 ("2026-11-30T14:00:00.000Z"), always UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    text = str(value).strip()
    try:
        if text.lstrip("-").isdigit():
            return dt.datetime.fromtimestamp(int(text) / 1000, dt.UTC)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def modified_ms(obj: Any) -> int:
    when = parse_when((obj.properties or {}).get("hs_lastmodifieddate")) or parse_when(obj.updated_at)
    return int(when.timestamp() * 1000) if when else 0


def archived_ms(obj: Any) -> int:
    when = parse_when(getattr(obj, "archived_at", None))
    return int(when.timestamp() * 1000) if when else int(time.time() * 1000)  # undated: report it


def iso_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="milliseconds")


def parse_json(value: Any) -> dict[str, Any]:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
