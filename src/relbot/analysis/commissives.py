"""Commitments as people write them in real correspondence: a speaker binding themselves (or their side) to a
future action, however it is phrased.

"I'll get the revised figures over to you once finance signs off", "you'll have the redline by end of day",
"If this looks ok, we'll finalize and file it today", "I'm also sending a copy to Frank", "Let's plan on
10:00", "Ann will file it electronically". Not commitments: questions, requests ("let me know", "can you"),
refusals ("we won't"), states ("I will be out on Friday"), obligations ("we will need to"), hedges ("I will
try", "hopefully", "I think we could"), and the boilerplate of legal disclaimers.

The rules follow the grammar of commissive speech acts (a first-person or named agent, a future or
progressive verb of action), not any one data set's phrasing; docs/BENCHMARKS.md records what each part
scored on the enron-pool sentences it was fitted on and on enron-dev.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_FUTURE = r"(?:will|shall|'ll|am going to|'m going to|are going to|'re going to|plan to|intend to|would be happy to)"
_ADVERB = r"(?:\s+(?:also|still|then|now|just|gladly|certainly|definitely|immediately|promptly|personally|both))*"
# Verbs of work in hand: "I am sending", "will be filing", "Stephanie is updating …".
_UNDER_WAY = (
    r"(?:sending|forwarding|preparing|drafting|working on|putting together|setting up|scheduling|arranging|"
    r"reviewing|finali[sz]ing|filing|revising|circulating|following up|processing|pulling|routing|updating|"
    r"verifying|confirming|copying|planning on|calling|contacting|faxing|getting|handling|checking|looking into)"
)
_SELF = re.compile(rf"\b(?P<who>I|we)(?:\s*{_FUTURE}|\s+{_FUTURE}){_ADVERB}\s+(?P<rest>[a-z].*)", re.I)
_PROGRESSIVE = re.compile(
    rf"\b(?P<who>I|we)(?:'m|'re|\s+am|\s+are){_ADVERB}\s+(?P<rest>{_UNDER_WAY}\b.*)", re.I)
_SUBJECTLESS = re.compile(
    rf"(?:^|\s-\s|\band\s)(?P<who>)(?:am|will){_ADVERB}\s+(?P<rest>(?:{_UNDER_WAY}|send|forward|deliver|fax|call|"
    r"file|follow up|get back)\b.*)", re.I)
_LET_US = re.compile(
    r"\b(?P<who>let me)\s+(?P<rest>(?!know\b|see\b|think\b|ask\b|have\b|show\b|say\b|add\b|explain\b)[a-z].*)"
    r"|\b(?P<who2>let us|let's|lets)\s+(?P<rest2>(?:plan on|plan for|meet|set up|schedule|go with|do it|do that)\b.*)",
    re.I)
_YOU_WILL_HAVE = re.compile(
    r"\b(?P<who>you)(?:'ll|\s+will)\s+(?P<rest>(?:have|get)\s+(?:(?:the|our|my|a|an|it|them|this)\b).*)", re.I)
# "Copies will be faxed to you today", "A letter is being sent": the writer's side delivering.
_PASSIVE = re.compile(
    r"\b(?P<who>)(?:will be|is being|are being)\s+(?P<rest>(?:sent|faxed|forwarded|delivered|distributed|filed|"
    r"provided|circulated|e-?mailed|mailed|couriered|overnighted|prepared)\b.*)"
    r"|\b(?P<who3>)will follow\s+(?P<rest3>(?:today|tomorrow|shortly|soon|under separate cover|by)\b.*)", re.I)
_NAMED = re.compile(
    rf"(?:^(?:[A-Z][\w.'-]*,?\s+)?|[;:]\s+|\band\s+)(?P<who>(?:[A-Z][a-z'-]+\s)?[A-Z][a-z'-]+|[Ss]he|[Hh]e)\s+"
    rf"(?:(?:will|shall|is going to){_ADVERB}\s+(?P<rest>[a-z].*)|is{_ADVERB}\s+(?P<rest2>{_UNDER_WAY}\b.*))")
_NOT_A_NAME = frozenset({"it", "this", "these", "that", "those", "they", "there", "we", "i", "you", "what", "which",
                         "who", "everyone", "someone", "nobody", "all", "each", "both", "one", "here", "everything"})
_HEDGE = re.compile(
    r"\b(?:try|trying|attempt|hopefully|hope to|might|may|could|possibly|perhaps|probably|maybe|i think we|"
    r"i think i|if (?:necessary|needed|required|you'd like|you would like|you want|you wish|you need)|should be able|"
    r"would like to|be able to|working hard to|expect to)\b", re.I)
# Verbs after "will" that state a condition, an obligation or an announcement rather than an action owed.
_NOT_ACTION = re.compile(
    rf"^(?:not\b|never\b|be\b(?!\s+(?:{_UNDER_WAY}|sure to|happy to|glad to|in touch)\b)|need\b|"
    r"have to\b|have\b(?!\s+(?:the|it|them|a|an|our|my|this|that|those|these|[A-Z])\b)|"
    r"want\b|wish\b|want to\b|like\b|miss\b|understand\b|assume\b|agree\b|depend\b|remain\b|require\b|"
    r"continue\b|probably\b|likely\b|know\b|note\b|notice\b|find\b|see\b|hear\b|receive\b|get back\b(?!\s+to)|"
    r"vary\b|apply\b|expire\b|terminate\b|take effect\b|govern\b|constitute\b|become\b|occur\b|happen\b|"
    r"only\b|meet\b|discuss\b|talk\b|wind up\b|act as\b|defer\b|go\b|own\b|change\b|basically\b|lead\b|"
    r"be keeping\b|cover\b|hold\b|host\b|attend\b)", re.I)
_BOILERPLATE = re.compile(
    r"\b(?:intended recipient|confidential|privileged|disclaimer|this e-?mail|this message|unsubscribe|"
    r"notify the sender|delete (?:it|this)|legally binding|binding upon|hereby|hereunder|thereof|"
    r"shall be (?:deemed|construed)|party shall|parties shall|counterparty shall)\b", re.I)
_OUT_OF_OFFICE = re.compile(r"\b(?:out of (?:the )?office|on vacation|on holiday|away from|be back|return on)\b", re.I)
_SHORT_CONFIRM = re.compile(
    r"^(?:(?:ok|okay|sure|yes|thanks|great|sounds good)[,.!]?\s+)*(?:i|we)(?:'ll| will) do (?:it|that|so)\b", re.I)


# Every pattern above needs one of these.
_MAYBE = re.compile(r"\bwill\b|\bshall\b|\bgoing to\b|\bplan to\b|\bintend to\b|\bhappy to\b|\blet'?s\b|\blets\b|"
                    r"\blet (?:me|us)\b|'ll\b|(?:\b(?:am|are|is)|'m|'re)\s+(?:\w+\s+)?\w+ing\b", re.I)


@dataclass(frozen=True)
class Commissive:
    who: str  # "I", "we", "you" (the writer's promise to the reader), "let's", or the named agent
    what: str  # the action promised, from its verb on
    hedged: bool  # "I will try to", "hopefully": an intention, not a promise

    @property
    def by_writer(self) -> bool:
        return self.who.casefold() in {"i", "we", "you", "let me", "let us", "let's", "lets"}

    @property
    def by_pronoun(self) -> bool:
        return self.who in ("She", "He")


def commissive(text: str) -> Commissive | None:
    """The commitment a sentence makes, if it makes one."""
    text = text.replace("’", "'").strip()
    if not _MAYBE.search(text):
        return None  # no future, no work under way, no "let me": one scan rules out most sentences
    if text.rstrip().endswith("?") or _BOILERPLATE.search(text) or len(text.split()) > 60:
        return None
    if short := _SHORT_CONFIRM.match(text):
        return Commissive("I", short.group(0), hedged=False)
    for pattern in (_SELF, _PROGRESSIVE, _YOU_WILL_HAVE, _LET_US, _NAMED, _PASSIVE, _SUBJECTLESS):
        for m in pattern.finditer(text):
            found = _read(pattern, m, text)
            if found is not None:
                return found
    return None


_CLAUSE_OPENERS = frozenset({"and", "but", "so", "then", "also", "now", "today", "tomorrow", "ok", "okay", "yes",
                             "sure", "fine", "great", "therefore", "thus", "meanwhile", "otherwise", "if", "once",
                             "when", "hopefully", "think", "guess", "believe", "promise", "said", "says"})


def _opens_clause(text: str, start: int) -> bool:
    """ "… and we'll file it" opens a clause; "a date we will hit" is a relative clause describing a noun."""
    before = text[:start].rstrip()
    if not before or before[-1] in ",;:.!—–-(\"'":
        return True
    return before.split()[-1].casefold().strip(",") in _CLAUSE_OPENERS


def _read(pattern: re.Pattern[str], m: re.Match[str], text: str) -> Commissive | None:
    if pattern in (_SELF, _PROGRESSIVE, _YOU_WILL_HAVE) and not _opens_clause(text, m.start()):
        return None
    groups = {k: v for k, v in m.groupdict().items() if v is not None}
    who = next((groups[k] for k in ("who", "who2", "who3") if k in groups), "")
    rest = next((groups[k] for k in ("rest", "rest2", "rest3") if k in groups), "").strip()
    if not rest or _OUT_OF_OFFICE.search(rest):
        return None
    if pattern in (_SELF, _NAMED) and "rest" in groups and _NOT_ACTION.match(rest):
        return None
    if pattern is _NAMED and who.casefold() in _NOT_A_NAME:
        return None
    if who.casefold() in ("she", "he"):
        who = who.capitalize()
    # A hedge before the verb or on it ("hopefully we'll", "I will try to"), not deeper in what is promised.
    window = text[: m.start()] + " " + " ".join(rest.split()[:2])
    return Commissive(who or "I", rest, hedged=bool(_HEDGE.search(window)))


_TODAY = re.compile(
    r"\b(?:today|this (?:morning|afternoon|evening)|tonight|end of (?:the )?(?:business )?day|eod|cob)\b", re.I)
_TOMORROW = re.compile(r"\btomorrow\b", re.I)
_WEEKEND = re.compile(r"\b(?:over|during|on|this) the weekend\b|\bthis weekend\b", re.I)


def soon_due(text: str, anchor: dt.date) -> dt.date | None:
    """ "today", "tomorrow a.m.", "over the weekend": due days stated relative to the message's own day."""
    if _TODAY.search(text):
        return anchor
    if _TOMORROW.search(text):
        return anchor + dt.timedelta(days=1)
    if _WEEKEND.search(text):
        return anchor + dt.timedelta(days=(6 - anchor.weekday()) % 7 or 7)
    return None
