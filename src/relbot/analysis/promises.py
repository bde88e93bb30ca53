"""Finding promises in sentences: "we'll send … by Friday 12 June", "Action: Maya to share … by 2026-09-20",
"Promised analytics dashboard by Oct 15", "I still owe you the proposal"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from relbot.analysis.commissives import commissive, soon_due
from relbot.analysis.people import NAME, People
from relbot.analysis.prose_dates import DUE_RE, PROMISED_FOR_RE, due_date
from relbot.analysis.requests import request
from relbot.analysis.text import Sentence, is_question, negated, sentences, terms
from relbot.models import Record, SourceKind

_FIRST_PERSON = re.compile(
    r"\b(?:we|i)(?:['’]ll| will| shall| are going to|['’]re going to| can commit to)\s+(?:still\s+|also\s+)?"
    r"(?P<what>(?:send|deliver|get|share|provide|present|circulate|hand over|have|finish|show|give|put|book|"
    r"build|prepare|set up|confirm)\b.*)", re.I,
)
_ACTION = re.compile(rf"^(?:[Aa]ctions?:\s*)?(?P<owner>{NAME})\s+to\s+(?P<what>\w.*)")
_THIRD_PERSON = re.compile(rf"^(?P<owner>{NAME})\s+will\s+(?P<what>\w.*)")
_PROMISE_WORD = re.compile(
    r"\b(?:promised|committed(?:\s+to)?|commit to|will deliver|owe you)\b[:\s]*", re.I
)
_ADDRESSEE = re.compile(r"^(?:to\s+)?[A-Z]\w+(?:\s*:\s*|\s+(?=for\b))")  # "to Dana for …", "Harbor: …"
_TRAILING_VERB = re.compile(r"\s+(?:remains|remain|is|are|was|were|has been|have been|stays)\s*$", re.I)
# A promise quoted back ("as promised", "we were promised") is evidence about an old promise, not a new one.
_REFERENCE = re.compile(
    r"\b(?:as promised|(?:was|were|been|had)\s+promised|the promised|promise[ds]? (?:date|for)|"
    r"date (?:we|you|they) promised|slipped|missed|did not|didn't|sent|delivered|attached)\b", re.I,
)
_TRIVIAL = re.compile(r"^(?:an? |the )?(?:apology|explanation|answer|favou?r|coffee|lunch|drink)\b", re.I)
_WHAT_PREFIX = re.compile(r"^(?:to\s+)?(?:deliver|send|share|get you|get|give you|provide|have)\s+", re.I)
_DUE_WORDS = re.compile(r"\b(?:by|before|later than|due|deadline|promised|committed)\b", re.I)
_THREADED = (SourceKind.EMAIL, SourceKind.SLACK)
_WRITTEN_OR_SAID = (SourceKind.EMAIL, SourceKind.TRANSCRIPT)
_ACTION_SECTIONS = ("action", "next step", "to do", "todo", "follow-up", "follow up")


@dataclass(frozen=True)
class Promise:
    what: str
    owner: str | None
    due: dt.date | None
    sentence: Sentence
    stated: bool = True  # said to or about the client; False for a bare action item in meeting notes
    asked_by: str | None = None  # a request: who asked the owner for it


def _what(text: str, *, keep_verb: bool = False) -> str:
    """The promised thing; ``keep_verb`` for a sentence's own action ("share it with your group"), where the
    verb is what makes it read as a promise."""
    text = re.split(r"[;(]|\s[—–-]\s", text, maxsplit=1)[0].strip(" .,:")
    if not keep_verb:
        text = _WHAT_PREFIX.sub("", text)
    return text[:1].upper() + text[1:]


def _strip_due(what: str) -> str:
    """ "share the CPL breakdown by 2026-09-20, by campaign" -> "share the CPL breakdown"."""
    for pattern in (DUE_RE, PROMISED_FOR_RE):
        if (m := pattern.search(what)) and terms(what[: m.start()]):
            return what[: m.start()]
    return what


def _named_owner(pattern: re.Pattern[str], text: str, people: People) -> tuple[str, str] | None:
    """ "Maya to share …" / "Gareth will confirm …", only when the subject is a person we know."""
    m = pattern.match(text)
    if m and (owner := people.resolve(m.group("owner"))):
        return owner, m.group("what")
    return None


def find_promise(sentence: Sentence, people: People) -> Promise | None:
    """The demo-era rules first (action items, "promised …", dated first-person promises), then the general
    reading of commissive sentences in what people wrote or said to each other."""
    return _planned(sentence, people) or _commissive_promise(sentence, people) or _requested(sentence, people)


def _requested(sentence: Sentence, people: People) -> Promise | None:
    """ "Tanya: can you prepare a draft guaranty": owed by the person asked (named, or the one recipient)."""
    record = sentence.record
    if record.kind != SourceKind.EMAIL:
        return None
    found = request(sentence.text)
    if found is None:
        return None
    addressee = people.resolve(found.addressee) if found.addressee else None
    if addressee is None and len(record.participants) == 1:
        addressee = people.resolve(_display(record.participants[0]))
    if addressee is None or addressee == people.resolve(sentence.speaker):
        return None
    what = _what(_strip_due(found.what), keep_verb=True)
    if not terms(what) or _TRIVIAL.match(what):
        return None
    anchor = record.date or dt.date.today()
    due = due_date(sentence.text, anchor)
    return Promise(_in_context(what, record), addressee, due[0] if due else soon_due(sentence.text, anchor),
                   sentence, True, asked_by=people.resolve(sentence.speaker) or sentence.speaker)


def _display(participant: str) -> str:
    name, _, _ = participant.partition(" <")
    return name


def _commissive_promise(sentence: Sentence, people: People) -> Promise | None:
    record = sentence.record
    if record.kind not in _WRITTEN_OR_SAID:
        return None
    found = commissive(sentence.text)
    if found is None or found.hedged:
        return None
    if found.by_writer:
        owner = sentence.speaker
    elif found.by_pronoun:
        owner = _named_before(sentence, people)
        if owner is None:
            return None
    else:
        owner = people.resolve(found.who)
        if owner is None:
            return None  # "Transwestern will …": an organisation or someone we do not know
    anchor = record.date or dt.date.today()
    due = due_date(sentence.text, anchor)
    what = _what(_strip_due(found.what), keep_verb=True)
    if not terms(what) or _TRIVIAL.match(what):
        return None
    return Promise(_in_context(what, record), people.resolve(owner) or owner or None,
                   due[0] if due else soon_due(sentence.text, anchor), sentence, True)


def _named_before(sentence: Sentence, people: People) -> str | None:
    """ "Christina is looking at it. She will …": the last known person the record named before the sentence."""
    earlier = [s.text for s in sentences(sentence.record) if s.index < sentence.index]
    for text in reversed(earlier):
        for match in reversed(list(re.finditer(NAME, text))):
            if (name := people.resolve(match.group(0))) and name != people.resolve(sentence.speaker):
                return name
    return None


def _planned(sentence: Sentence, people: People) -> Promise | None:
    text = sentence.text
    record = sentence.record
    if is_question(text):
        return None
    # DUE_RE and PROMISED_FOR_RE each need one of these words: most sentences have none.
    found = due_date(text, record.date or dt.date.today()) if _DUE_WORDS.search(text) else None
    if found is None and not _PROMISE_WORD.search(text):
        return None  # without a due date only a "promised …" sentence is one of these (the branches below)
    is_action = any(sentence.section.startswith(s) for s in _ACTION_SECTIONS) or text.lower().startswith("action")
    named = (_named_owner(_ACTION, text, people) if is_action or found else None) or (
        _named_owner(_THIRD_PERSON, text, people) if found else None
    )
    stated = True
    if named:
        if not found:
            return None  # an action item with no date stays open forever: not a promise we can track
        owner, what = named
        stated = not is_action
    elif _REFERENCE.search(text):
        return None
    elif m := _FIRST_PERSON.search(text):
        if not found:
            return None  # "we'll keep an eye on it": no date, no promise worth tracking
        owner, what = sentence.speaker or "", m.group("what")
    elif (m := _PROMISE_WORD.search(text)) and not negated(text, m.start()):
        owner = sentence.speaker or ""
        after = _ADDRESSEE.sub("", text[m.end() :])
        what = after if terms(_strip_due(after)) else _TRAILING_VERB.sub("", text[: m.start()])
        if not terms(_strip_due(what)) and record.kind == SourceKind.CRM and record.title:
            what = record.title
    else:
        return None
    what = _what(_strip_due(what))
    if not terms(what) or _TRIVIAL.match(what):
        return None
    return Promise(_in_context(what, record), people.resolve(owner) or owner or None,
                   found[0] if found else None, sentence, stated)


def _in_context(what: str, record: Record) -> str:
    """ "Working version" alone says little: name the thread it was promised in."""
    title = re.sub(r"^(?:re|fwd?):\s*", "", record.title or "", flags=re.I)
    if len(terms(what)) > 2 or not title or terms(what) & terms(title) or record.kind not in _THREADED:
        return what
    return f"{what} (re: {title})"
