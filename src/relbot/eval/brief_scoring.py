"""Scoring one offline brief (and its `ask` answers) against the hand labels of its account.

The matching rule is the labels' own (enron-dev README): a labelled item is found when a brief item cites one
of its messages and its text holds one of the item's key words on word boundaries. A brief commitment that
matches no required and no acceptable label is a false positive. A person is found when a brief contact
carries the person's name or one of its aliases; the side is right when ours/client/third-party map to
agency/client/unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import PurePath

from pydantic import BaseModel, Field

from relbot.domain import Commitment, Contact
from relbot.drafting.models import Answer, Brief
from relbot.eval.brief_labels import LabelledAccount, LabelledItem, LabelledPerson
from relbot.models import Citation

SIDE_OF = {"ours": "agency", "client": "client", "third-party": "unknown"}


class Tally(BaseModel):
    found: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.found / self.total if self.total else None

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.total += other.total


class AccountScore(BaseModel):
    account: str
    commitment_recall: Tally = Field(default_factory=Tally)
    commitment_precision: Tally = Field(default_factory=Tally)  # found = brief commitments matching a label
    concern_recall: Tally = Field(default_factory=Tally)
    people_recall: Tally = Field(default_factory=Tally)
    side_accuracy: Tally = Field(default_factory=Tally)  # over the core people found
    last_contact: Tally = Field(default_factory=Tally)
    ask: Tally = Field(default_factory=Tally)
    missed: dict[str, list[str]] = Field(default_factory=dict)  # kind -> labelled ids (or names) not found
    false_positives: list[str] = Field(default_factory=list)  # brief commitments matching no label
    wrong_sides: list[str] = Field(default_factory=list)


METRICS = ("commitment_recall", "commitment_precision", "concern_recall", "people_recall", "side_accuracy",
           "last_contact", "ask")


@lru_cache(maxsize=4096)
def _word(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(key)}(?!\w)", re.I)


def has_key_word(text: str, key_words: Iterable[str]) -> bool:
    flat = " ".join(text.split())
    return any(_word(k).search(flat) for k in key_words)


def cites_message(citations: Sequence[Citation], messages: Sequence[str]) -> bool:
    return any(PurePath(c.source).name in messages for c in citations)


def matches(text: str, citations: Sequence[Citation], item: LabelledItem) -> bool:
    return cites_message(citations, item.messages) and has_key_word(text, item.key_words)


_SUFFIX = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _name_key(name: str) -> str:
    """ "Okafor, Ben", "ben okafor" and "Ben J. Okafor Jr." -> "ben okafor": middle initials and suffixes do
    not tell two people apart within one account."""
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    words = re.sub(r"[^\w\s'-]", " ", name.casefold()).split()
    return " ".join(w for w in words if len(w) > 1 and w not in _SUFFIX)


def _person_found(person: LabelledPerson, contacts: Sequence[Contact]) -> Contact | None:
    wanted = {_name_key(n) for n in (person.name, *person.aliases)}
    return next((c for c in contacts if _name_key(c.name) in wanted), None)


def _commitment_text(c: Commitment) -> str:
    return c.what


def score(labels: LabelledAccount, brief: Brief, answers: Sequence[Answer]) -> AccountScore:
    out = AccountScore(account=labels.name)
    missed: dict[str, list[str]] = {"commitments": [], "concerns": [], "people": [], "questions": []}
    for want in labels.commitments:
        hit = any(matches(_commitment_text(c), c.citations, want) for c in brief.commitments)
        out.commitment_recall.total += 1
        out.commitment_recall.found += hit
        if not hit:
            missed["commitments"].append(want.id)
    allowed: list[LabelledItem] = [*labels.commitments, *labels.acceptable]
    for c in brief.commitments:
        ok = any(matches(_commitment_text(c), c.citations, item) for item in allowed)
        out.commitment_precision.total += 1
        out.commitment_precision.found += ok
        if not ok:
            files = ", ".join(PurePath(x.source).name for x in c.citations)
            out.false_positives.append(f"{c.owner or '?'}: {c.what} [{files}]")
    mentions = [(f"{risk.topic} {m.text}", m.citations) for risk in brief.risks for m in risk.mentions]
    for concern in labels.concerns:
        hit = any(matches(text, cites, concern) for text, cites in mentions)
        out.concern_recall.total += 1
        out.concern_recall.found += hit
        if not hit:
            missed["concerns"].append(concern.id)
    for person in (p for p in labels.people if p.core):
        contact = _person_found(person, brief.contacts)
        out.people_recall.total += 1
        if contact is None:
            missed["people"].append(person.name)
            continue
        out.people_recall.found += 1
        right = contact.side == SIDE_OF.get(person.side, "unknown")
        out.side_accuracy.total += 1
        out.side_accuracy.found += right
        if not right:
            out.wrong_sides.append(f"{person.name}: labelled {person.side}, brief says {contact.side}")
    out.last_contact.total = 1
    out.last_contact.found = int(brief.snapshot.last_contact == labels.last_contact)
    for question, answer in zip(labels.questions, answers, strict=True):
        shown = " ".join(answer.answer.split()).casefold()
        hit = answer.found and " ".join(question.answer.split()).casefold() in shown
        out.ask.total += 1
        out.ask.found += hit
        if not hit:
            missed["questions"].append(question.id)
    out.missed = {k: v for k, v in missed.items() if v}
    return out


def overall(scores: Sequence[AccountScore]) -> AccountScore:
    total = AccountScore(account="overall")
    for s in scores:
        for metric in METRICS:
            getattr(total, metric).add(getattr(s, metric))
    return total
