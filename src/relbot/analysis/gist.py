"""One line per interaction: who, and the first sentence that says something (not "Hi Rachel,")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from relbot.analysis.text import clip, sentences, terms
from relbot.models import Record, SourceKind

# Openers and sign-offs carry nothing a reader needs.
_FILLER = re.compile(
    r"^(?:hi|hello|hey|dear|thanks|thank you|many thanks|cheers|best|regards|kind regards|great|perfect|ok|okay|"
    r"sure|yes|no|of course|understood|morning everyone|thanks for (?:joining|the time|making (?:the )?time)"
    r"(?: everyone| both| all)?)\b[^.!?]{0,25}[.!?,]?$",
    re.I,
)
_SPECIFIC = re.compile(r"\d|(?<=\w)\W+[A-Z][a-z]")  # a figure or a capitalised word after the first
_CRM_TYPE = re.compile(r"^(\w[\w -]*?)\s+[—–-]\s+", re.I)


def _informative(text: str, names: set[str]) -> bool:
    words = text.split()
    return len(words) >= 4 and not _FILLER.match(text) and text.strip(" ,.") not in names


def gist(record: Record, limit: int = 170) -> str:
    """The first informative sentence of a record, clipped; for a CRM row its subject and note."""
    if record.kind == SourceKind.CRM:
        lines = record.text.splitlines()
        body = " ".join(lines[1:]).strip() if len(lines) > 1 else ""
        kind = _CRM_TYPE.match(lines[0]) if lines else None
        subject = _CRM_TYPE.sub("", lines[0]) if lines else ""
        if kind and subject.lower().startswith(kind.group(1).lower() + " "):
            subject = _CRM_TYPE.sub("", subject)  # "Call — Call — Dana re: …": some exports repeat the type
        return clip(f"{subject}: {body}" if body else subject, limit)
    names = {record.author or ""} | {a.strip() for a in (record.author or "").split(",")}
    said = [s for s in sentences(record) if _informative(s.text, names)]
    if record.kind == SourceKind.EMAIL:
        # An email's point comes early: its first sentence naming something (a figure, a date, a name),
        # so "You're right to push, and I'm sorry." gives way to what follows it.
        best = next((s for s in said if _SPECIFIC.search(s.text)), said[0] if said else None)
    else:
        # Of a meeting's opening sentences, the one that says most ("Monthly review for October." says little).
        best = max(said[:3], key=lambda s: len(terms(s.text)), default=None)
    if best is None:
        return clip(record.title or record.text, limit)
    text = best.text
    if record.kind in (SourceKind.TRANSCRIPT, SourceKind.SLACK) and best.speaker:
        text = f"{best.speaker}: {text}"
    return clip(text, limit)


def kind_label(record: Record) -> str:
    """ "call" for a transcript, "meeting" for a note, the activity type for a CRM row."""
    if record.kind == SourceKind.CRM:
        match = _CRM_TYPE.match(record.text)
        return f"CRM {match.group(1).lower()}" if match else "CRM"
    return {SourceKind.TRANSCRIPT: "call", SourceKind.NOTE: "meeting notes", SourceKind.EMAIL: "email",
            SourceKind.SLACK: "Slack"}[record.kind]


QUOTE = 90  # a quote that backs a synthesised line: long enough to recognise, short enough to read in passing
_SPEAKER = re.compile(r"^[A-Z][a-z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}: (?=\S)")  # "Rachel Adeyemi: ", not "RE: "
_PART = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:and|but|so|which|because)\b)")


def quoted(text: str, limit: int = QUOTE) -> str:
    """A record's words, short and in quotation marks; a leading "Speaker: " and any quotation marks already
    around them are dropped ("Rachel Adeyemi: “It's November…”" -> "“It's November…”")."""
    text = _SPEAKER.sub("", " ".join(text.split())).strip("“”\"")
    return f"“{clip(text, limit)}”"


def said(record: Record, about: str = "", limit: int = QUOTE) -> str:
    """The words of a record that back a line about `about`: its sentence sharing most of those words, or its
    gist when none does, quoted."""
    wanted = terms(about)
    best = max(sentences(record), key=lambda s: (len(terms(s.text) & wanted), -s.index), default=None)
    if wanted and best and terms(best.text) & wanted:
        return quoted(_window(best.text, wanted, limit), limit)
    text = gist(record, limit)
    if record.title and text == clip(record.title, limit) and record.text.strip():
        text = record.text  # nothing informative ("Thanks, James."): its own few words, not the subject line
    return quoted(text, limit)


def _window(text: str, wanted: set[str], limit: int) -> str:
    """A long sentence from the part that names what the line is about: "Cost per lead was $141 in October, …,
    and we still don't have the dashboard" about the dashboard -> "…and we still don't have the dashboard"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    parts = _PART.split(text)
    best = max(range(len(parts)), key=lambda i: (len(terms(parts[i]) & wanted), -i))
    return text if best == 0 else "…" + " ".join(parts[best:])


def dated(record: Record, about: str = "", limit: int = QUOTE) -> str:
    """ "2026-11-03 “It's November and we still don't have the analytics dashboard.”": a record's date beside
    the words of it a line rests on."""
    return f"{record.date or 'undated'} {said(record, about, limit)}"


def named_as(name: str, records: Iterable[Record]) -> str:
    """A person as the records name them: their full name when one of the records states it, else the part of
    it they do ("Aisha" in "Aisha to share the plan"), so a line names no one its sources don't."""
    said = " ".join(" ".join([r.author or "", *r.participants, r.title or "", r.text]) for r in records)
    if not said or name in said:
        return name
    return next((w for w in name.split() if re.search(rf"\b{re.escape(w)}\b", said)), name)
