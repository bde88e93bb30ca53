"""CRM activity exports (CSV): one item per activity row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind

from .crm_columns import FIELDS, ColumnMap, resolve_columns
from .dates import parse_date, slash_order
from .htmltext import html_to_text
from .text import normalize_line, normalize_ws, read_text

_DELIMITERS = (",", ";", "\t")
_EXCEL_SEP_LINE = re.compile(r"^sep=(.)\s*$")  # Excel writes "sep=;" as the first line of some exports
_HTML = re.compile(r"</?(?:p|div|br|span|ul|ol|li|b|strong|em|i|a)\b[^>]*>", re.IGNORECASE)
_MAP_HINT = "pass --map field=<your column> (fields: " + ", ".join(FIELDS) + ")"


@dataclass(frozen=True)
class _Row:
    line: int  # physical line where the record ends, as csv counts it
    index: int  # data row number, 0-based
    cells: list[str]


def load_crm(
    path: Path, *, default_date: dt.date | None = None, crm_map: Mapping[str, str] | None = None
) -> list[SourceItem]:
    header, rows = _read_rows(path)
    columns = resolve_columns(header, crm_map, path)
    _check_columns(columns, header, path, has_default_date=default_date is not None)
    order = slash_order(raw for row in rows if (raw := _value(row, columns, "date")))
    if order.conflict:
        first, second = order.conflict
        raise LoaderError(
            f"{path}: the date column mixes day-first ({first!r}) and month-first ({second!r}) dates; "
            "re-export with ISO dates (YYYY-MM-DD)."
        )
    items: list[SourceItem] = []
    for row in rows:
        subject = normalize_line(_value(row, columns, "subject"))
        body = _body(_value(row, columns, "body"))
        if body == subject:
            body = ""  # --map body=Subject: say it once
        if not subject and not body:
            continue  # an activity with neither subject nor text says nothing
        kind = normalize_line(_value(row, columns, "type"))
        prefix = " — ".join(part for part in (kind, subject) if part)
        items.append(
            SourceItem(
                text="\n".join(part for part in (prefix, body) if part),
                kind=SourceKind.CRM,
                source=str(path),
                position=row.index,
                date=_row_date(row, columns, path, day_first=order.day_first) or default_date,
                author=normalize_line(_value(row, columns, "owner")) or None,
                title=subject or None,
                account=normalize_line(_value(row, columns, "account")) or None,
            )
        )
    if not items:
        raise LoaderError(f"{path}: no activity rows with a subject or body; nothing to ingest.")
    return items


def _read_rows(path: Path) -> tuple[list[str], list[_Row]]:
    lines = read_text(path).split("\n")
    delimiter: str | None = None
    if (match := _EXCEL_SEP_LINE.match(lines[0])) is not None:
        delimiter, lines = match[1], lines[1:]
    text = "\n".join(lines)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter or _guess_delimiter(text), strict=True)
    header: list[str] | None = None
    rows: list[_Row] = []
    after_blank = False
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                after_blank = header is not None
                continue
            if header is None:
                header = [cell.strip().lstrip("\ufeff") for cell in cells]
                _check_header(header, reader.line_num, path)
                continue
            if after_blank and len(cells) < len(header):
                continue  # report footers after a blank line ("Copyright ... salesforce.com")
            rows.append(_Row(reader.line_num, len(rows), _fit(cells, header, reader.line_num, path)))
    except csv.Error as exc:
        raise LoaderError(
            f"{path}: line {reader.line_num}: malformed CSV ({exc}); check the quoting there or re-export the file."
        ) from None
    if header is None:
        raise LoaderError(f"{path}: no CSV header row found; nothing to ingest.")
    return header, rows


def _guess_delimiter(text: str) -> str:
    """The separator used most in the header line (European Excel writes ';')."""
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    return max(_DELIMITERS, key=unquoted.count)


def _check_header(header: list[str], line: int, path: Path) -> None:
    if any(parse_date(cell) for cell in header if cell):
        raise LoaderError(
            f"{path}: line {line} looks like data, not column names; add a header row "
            "(e.g. Date,Subject,Body) as the first line."
        )


def _fit(cells: list[str], header: list[str], line: int, path: Path) -> list[str]:
    extra = cells[len(header) :]
    if any(cell.strip() for cell in extra):
        raise LoaderError(
            f"{path}: line {line} has {len(cells)} fields but the header has {len(header)}; "
            "a value probably contains an unquoted separator — quote it or re-export the file."
        )
    # Some tools drop trailing empty cells; pad rather than reject.
    return cells[: len(header)] + [""] * (len(header) - len(cells))


def _check_columns(columns: ColumnMap, header: list[str], path: Path, *, has_default_date: bool) -> None:
    found = ", ".join(header)
    if not any(columns.columns.values()):
        raise LoaderError(
            f"{path}: not a recognised HubSpot or Salesforce activity export (columns: {found}); {_MAP_HINT}."
        )
    if not columns.has("body"):
        # Refuse rather than keep only subjects: an unrecognised notes column would be dropped silently.
        raise LoaderError(
            f"{path}: CSV has no body column (columns: {found}); pass --map body=<your column> "
            "(--map body=Subject if the subject is all the text there is)."
        )
    if not columns.has("date") and not has_default_date:
        raise LoaderError(
            f"{path}: CSV has no date column (columns: {found}); pass --map date=<your column>, "
            "or --date YYYY-MM-DD to date every row."
        )


def _value(row: _Row, columns: ColumnMap, field: str) -> str:
    for position in columns.columns.get(field, ()):
        if value := row.cells[position].strip():
            return value
    return ""


def _body(raw: str) -> str:
    # HubSpot stores note and email bodies as HTML; its export keeps the markup.
    return normalize_ws(html_to_text(raw) if _HTML.search(raw) else raw)


def _row_date(row: _Row, columns: ColumnMap, path: Path, *, day_first: bool) -> dt.date | None:
    raw = _value(row, columns, "date")
    if not raw:
        return None
    parsed = parse_date(raw, day_first=day_first)
    if parsed is None:
        raise LoaderError(
            f"{path}: line {row.line}: cannot read the date {raw!r}; use YYYY-MM-DD or MM/DD/YYYY, "
            "or pass --map date=<another column>."
        )
    return parsed
