"""People on each side, when each was last seen, and a change of point of contact read from the records
("Priya takes over from Dana", "from October, Priya replaces Dana", "Priya becomes our point of contact")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from relbot.analysis.people import NAME, People, Person, Side
from relbot.analysis.prose_dates import DATE_RE, resolve
from relbot.analysis.signatures import signature_role
from relbot.analysis.text import Sentence, all_sentences
from relbot.domain import Contact
from relbot.models import Account, Citation, Record

_NEW = rf"(?P<new>{NAME}|She|He)"
_OLD = rf"(?P<old>{NAME})"
_ROLE = r"(?:(?:our|your|their|the|\w+'s)\s+)?(?:new\s+)?(?:main\s+|day-to-day\s+|single\s+)?"
_CHANGES = [
    re.compile(rf"\b{_NEW}\s+(?:takes|took|will take|is taking|has taken)\s+over\s+from\s+{_OLD}"),
    re.compile(rf"\b{_NEW}\s+(?:replaces|will replace|is replacing|replaced)\s+{_OLD}"),
    re.compile(rf"\breplace\s+{_OLD}\s+with\s+{_NEW}"),
    re.compile(
        rf"\b{_NEW}(?:\s+\([^)]*\))?\s+(?:will be|becomes|will become|is now)\s+{_ROLE}"
        r"(?:point of contact|contact|client PM|project manager|PM)\b"
    ),
]
# Each change pattern needs one of these literal words; most sentences have none, and a substring test is
# far cheaper than four regex searches.
_CHANGE_WORDS = ("over from", "replac", "will be", "become", "is now")
_EFFECTIVE = re.compile(rf"\b(?:from|on|as of|starting)\s+(?:{DATE_RE.pattern})", re.I)
_APPOSITIVE = re.compile(
    rf"({NAME}),\s+(?:(?:the|our|their|\w+'s)\s+)?((?:Chief [A-Z]\w+ Officer)|CFO|CEO|CMO|COO|CTO|"
    r"(?:[A-Z]\w+ )?(?:Director|Manager|Head)(?: of [A-Z]\w+(?: [A-Z]\w+)?)?|"
    r"(?:[Oo]utside |[Gg]eneral |[Ss]enior )?(?:[Aa]ttorney|[Cc]ounsel|[Ll]awyer|[Pp]aralegal)"
    r"(?: (?:for|of|at|to) (?:the )?[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3})?)\b"
)


@dataclass
class ContactChange:
    old: str | None
    new: str
    side: Side
    effective: dt.date | None
    citations: list[Citation] = field(default_factory=list)


def _subject_before(sentence: Sentence, sents: list[Sentence], people: People, old: str | None) -> str | None:
    """Resolve "She took over from Dana" to the last known person named earlier in the same record."""
    earlier = [s for s in sents if s.record.id == sentence.record.id and s.index < sentence.index]
    for prior in reversed(earlier):
        for match in reversed(list(re.finditer(NAME, prior.text))):
            name = people.resolve(match.group(0))
            if name and name != old:
                return name
    return None


def contact_changes(records: list[Record], people: People) -> list[ContactChange]:
    sents = all_sentences(sorted(records, key=lambda r: (r.date or dt.date.min, r.source, r.position)))
    changes: dict[tuple[str | None, str], ContactChange] = {}
    for sentence in sents:
        if not any(word in sentence.text for word in _CHANGE_WORDS):
            continue
        for pattern in _CHANGES:
            match = pattern.search(sentence.text)
            if not match:
                continue
            old = people.resolve(match.groupdict().get("old"))
            raw_new = match.group("new")
            new = (_subject_before(sentence, sents, people, old) if raw_new in ("She", "He")
                   else people.resolve(raw_new))
            if not new or new == old or (old is None and sentence.speaker and people.resolve(sentence.speaker) == new):
                continue
            when = _EFFECTIVE.search(sentence.text)
            effective = resolve(when, sentence.record.date) if when and sentence.record.date else None
            change = changes.setdefault((old, new), ContactChange(old, new, people.side(new) or "client", None))
            change.effective = change.effective or effective or sentence.record.date
            if sentence.record.id not in {c.record_id for c in change.citations}:
                change.citations.append(sentence.record.citation())
            break
    return _fill_predecessors(list(changes.values()))


def _fill_predecessors(changes: list[ContactChange]) -> list[ContactChange]:
    """ "Priya becomes our point of contact" names no predecessor: take it from another report of the change."""
    known = {c.new: c for c in changes if c.old}
    merged: list[ContactChange] = []
    for change in changes:
        if change.old is None and change.new in known:
            known[change.new].citations += [c for c in change.citations if c not in known[change.new].citations]
            continue
        merged.append(change)
    return merged


def roles(records: list[Record], people: People) -> dict[str, str]:
    """Titles written beside a name ("Martin, our CFO"), else the latest signature's title and company."""
    found: dict[str, str] = {}
    for record in sorted(records, key=lambda r: r.date or dt.date.min, reverse=True):
        if (role := signature_role(record)) and (full := people.resolve(record.author)):
            found.setdefault(full, role)
    signed = dict(found)
    found = {}
    for sentence in all_sentences(records):
        for name, role in _APPOSITIVE.findall(sentence.text):
            full = people.resolve(name)
            if full:
                found.setdefault(full, role)
    return {**signed, **found}


def points_of_contact(account: Account, changes: list[ContactChange]) -> dict[Side, str | None]:
    """The registry's contacts, overridden by the latest change the records report on each side."""
    current: dict[Side, str | None] = {"client": account.client_contact, "agency": account.account_manager}
    for change in sorted(changes, key=lambda c: c.effective or dt.date.min):
        if change.old is None or current[change.side] in (None, change.old):
            current[change.side] = change.new
    return current


def _naming_record(person: Person) -> Record | None:
    """The latest record that writes the person's name: a contact line names them, so the record it cites must
    (where they were last seen only as "fkelly@…", an earlier message says who that is)."""
    wanted = person.name.casefold()
    for record in reversed(person.records):
        said = " ".join([record.author or "", *record.participants, record.title or "", record.text]).casefold()
        if wanted in said:
            return record
    return person.last_record


def contacts(
    records: list[Record], account: Account, people: People, changes: list[ContactChange] | None = None
) -> list[Contact]:
    """``changes``: contact_changes(records, people), when the caller has it already."""
    changes = contact_changes(records, people) if changes is None else changes
    current = points_of_contact(account, changes)
    titles = roles(records, people)
    role: dict[str, str] = {}
    for change in changes:
        if change.old:
            role[change.old] = f"former {change.side} point of contact (until {change.effective})"
        role[change.new] = f"{change.side} point of contact since {change.effective}"
    for side, name in current.items():
        if name:
            role.setdefault(name, "account manager" if side == "agency" else "client point of contact")
    out: list[Contact] = []
    for person in people.by_name.values():
        label = ", ".join(filter(None, (role.get(person.name), titles.get(person.name)))) or None
        cited = _naming_record(person)
        cites = [cited.citation()] if cited else []
        out.append(Contact(name=person.name, side=person.side, role=label, last_seen=person.last_seen,
                           citations=cites))
    rank = {current["client"]: 0, current["agency"]: 1}
    out.sort(key=lambda c: (c.side != "client", rank.get(c.name, 2), -(c.last_seen or dt.date.min).toordinal()))
    return out
