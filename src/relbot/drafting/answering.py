"""Grounded answers: the best sentences of the retrieved passages, each cited, or a plain "no record says".

A sentence answers when it is close in meaning to the question (MiniLM cosine) and shares its content
words; nothing is answered from outside the account's records. FOUND_AT was calibrated on the demo's
labelled questions (each answered from its expected source) against unrelated questions (a favourite
colour, a football score), which must come back unanswered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from relbot.analysis.text import clip, is_instruction, split_sentences, terms, unwrap
from relbot.domain import Claim
from relbot.drafting import answer_types
from relbot.drafting.models import Answer
from relbot.lexical import tokenize
from relbot.models import SearchHit, SourceKind

Embed = Callable[[Sequence[str]], npt.NDArray[np.float32]]
FOUND_AT = 0.57  # best sentence score needed to answer: demo questions scored >= 0.63, unrelated ones <= 0.51
KEEP_WITHIN = 0.12  # further sentences must score this close to the best
LEXICAL_WEIGHT = 0.35
MAX_SENTENCES = 3
SIGNATURE_LINE = 40  # lines shorter than this, one after another, are a signature or an address block
# A sentence holding the kind of thing asked for (a phone number, an amount) gains this; one without loses it.
TYPE_BONUS = 0.12
_QUESTION_WORDS = frozenset(tokenize(
    "what which who whom whose when where why how often much many is are was were do does did can could "
    "should would will have has had we our us they their client clients account"
))
_INTERROGATIVE = re.compile(
    r"^(?:what|which|who|whom|when|where|why|how(?: often| much| many)?|is|are|was|were|do|does|did|have|has|can)"
    r"\b(?:\s+(?:is|are|was|were|do|does|did|has|have|we|they))*\s*", re.I,
)


_HEADER_LINE = re.compile(
    r"^\s*-{3,}|^\s*(?:from|to|cc|bcc|sent|date|subject|importance)\s*:|\bforwarded by\b|\boriginal message\b|"
    r"\b\d{1,4}/\d{1,2}/\d{1,4} \d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?\s*(?:-+)?\s*$", re.I)


@dataclass(frozen=True)
class _Candidate:
    text: str
    hit: SearchHit
    score: float


def _lines(hit: SearchHit) -> list[str]:
    """E-mail paragraphs unwrapped; a run of short lines (a signature: name, company, phone) kept together so a
    phone number still sits beside the name it belongs to."""
    if hit.kind != SourceKind.EMAIL:
        return hit.text.splitlines()
    out: list[str] = []
    short_run = False
    for line in unwrap(hit.text):
        short = 0 < len(line) < SIGNATURE_LINE and not line.startswith("#")
        if short and short_run and out:
            out[-1] = f"{out[-1]} · {line}"
        else:
            out.append(line)
        short_run = short
    return out


def _sentences(hit: SearchHit) -> list[str]:
    out: list[str] = []
    for line in _lines(hit):
        if line.lstrip().startswith("#"):
            continue  # a heading names a topic, it answers nothing
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line)
        speaker, sep, said = line.partition(": ")
        spoken = bool(sep) and len(speaker.split()) <= 4 and speaker[:1].isupper()
        if _HEADER_LINE.search(line):
            continue  # who sent what when: the quoted history's bookkeeping, never an answer
        for sentence in split_sentences(said if spoken else line):
            if len(sentence.split()) >= 3 and not is_instruction(sentence):
                out.append(f"{speaker}: {sentence}" if spoken else sentence)
    return out


def _topic(question: str) -> str:
    """ "What is the client's favourite colour?" -> "the client's favourite colour"."""
    return _INTERROGATIVE.sub("", question.strip().rstrip("?")).strip() or question.strip().rstrip("?")


def score_sentences(question: str, hits: list[SearchHit], embed: Embed, account: str) -> list[_Candidate]:
    wanted = terms(question) - _QUESTION_WORDS - set(tokenize(account))
    pairs = [(s, h) for h in hits for s in _sentences(h)]
    if not pairs or not wanted:
        return []
    vectors = embed([question, *(s for s, _ in pairs)])
    cosines = vectors[1:] @ vectors[0]
    kind = answer_types.wanted(question)
    out = []
    for (text, hit), cosine in zip(pairs, cosines, strict=True):
        # Who wrote it is part of what it says: "call me at 403-…" in Maureen's message is Maureen's number;
        # a sentence holding a phone number answers the question's "phone number".
        said = terms(text) | terms(hit.author or "")
        holds = kind is not None and kind.held_by(text)
        if holds and kind is not None:
            said |= terms(kind.naming)
        score = float(cosine) + LEXICAL_WEIGHT * len(wanted & said) / len(wanted)
        if kind is not None:
            score += TYPE_BONUS if holds else -TYPE_BONUS
        out.append(_Candidate(text, hit, score))
    return sorted(out, key=lambda c: c.score, reverse=True)


def _holding_first(question: str, ranked: list[_Candidate], threshold: float) -> list[_Candidate]:
    """A question after a phone number or an amount is answered by a sentence that holds one, when any
    good enough does: "I am checking with Nidia" shares more words with "Nidia's extension" but gives none."""
    kind = answer_types.wanted(question)
    if kind is None:
        return ranked
    holding = [c for c in ranked if kind.held_by(c.text)]
    return holding if holding and holding[0].score >= threshold else ranked


def answer(
    account: str, question: str, as_of: dt.date, hits: list[SearchHit], embed: Embed, threshold: float = FOUND_AT
) -> Answer:
    if not hits:  # nothing at all on record (a new account, or nothing dated by as-of): say that, not "no match"
        return Answer(account=account, as_of=as_of, question=question, found=False,
                      answer=f"Nothing is on record for {account} as of {as_of.isoformat()} yet: log a note, save "
                             "a Slack message to it, or ingest its files, then ask again.")
    ranked = _holding_first(question, score_sentences(question, hits, embed, account), threshold)
    if not ranked or ranked[0].score < threshold:
        return Answer(account=account, as_of=as_of, question=question, found=False,
                      answer=f"No record in {account} says anything about {_topic(question)}.")
    best = ranked[0].score
    chosen: list[_Candidate] = []
    for candidate in ranked:
        if candidate.score < best - KEEP_WITHIN or len(chosen) >= MAX_SENTENCES:
            break
        if all(candidate.text != c.text for c in chosen):
            chosen.append(candidate)
    claims = [Claim(text=clip(c.text, 300), citations=[c.hit.citation()]) for c in chosen]
    text = " ".join(c.text for c in claims)
    return Answer(account=account, as_of=as_of, question=question, found=True, answer=text, claims=claims)
