"""Concern signals grouped into topics across records, each with its mentions oldest first and a trend.

A topic is a subject the client's concerns keep returning to: a term (weighted by rarity in the account's
own history, acronyms folded into their phrase, "CPL" = "cost per lead") found around two or more concern
signals. One mention can belong to several topics ("cost per lead and the dashboard: we are reconsidering").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from relbot.analysis.people import People
from relbot.analysis.sentiment import FEELING_WORDS, Signal, concern
from relbot.analysis.text import Sentence, all_sentences, clip
from relbot.analysis.trend import trend
from relbot.analysis.vocabulary import Vocabulary
from relbot.domain import Claim, Concern, ConcernTrend
from relbot.models import Record, SourceKind

_CONVERSATION = (SourceKind.EMAIL, SourceKind.TRANSCRIPT)
_MATTER_LEVELS = frozenset({"position", "problem", "objection", "unmet", "escalation", "frustrated", "concerned"})
_ACKNOWLEDGES = re.compile(r"\b(?:you(?:'re| are) right|sorry|apologi[sz]e|apologies|we hear you|fair point|"
                           r"you have every right|i understand your)\b", re.I)
MERGE_AT = 0.7  # a second term whose mentions mostly belong to a topic already found becomes part of its label
_KIND_RANK = {SourceKind.EMAIL: 0, SourceKind.TRANSCRIPT: 0, SourceKind.NOTE: 1, SourceKind.CRM: 2,
              SourceKind.SLACK: 3}


@dataclass
class _Topic:
    labels: list[str]
    members: set[int] = field(default_factory=set)


def _client_voiced(signal: Signal, people: People) -> bool:
    """Said by the client, or reporting what the client felt ("Rachel said she is concerned"); the agency's
    own delivery problems (a delay) count whoever reports them."""
    s = signal.sentence
    if people.side(s.speaker) == "agency" and _ACKNOWLEDGES.search(s.text):
        return False  # our answer to a concern ("you are right, the date was missed") is not a new mention
    if signal.level == "delay" or people.side(s.speaker) == "client":
        return True
    if s.record.kind in _CONVERSATION and signal.level in _MATTER_LEVELS:
        return True  # a problem with the matter itself, raised in the correspondence by whichever side
    return any(people.side(n) == "client" and n.split()[0] in s.text for n in people.names())


def _context(signal: Signal, own: list[Sentence], vocab: Vocabulary, people: People) -> set[str]:
    """Topic words around the cue: its paragraph or speaker turn and the record's title, widened to the
    neighbouring paragraphs or turns when those say too little ("And you'll keep an eye on it.")."""
    s = signal.sentence
    drop = FEELING_WORDS | vocab.name_terms(people) | vocab.account_terms

    def useful(text: str) -> set[str]:
        return {t for t in vocab.terms(text) - drop if vocab.df(t) >= 2}  # a word said once names no subject

    found = useful(" ".join(n.text for n in own if n.block == s.block) + "\n" + _title(s.record))
    if len(found) < 2:
        found |= useful(" ".join(n.text for n in own if abs(n.block - s.block) == 1))
    return found


def _title(record: Record) -> str:
    """Email subjects and note titles name a subject; channel names and file-name titles do not."""
    return record.title or "" if record.kind in (SourceKind.EMAIL, SourceKind.NOTE, SourceKind.CRM) else ""


def _topics(contexts: list[set[str]], cues: list[set[str]], vocab: Vocabulary) -> list[_Topic]:
    counts = Counter(t for ctx in contexts for t in ctx)
    anchors = sorted((t for t, n in counts.items() if n >= 2), key=lambda t: (-counts[t] * vocab.idf(t), t))
    topics: list[_Topic] = []
    covered: set[int] = set()
    for term in anchors:
        members = {i for i, ctx in enumerate(contexts) if term in ctx}
        home = next((t for t in topics if len(members & t.members) >= MERGE_AT * len(members)), None)
        if home is None and not members <= covered:  # a term met only around concerns already grouped adds none
            topics.append(_Topic([term], members))
            covered |= members
        elif home and len(home.labels) < 2 and members <= home.members and len(members) >= 0.6 * len(home.members):
            home.labels.append(term)
    for i, ctx in enumerate(contexts):  # a one-off concern is still a concern: its own rarest words name it
        if i not in covered and ctx:
            words = sorted(cues[i] or ctx, key=lambda t: (-vocab.idf(t), t))[:2]
            topics.append(_Topic(words, {i}))
    return topics


def _per_day(signals: list[Signal], people: People) -> list[Signal]:
    """One mention per day, the client's own words first: the CRM row and Slack recap of the same email
    add nothing a reader needs."""
    best: dict[dt.date | None, Signal] = {}
    for s in signals:
        key = (people.side(s.sentence.speaker) != "client", _KIND_RANK[s.sentence.record.kind], -s.intensity)
        day = s.sentence.record.date
        current = best.get(day)
        if current is None or key < (people.side(current.sentence.speaker) != "client",
                                     _KIND_RANK[current.sentence.record.kind], -current.intensity):
            best[day] = s
    return [best[d] for d in sorted(best, key=lambda d: d or dt.date.min)]


def concerns(records: list[Record], people: People, as_of: dt.date) -> list[Concern]:
    dated = sorted((r for r in records if r.date is None or r.date <= as_of),
                   key=lambda r: (r.date or dt.date.min, r.source, r.position))
    vocab = Vocabulary(dated)
    sents = all_sentences(dated)
    strongest: dict[str, Signal] = {}
    for sentence in sents:
        signal = concern(sentence)
        if signal and _client_voiced(signal, people):
            held = strongest.get(sentence.record.id)
            if held is None or signal.intensity > held.intensity:
                strongest[sentence.record.id] = signal  # one mention per record: its strongest sentence
    signals = sorted(strongest.values(), key=lambda s: (s.sentence.record.date or dt.date.min))
    by_record: dict[str, list[Sentence]] = {}  # each signal reads around itself in its own record only
    for sentence in sents:
        by_record.setdefault(sentence.record.id, []).append(sentence)
    contexts = [_context(s, by_record[s.sentence.record.id], vocab, people) for s in signals]
    cues = [vocab.terms(s.sentence.text) & ctx for s, ctx in zip(signals, contexts, strict=True)]
    out: list[Concern] = []
    for topic in _topics(contexts, cues, vocab):
        mentions = _per_day([signals[i] for i in sorted(topic.members)], people)
        out.append(Concern(
            topic=" & ".join(vocab.display(t) for t in topic.labels),
            trend=trend([(s.sentence.record.date or as_of, s.intensity) for s in mentions], as_of),
            mentions=[Claim(text=_mention(s, by_record[s.sentence.record.id]), citations=[s.sentence.record.citation()])
                      for s in mentions],
        ))
    order = {ConcernTrend.GROWING: 0, ConcernTrend.NEW: 1, ConcernTrend.STEADY: 2, ConcernTrend.EASING: 3}
    return sorted(out, key=lambda c: (order[c.trend], -len(c.mentions), c.topic))


def _mention(signal: Signal, own: list[Sentence]) -> str:
    """The cue sentence, with the next one of its paragraph when it alone says little ("Rachel was frustrated.")."""
    s = signal.sentence
    text = s.text
    if len(text.split()) < 6:
        following = [n.text for n in own if n.index == s.index + 1 and n.block == s.block]
        text = " ".join([text, *following])
    return f"{s.speaker}: {clip(text)}" if s.speaker else clip(text)
