"""YAML front matter (``---`` ... ``---`` at the top of a note or transcript) and its typed fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from relbot.errors import LoaderError
from relbot.models import SourceKind

_OPEN = "---"
_CLOSE = ("---", "...")


@dataclass(frozen=True)
class FrontMatter:
    account: str | None = None
    date: dt.date | None = None
    attendees: tuple[str, ...] = ()
    kind: SourceKind | None = None
    title: str | None = None
    author: str | None = None


def read_front_matter(text: str) -> tuple[dict[object, object] | None, str]:
    """The YAML mapping between a text's opening ``---`` fences and the body after them; ``(None, text)`` when
    the text has none (or opens with a mere horizontal rule). The one reader of front matter: notes and
    transcripts here, the playbook's files in ``relbot.knowledge``. Raises ``ValueError`` (a ``yaml.YAMLError``
    or a bad YAML date like 2024-02-30) when the fenced part is not valid YAML."""
    raw, body = _split(text)
    if raw is None:
        return None, text
    loaded: object = yaml.safe_load(raw)
    if loaded is None:
        return {}, body
    if not isinstance(loaded, dict):
        return None, text
    return loaded, body


def split_front_matter(text: str, path: Path) -> tuple[FrontMatter, str]:
    """Return the parsed front matter and the body after it (the whole text when there is none)."""
    try:
        loaded, body = read_front_matter(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML dates like 2024-02-30
        raise LoaderError(
            f"{path}: the front matter between the first two '---' lines is not valid YAML ({_first_line(exc)}); "
            "fix it (e.g. quote values containing ':') or remove those lines."
        ) from None
    if loaded is None:
        return FrontMatter(), text
    return _parse(loaded, path), body


def _split(text: str) -> tuple[str | None, str]:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != _OPEN:
        return None, text
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in _CLOSE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    return None, text  # no closing fence: not front matter


def _parse(meta: dict[object, object], path: Path) -> FrontMatter:
    fields = {str(key).strip().lower(): value for key, value in meta.items()}
    return FrontMatter(
        account=_text(fields.get("account")),
        date=_date(fields.get("date"), path),
        attendees=_names(fields.get("attendees") or fields.get("participants")),
        kind=_kind(fields.get("kind"), path),
        title=_text(fields.get("title")),
        author=_text(fields.get("author")),
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _names(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(name for name in (str(item).strip() for item in items if item is not None) if name)


def _date(value: object, path: Path) -> dt.date | None:
    # YAML already turns an unquoted 2024-03-05 into a date; quoted values arrive as strings.
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise LoaderError(f"{path}: front matter date {value!r} is not a date; write it as YYYY-MM-DD.") from None


def _kind(value: object, path: Path) -> SourceKind | None:
    if value is None:
        return None
    try:
        return SourceKind(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(kind.value for kind in SourceKind)
        raise LoaderError(f"{path}: front matter kind {value!r} is unknown; use one of: {valid}.") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
