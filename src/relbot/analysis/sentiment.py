"""Sentiment cues a person would notice in a client's words: concern (with how strong it is) and satisfaction.

A cue preceded by a negation ("not worried", "no concerns") does not count; phrases that are negative in
themselves ("not happy", "not acceptable") are listed whole so the negation rule does not cancel them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relbot.analysis.text import Sentence, negated

# (pattern, level, intensity 1-4): a doubt, worry, frustration, escalation or a delivery problem.
_CONCERN: list[tuple[str, str, int]] = [
    (r"keep an eye on|is (?:that|this) (?:normal|expected)|bugging me|not sure (?:about|whether)|"
     r"should we be worried", "question", 1),
    (r"worr(?:y|ied|ies|ying)|concern(?:ed|s|ing)?|uneasy|nervous|anxious", "concerned", 2),
    (r"delay(?:ed|s)?|slipped|slipping|overdue|behind schedule|won't make|missed the", "delay", 1),
    (r"frustrat(?:ed|ing|ion)|disappoint(?:ed|ing|ment)|unhappy|not happy|not acceptable|unacceptable|"
     r"(?:going|heading) the wrong way|upset|annoyed|let down|still (?:don't|do not) have|still no\b", "frustrated", 3),
    (r"escalat(?:e|ed|ing|ion)|reconsider(?:ing)?|cancel(?:led|ling)? (?:the|our) (?:retainer|contract)|"
     r"terminat(?:e|ing) (?:the|our|this) (?:retainer|contract|relationship|engagement)|churn(?:ing)? risk|in-house|"
     r"dispute[ds]?|refus(?:e|es|ing) to pay|won't be paying|"
     r"not paying|put (?:the|our) (?:account|retainer) under review", "escalation", 4),
]
# The problems business correspondence raises, in whatever words: a thing wrong, a dispute or objection, an
# obligation not met, a position the other side cannot accept, a risk ahead. Fitted on the concern sentences
# of data/training (enron-pool); docs/BENCHMARKS.md has what each version scored there and on enron-dev.
_CONCERN += [
    (r"problems?\b|issues? (?:with|is|are)\b|an issue\b|(?:is|are|was) wrong|incorrect|inaccurate|not correct|"
     r"mistakes?\b|errors?\b|discrepanc(?:y|ies)|does(?:n't| not) match|do(?:n't| not) match|confus(?:ed|ing|ion)|"
     r"dropped the ball|screw-?up|not in (?:our|their|your) (?:best )?interest|raises? an eyebrow|scary|"
     r"(?:could|would|will|may) hurt|vulnerable|exposure\b", "problem", 2),
    (r"disput(?:e|es|ed|ing)|object(?:s|ed|ing|ion|ions)?\b|protest(?:s|ed|ing)?\b|refus(?:e|es|ed|ing|al)|"
     r"reject(?:s|ed|ing)?\b|den(?:y|ies|ied)\b|insist(?:s|ed|ing)?\b|oppos(?:e|es|ed|ing)\b|disagree(?:s|d|ment)?|"
     r"contest(?:s|ed|ing)?\b|claim(?:s|ed|ing)? (?:that|to|it|they|we|the)\b|"
     r"(?:can(?:no|')t|could(?:n't| not)|will not|won't|would not|wouldn't) (?:live with|accept|agree|pay|sign|"
     r"support|work)\b|not (?:willing|comfortable|prepared) to|impossible|miles apart|far apart|"
     r"does(?:n't| not) make sense|pressing for", "objection", 3),
    # Negotiating positions: the other side's demands, conditions and changes it wants, what it finds wrong.
    (r"(?:not|n't)\b[^.;]{0,40}\b(?:correct|right|acceptable|appropriate|fair|reasonable|workable|sufficient)\b|"
     r"\b(?:requir(?:e|es|ed|ing)|request(?:s|ed|ing)|demand(?:s|ed|ing)?)\b[^.;]{0,60}\b"
     r"(?:to continue|before (?:we|they|it)|in order to|as a condition)\b|"
     r"would like\b[^.;]{0,80}\b(?:reduced|replaced|changed|removed|deleted|increased|"
     r"lowered|revised|amended|struck|capped)\b|(?:can ?not|can't|unable to|no longer) (?:continue|be able)\b|"
     r"\b(?:very|too|extremely|rather|quite) (?:large|high|expensive|steep|costly|slow|tight|aggressive|burdensome|"
     r"onerous|tied up)\b|clarify (?:their|our|its|his|her) (?:stance|position)|difficult(?:y|ies)\b|"
     r"ball is (?:still )?in (?:your|our|their) court|(?:check|checking) (?:on )?where we are|"
     r"(?:still|been) waiting (?:for|on)|(?:have|has)(?: not|n't) heard back|eager to|pressing (?:us|for|hard)|"
     r"several times a day", "position", 2),
    (r"(?:has|have|had)(?: still)? (?:not|never) (?:been )?(?:paid|received|heard|responded|sent|signed|returned)|"
     r"(?:hasn't|haven't|hadn't) (?:been )?(?:paid|received|heard|responded|sent|signed|returned)|"
     r"never (?:received|got|paid)|not (?:been )?paid|short[- ]?pa(?:y|id|ying)|past due|still owes?|"
     r"unable to|cannot locate|can(?:no|')t (?:be )?(?:recovered|located|found|confirm)|(?:are|is) missing|"
     r"not showing|(?:was|were) not (?:included|provided)|suspended|default(?:ed|s)?\b|breach(?:ed|es)?\b|"
     r"in default|too (?:late|large|high|low|much)|no response|lawsuit", "unmet", 3),
]
_CONCERN_RE = [(re.compile(rf"\b(?:{p})", re.I), level, weight) for p, level, weight in _CONCERN]
# Each family's cues all hold a word starting with one of its stems: a family whose stems are absent from a
# sentence cannot match it, and testing words with str.startswith costs far less than running the patterns
# (tests/analysis/test_concern_prefilter.py checks the shortcut changes no result on 5,160 labelled sentences
# and the demo).
_FAMILY_STEMS: list[tuple[str, ...]] = [tuple(sorted(re.findall(r"\S+", words))) for words in (
    "keep normal expect bugging sure worried",
    "worr concern uneas nervous anxious",
    "delay slip overdue behind won missed",
    "frustrat disappoint unhappy happy acceptable unacceptable wrong upset annoyed let still",
    "escalat reconsider cancel terminat churn in-house disput refus paying review",
    "problem issue wrong incorrect inaccurate correct mistake error discrepanc match confus dropped screw interest "
    "eyebrow scary hurt vulnerable exposure",
    "disput object protest refus reject den insist oppos disagree contest claim live accept agree pay sign support "
    "work willing comfortable prepared impossible apart sense pressing",
    "correct right acceptable appropriate fair reasonable workable sufficient requir request demand reduced replaced "
    "changed removed deleted increased lowered revised amended struck capped continue able large high expensive "
    "steep costly slow tight aggressive burdensome onerous tied stance position difficult court where waiting heard "
    "eager pressing times",
    "paid received heard responded sent signed returned got short past owe unable locate recovered located found "
    "confirm missing showing included provided suspended default breach late large high low much response lawsuit",
)]
_CUE_STEMS = tuple(sorted({stem for stems in _FAMILY_STEMS for stem in stems}))
_WORD = re.compile(r"[a-z][a-z'’-]*")
_SATISFIED = re.compile(
    r"\b(?:really |very |so )?(?:pleased|happy|delighted|thrilled)\b|\b(?:great|excellent|brilliant|fantastic|"
    r"lovely) (?:work|job|news|week|report|result)|\blanded (?:really )?well|\bthank you\b.*\b(?:great|excellent)",
    re.I,
)
# Words that only name the feeling, not what it is about: left out of topic terms.
_FEELING = (
    "worried worry concern concerned frustrated frustration disappointed unhappy happy escalating escalate "
    "escalation reconsidering reconsider keep eye normal expected delay delayed slipped still wrong way going "
    "heading said asked pleased really client review meeting call update team performance problem problems "
    "issue issues wrong error errors mistake dispute disputes disputed object objection protest protested refuse "
    "refused reject rejected claim claims claimed insist oppose accept agree unable missing risk risks exposure"
)
FEELING_WORDS = frozenset(_FEELING.split())


@dataclass(frozen=True)
class Signal:
    sentence: Sentence
    level: str
    intensity: int
    cue: str


_NOT_A_CONCERN = re.compile(
    r"\?\s*$|\bconcerning\b|whom (?:it|this) may concern|(?:any|no) (?:problems|questions|issues|concerns)\b|"
    r"sorry (?:for|about) (?:the|my|any)|if (?:there are|you have|you see) any", re.I)


def concern_cue(text: str) -> tuple[str, int, str] | None:
    """(level, intensity, cue phrase) of the strongest non-negated concern cue in a text. Questions ask; the
    preposition "concerning" and closings ("any questions or concerns") raise nothing."""
    words = _WORD.findall(text.lower())
    if not any(w.startswith(_CUE_STEMS) for w in words) or _NOT_A_CONCERN.search(text):
        return None
    best: tuple[str, int, str] | None = None
    for (pattern, level, weight), stems in zip(_CONCERN_RE, _FAMILY_STEMS, strict=True):
        if not any(w.startswith(stems) for w in words):
            continue
        for match in pattern.finditer(text):
            phrase = match.group(0).lower()
            if not phrase.startswith("not ") and negated(text, match.start(), window=3):
                continue
            if best is None or weight > best[1]:
                best = (level, weight, phrase)
    return best


def concern(sentence: Sentence) -> Signal | None:
    """The strongest non-negated concern cue in a sentence."""
    found = concern_cue(sentence.text)
    return Signal(sentence, *found) if found else None


def satisfied(sentence: Sentence) -> bool:
    match = _SATISFIED.search(sentence.text)
    if match is None or "?" in sentence.text:
        return False
    return not negated(sentence.text, match.start(), window=3)
