"""The commitments ledger: each promise once (merged across the records that state it), with its owner,
due date, status, and the later records that show it fulfilled, slipped or chased."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from relbot.analysis.people import People, Side
from relbot.analysis.promises import Promise, find_promise
from relbot.analysis.text import Sentence, all_sentences, is_question, terms
from relbot.domain import Commitment, CommitmentStatus
from relbot.models import Citation, Record, SourceKind

_DONE = re.compile(
    r"\b(?:attached|enclosed|as promised|here is|here's|here are|sent|delivered|shared|went live|is live|now live|"
    r"launched|approved|confirmed|confirming|completed|handed over|is out|went out)\b", re.I,
)
_NOT_DONE = re.compile(
    r"\b(?:not|no|never|slip\w*|missed|delay\w*|late|won't|didn't|haven't|hasn't|at risk|still|behind|yet)\b", re.I
)
_CHASED = re.compile(
    r"\b(?:still (?:don't|do not|haven't|have not|has no|have no|no|waiting|not)|still no|"
    r"haven't (?:received|seen|had)|"
    r"where is|any update|chas(?:e|es|ed|ing)|(?:was|were) promised|slipped|won't make|will be missed|"
    r"did not deliver|didn't deliver|new target)\b", re.I,
)
_DONE_WINDOW_DAYS = 7
KEPT_DAYS = 30
_UNDATED_DELIVERY_DAYS = 45
_OPENER = re.compile(r"^[A-Z][^.?!:]{2,60}:$")  # "Summary of what we agreed:", "Revised figures below:"
_CONTEXT = re.compile(r"\s*\(re: [^)]*\)$")
# Where a promise is best worded, when several records state it.
_KIND_RANK = {SourceKind.EMAIL: 0, SourceKind.TRANSCRIPT: 1, SourceKind.NOTE: 2, SourceKind.CRM: 3,
              SourceKind.SLACK: 4}


@dataclass
class _Group:
    promises: list[Promise]
    topic: set[str] = field(default_factory=set)

    @property
    def due(self) -> dt.date | None:
        return self.promises[0].due

    def ranked(self) -> list[Promise]:
        """Said to the client first (email, call), then notes, CRM, Slack; earliest first within each."""
        return sorted(self.promises, key=lambda p: (_KIND_RANK[p.sentence.record.kind],
                                                    p.sentence.record.date or dt.date.min))

    def best(self) -> Promise:
        """The wording with the most content words, from the most client-facing record."""
        return min(self.ranked(), key=lambda p: -len(terms(p.what)))


def _topic(promise: Promise) -> frozenset[str]:
    """The promise's own words, without the thread subject ``_in_context`` may have added for the reader."""
    return _words_of(promise.what)


@lru_cache(maxsize=20_000)
def _words_of(what: str) -> frozenset[str]:
    return frozenset(terms(_CONTEXT.sub("", what)))


def _same_promise(a: Promise, b: Promise) -> bool:
    words_a, words_b = _topic(a), _topic(b)
    shared = len(words_a & words_b)
    if a.due or b.due:
        # The same due date in one account's history is strong evidence on its own.
        return a.due == b.due and shared >= 1
    if a.owner and b.owner and a.owner != b.owner:
        return False  # two people promising alike undated things made two promises
    # Undated: "a proposal" and "the proposal on how often you'll hear from us" are one promise.
    return shared >= 2 or (shared == 1 and min(len(words_a), len(words_b)) == 1)


def _group(promises: list[Promise]) -> list[_Group]:
    """Each promise joins the group of a promise it restates (compared one to one: a group's pooled words
    would soon match everything in a long thread)."""
    groups: list[_Group] = []
    for promise in promises:
        match = next((g for g in groups if any(_same_promise(p, promise) for p in g.promises)), None)
        if match is None:
            match = _Group([])
            groups.append(match)
        match.promises.append(promise)
        match.topic |= _topic(promise)
    return groups


def _overlap(sentence: Sentence, topic: set[str]) -> int:
    return len(topic & terms(sentence.text))


@dataclass(frozen=True)
class _Cue:
    """A sentence that could be evidence for some promise: read once per ledger, not once per promise."""

    sentence: Sentence
    day: dt.date
    done: bool  # reads as a delivery ("attached", "went live") with no sign it did not happen
    chased: bool  # reads as a chase or a slip ("still waiting", "slipped")
    opens: bool = False  # a heading that introduces what follows ("Summary of what we agreed:")


def _cues(sents: list[Sentence]) -> list[_Cue]:
    """The sentences with a delivery or chase cue, in order; questions never are evidence."""
    out: list[_Cue] = []
    for s in sents:
        if is_question(s.text):
            continue
        done = bool(_DONE.search(s.text)) and not _NOT_DONE.search(s.text)
        chased = bool(_CHASED.search(s.text))
        opens = _OPENER.match(s.text) is not None
        if done or chased or opens:
            out.append(_Cue(s, s.record.date or dt.date.min, done, chased, opens))
    return out


def _evidence(group: _Group, cues: list[_Cue]) -> tuple[list[Sentence], list[Sentence]]:
    """(fulfilment sentences, chase-or-slip sentences) after the promise was first made."""
    start = min(p.sentence.record.date or dt.date.min for p in group.promises)
    said = {(p.sentence.record.id, p.sentence.index) for p in group.promises}
    done: list[Sentence] = []
    chased: list[Sentence] = []
    # A bare action item needs a closer match than a promise made to the client before a chase counts.
    chase_overlap = 1 if any(p.stated for p in group.promises) else min(2, len(group.topic))
    owners = {p.sentence.speaker for p in group.promises if p.sentence.speaker} | {p.owner for p in group.promises}
    window = dt.timedelta(days=_DONE_WINDOW_DAYS)
    # An undated promise is kept within weeks if at all; a delivery cue months later is about something else.
    latest_delivery = dt.date.max if group.due else start + dt.timedelta(days=_UNDATED_DELIVERY_DAYS)
    for cue in cues:
        s = cue.sentence
        if cue.day < start or (s.record.id, s.index) in said:
            continue
        if cue.day > latest_delivery and not cue.chased:
            continue
        if cue.done and _overlap(s, group.topic) >= min(2, len(group.topic)):
            done.append(s)
        elif cue.opens and s.speaker in owners and _overlap(s, group.topic) >= 1 and cue.day <= start + window:
            done.append(s)  # the promiser's own message opening with the promised thing delivers it
        elif cue.chased and _overlap(s, group.topic) >= chase_overlap:
            chased.append(s)
    if done:  # later mentions of the delivered thing are about something else
        first = min(s.record.date or dt.date.min for s in done)
        done = [s for s in done if (s.record.date or dt.date.min) <= first + dt.timedelta(days=_DONE_WINDOW_DAYS)]
    return done, chased


def _cites(sents: list[Sentence]) -> list[Citation]:
    seen: dict[str, Citation] = {}
    for s in sorted(sents, key=lambda s: s.record.date or dt.date.min):
        seen.setdefault(s.record.id, s.record.citation())
    return list(seen.values())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{3,}", text.lower())}


def _restates(what: str, shown: str) -> bool:
    """Whether a retelling of the promise says what the line shows: the commitment cites where it was promised
    in those words, not every message that went back to it in others ("the recovery plan promised by 11/17")."""
    mine, line = _words(what), _words(shown)
    return not line or len(mine & line) * 2 >= len(line)


def ledger(records: list[Record], people: People, as_of: dt.date) -> list[Commitment]:
    """Every promise in the account's history up to ``as_of`` (records after it are ignored)."""
    dated = sorted((r for r in records if r.date is None or r.date <= as_of),
                   key=lambda r: (r.date or dt.date.min, r.source, r.position))
    sents = all_sentences(dated)
    found = [p for s in sents if (p := find_promise(s, people))]
    cues = _cues(sents)
    out: list[Commitment] = []
    for group in _group(found):
        best = group.best()
        done, chased = _evidence(group, cues)
        overdue = group.due is not None and group.due < as_of
        if overdue and not done and not chased and not any(p.stated for p in group.promises):
            continue  # a meeting-note action item nobody mentioned again: its fate is unknown, not broken
        owner = next((p.owner for p in group.ranked() if people.resolve(p.owner)), best.owner)
        if done:
            status = CommitmentStatus.KEPT
        elif overdue:
            status = CommitmentStatus.OVERDUE
        else:
            status = CommitmentStatus.OPEN
        out.append(Commitment(
            what=best.what, owner=owner, due=group.due, status=status,
            citations=_cites([p.sentence for p in group.promises if _restates(p.what, best.what)]),
            evidence=_cites(done or chased), side=_known(people.side(owner)),
            fulfilled_on=min((s.record.date for s in done if s.record.date), default=None),
            chases=len({s.record.date for s in chased}) if not done else 0,  # one event, however many retellings
            asked_by=best.asked_by if all(p.asked_by for p in group.promises) else None,
        ))
    return out


def _known(side: Side | None) -> Literal["agency", "client"] | None:
    return side if side == "agency" or side == "client" else None


def _promised_on(c: Commitment) -> dt.date:
    return max((x.date for x in c.citations if x.date), default=dt.date.max)


def current(commitments: list[Commitment], as_of: dt.date, days: int = 75) -> list[Commitment]:
    """The commitments a brief should show: open ones (an undated one only while it is recent: months of
    silence say nothing about its fate), those due within the last ``days`` and those kept in the last
    KEPT_DAYS (an older delivery is history, not something to raise on the next call)."""
    since = as_of - dt.timedelta(days=days)
    keep = [
        c for c in commitments
        if (c.status == CommitmentStatus.OPEN and (c.due is not None or _promised_on(c) >= since))
        or (c.status == CommitmentStatus.OVERDUE and ((c.due and c.due >= since) or c.chases))
        or (c.status == CommitmentStatus.KEPT and (c.fulfilled_on or as_of) >= as_of - dt.timedelta(days=KEPT_DAYS))
    ]
    order = {CommitmentStatus.OVERDUE: 0, CommitmentStatus.OPEN: 1, CommitmentStatus.KEPT: 2}
    return sorted(keep, key=lambda c: (c.side != "agency", order[c.status], c.due or as_of))
