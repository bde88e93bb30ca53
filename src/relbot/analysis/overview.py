"""Everything the drafts need to know about one account on one day, computed once from its records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from relbot.analysis.activity import last_contact
from relbot.analysis.commitments import current, ledger
from relbot.analysis.concerns import concerns
from relbot.analysis.contacts import ContactChange, contact_changes, contacts, points_of_contact
from relbot.analysis.health import HealthInputs, health
from relbot.analysis.people import People, people
from relbot.analysis.text import all_sentences, is_question
from relbot.domain import Commitment, Concern, Contact, HealthScore
from relbot.knowledge import Cadence
from relbot.models import Account, Citation, Record
from relbot.quoting import Originals

_POC_STATED = re.compile(r"\bpoint of contact\b|\bproject manager\b|\baccount manager\b", re.I)


@dataclass(frozen=True)
class Analysis:
    account: Account
    as_of: dt.date
    records: list[Record]  # the account's records up to as_of, oldest first
    people: People
    changes: list[ContactChange]
    points_of_contact: dict[str, str | None]
    contacts: list[Contact]
    ledger: list[Commitment]  # every promise found
    commitments: list[Commitment]  # the ones a brief shows now
    concerns: list[Concern]
    health: HealthScore
    last_contact: Record | None


def in_history(records: list[Record], as_of: dt.date) -> list[Record]:
    """Records dated on or before ``as_of`` (undated ones too), oldest first; a quoted copy of a message whose
    own record is here too is left out, so one e-mail is read once however many replies quote it."""
    kept = [r for r in records if r.date is None or r.date <= as_of]
    originals = Originals()
    for r in kept:
        if not r.carried:
            originals.add(r.author or r.author_address, r.date, r.text)
    kept = [r for r in kept if not r.carried or not originals.holds(r.author or r.author_address, r.date, r.text)]
    return sorted(kept, key=lambda r: (r.date or dt.date.min, r.source, r.position))


def _contact_evidence(records: list[Record], changes: list[ContactChange]) -> list[Citation]:
    """The latest records that name the points of contact, and every record reporting a change."""
    stated = [s.record for s in all_sentences(records) if _POC_STATED.search(s.text) and not is_question(s.text)]
    cites = [c for change in changes for c in change.citations]
    for record in reversed(stated):
        if record.id not in {c.record_id for c in cites}:
            cites.insert(0, record.citation())
            break
    return cites


def analyze(
    records: list[Record], account: Account, as_of: dt.date, cadence: Cadence, agency_domains: Sequence[str] = ()
) -> Analysis:
    history = in_history(records, as_of)
    who = people(history, account, agency_domains)
    changes = contact_changes(history, who)
    poc: dict[str, str | None] = {side: name for side, name in points_of_contact(account, changes).items()}
    full = ledger(history, who, as_of)
    shown = current(full, as_of)
    worries = concerns(history, who, as_of)
    score = health(HealthInputs(
        records=history, account=account, as_of=as_of, cadence=cadence, commitments=shown, concerns=worries,
        points_of_contact=poc, contact_evidence=_contact_evidence(history, changes),
    ))
    return Analysis(
        account=account, as_of=as_of, records=history, people=who, changes=changes, points_of_contact=poc,
        contacts=contacts(history, account, who, changes), ledger=full, commitments=shown, concerns=worries,
        health=score, last_contact=last_contact(history, as_of),
    )
