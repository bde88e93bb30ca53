"""HubSpot engagements as ``SourceItem`` fields, one builder per engagement type, and the bodiless summary of
an unfiled one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from relbot.ingest.loaders.addresses import Mailbox, mailboxes
from relbot.ingest.loaders.email_body import clean_body
from relbot.ingest.loaders.emails import normalize_subject
from relbot.ingest.loaders.htmltext import html_to_text
from relbot.ingest.loaders.text import normalize_line, normalize_ws
from relbot.models import SourceItem, SourceKind
from relbot.sources.hubspot.values import parse_json, parse_when

_NAMED_ADDRESS = re.compile(r"^\s*(.*?)\s*<([^<>]+)>\s*$")
_WORD = {"notes": "note", "emails": "email", "calls": "call", "meetings": "meeting", "tasks": "task"}
_COMMON = ("hs_timestamp", "hubspot_owner_id", "hs_lastmodifieddate")
PROPERTIES: dict[str, tuple[str, ...]] = {
    "notes": ("hs_note_body", *_COMMON),
    "emails": ("hs_email_subject", "hs_email_text", "hs_email_html", "hs_email_headers", "hs_email_direction",
               "hs_email_from_email", "hs_email_from_firstname", "hs_email_from_lastname", "hs_email_to_email",
               "hs_email_to_firstname", "hs_email_to_lastname", *_COMMON),
    "calls": ("hs_call_title", "hs_call_body", "hs_call_direction", "hs_call_duration", "hs_call_disposition",
              "hs_call_status", *_COMMON),
    "meetings": ("hs_meeting_title", "hs_meeting_body", "hs_meeting_start_time", "hs_meeting_end_time",
                 "hs_meeting_outcome", *_COMMON),
    "tasks": ("hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", *_COMMON),
}
# HubSpot's default call outcomes: hs_call_disposition holds these ids, not the words.
_CALL_OUTCOMES = {
    "9d9162e7-6cf3-4944-bf63-4dff82258764": "busy",
    "f240bbac-87c9-4f6e-bf70-924b57d47db7": "connected",
    "a4c4c377-d246-4b32-a13b-75a56a4cd0ff": "left live message",
    "b2cf5968-551e-4856-9783-52b3da59a7d0": "left voicemail",
    "73a0d17f-1163-4015-bdd5-ec830791da20": "no answer",
    "17b47fee-58de-441e-a44c-c6300d46f273": "wrong number",
}


def _note(p: dict[str, Any]) -> dict[str, Any] | None:
    body = _html(p.get("hs_note_body"))
    if not body:
        return None
    # A note is what someone wrote down, like a notes file: its words alone, no "Note" label line to quote.
    return {"text": body, "kind": SourceKind.NOTE}


def _email(p: dict[str, Any]) -> dict[str, Any] | None:
    subject = normalize_line(p.get("hs_email_subject") or "")
    raw = p.get("hs_email_text") or html_to_text(p.get("hs_email_html") or "")
    forwarded = p.get("hs_email_direction") == "FORWARDED_EMAIL" or subject.lower().startswith(("fw:", "fwd:"))
    body = clean_body(raw, forwarded=forwarded) if raw else ""
    if not body and not subject:
        return None
    sender, recipients = _email_parties(p)
    return {"text": body or subject, "kind": SourceKind.EMAIL, "title": subject or None,
            "thread": normalize_subject(subject) if subject else None,
            "author": (sender.name or sender.address) if sender else None,
            "author_address": sender.address if sender else None,
            "participants": tuple(dict.fromkeys(m.formatted() for m in recipients if m.formatted()))}


def _call_item(p: dict[str, Any]) -> dict[str, Any] | None:
    title = normalize_line(p.get("hs_call_title") or "")
    body = _html(p.get("hs_call_body"))
    if not title and not body:
        return None
    details = [_call_direction(p.get("hs_call_direction")), _duration(p.get("hs_call_duration"))]
    outcome = _CALL_OUTCOMES.get(str(p.get("hs_call_disposition") or ""))
    if outcome:
        details.append(f"outcome: {outcome}")
    return _crm("Call", title, details, body)


def _meeting(p: dict[str, Any]) -> dict[str, Any] | None:
    title = normalize_line(p.get("hs_meeting_title") or "")
    body = _html(p.get("hs_meeting_body"))
    if not title and not body:
        return None
    start, end = parse_when(p.get("hs_meeting_start_time")), parse_when(p.get("hs_meeting_end_time"))
    span = None
    if start:
        span = start.strftime("%Y-%m-%d %H:%M") + (end.strftime("–%H:%M") if end else "") + " UTC"
    outcome = str(p.get("hs_meeting_outcome") or "").replace("_", " ").lower()
    fields = _crm("Meeting", title, [span, f"outcome: {outcome}" if outcome else None], body)
    fields["when"] = start
    return fields


def _task(p: dict[str, Any]) -> dict[str, Any] | None:
    subject = normalize_line(p.get("hs_task_subject") or "")
    body = _html(p.get("hs_task_body"))
    if not subject and not body:
        return None
    status = str(p.get("hs_task_status") or "").replace("_", " ").lower()
    due = parse_when(p.get("hs_timestamp"))
    details = [f"status: {status}" if status else None, f"due {due.date().isoformat()}" if due else None]
    return _crm("Task", subject, details, body)


BUILDERS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    "notes": _note, "emails": _email, "calls": _call_item, "meetings": _meeting, "tasks": _task}


def _crm(label: str, title: str, details: Iterable[str | None], body: str) -> dict[str, Any]:
    """Text the way the CRM CSV loader writes an activity: "Call — Title", then what HubSpot knows, then the body."""
    facts = ", ".join(d for d in details if d)
    head = " — ".join(part for part in (label, title) if part)
    text = "\n".join(part for part in (head, facts[:1].upper() + facts[1:] + "." if facts else "", body) if part)
    return {"text": text, "kind": SourceKind.CRM, "title": title or None}


def _email_parties(p: dict[str, Any]) -> tuple[Mailbox | None, list[Mailbox]]:
    headers = parse_json(p.get("hs_email_headers"))
    if headers:
        sender = _people([headers.get("from")])
        recipients = _people([*(headers.get("to") or []), *(headers.get("cc") or [])])
    else:
        sender = _people([{"email": p.get("hs_email_from_email"), "firstName": p.get("hs_email_from_firstname"),
                           "lastName": p.get("hs_email_from_lastname")}])
        addresses = (p.get("hs_email_to_email") or "").split(";")
        firsts = (p.get("hs_email_to_firstname") or "").split(";")
        lasts = (p.get("hs_email_to_lastname") or "").split(";")
        recipients = _people([{"email": a, "firstName": firsts[i] if i < len(firsts) else None,
                               "lastName": lasts[i] if i < len(lasts) else None} for i, a in enumerate(addresses)])
    return (sender[0] if sender else None), recipients


def _people(entries: Iterable[Any]) -> list[Mailbox]:
    """HubSpot's header JSON: {"email": "a@b.com" or "Name <a@b.com>", "firstName": ..., "lastName": ...}."""
    pairs: list[tuple[str, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not entry.get("email"):
            continue
        display, address = _split_address(str(entry["email"]))
        named = " ".join(str(entry[k]).strip() for k in ("firstName", "lastName") if entry.get(k))
        pairs.append((named or display, address or str(entry["email"])))
    return [m for m in mailboxes(pairs) if m.address or m.name]


def _split_address(raw: str) -> tuple[str, str]:
    """ "Lee, Dana <dana@agency.com>" -> ("Lee, Dana", "dana@agency.com"); a bare address is itself. (Not
    email.utils: it would split that display name at its comma.)"""
    match = _NAMED_ADDRESS.match(raw)
    if match:
        return match[1].strip().strip('"'), match[2].strip()
    return "", raw.strip()


def summary(kind: str, obj: Any, item: SourceItem, companies: list[str], accounts: set[str]) -> str:
    """Who and what for the unfiled report, never the body."""
    when = item.date.isoformat() if item.date else "undated"
    by = f" by {item.author}" if item.author else ""
    if not companies:
        why = "no associated company"
    elif accounts:
        why = f"companies {', '.join(companies)} map to several accounts ({', '.join(sorted(accounts))})"
    else:
        why = f"no mapped company (associated: {', '.join(companies)})"
    return f"{_WORD[kind]} {obj.id}{by} ({when}), {why}"


def _html(value: Any) -> str:
    return normalize_ws(html_to_text(str(value))) if value else ""


def _call_direction(value: Any) -> str | None:
    return {"INBOUND": "inbound call", "OUTBOUND": "outbound call"}.get(str(value or "").upper())


def _duration(value: Any) -> str | None:
    """hs_call_duration is in milliseconds."""
    try:
        seconds = round(float(value) / 1000)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
