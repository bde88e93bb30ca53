"""One account's vocabulary: how rare each term is, which acronyms abbreviate which phrases, how to show a stem."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from relbot.analysis.people import People
from relbot.analysis.text import terms
from relbot.lexical import tokenize
from relbot.models import Record

_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
_WORD = re.compile(r"[a-z]+")
_SURFACE = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")


def acronyms(texts: list[str]) -> dict[str, str]:
    """{"cost per lead": "cpl"}: an all-caps token and the phrase its letters start, both used at least twice."""
    caps = Counter(a for t in texts for a in _ACRONYM.findall(t))
    words = [w for t in texts for w in _WORD.findall(t.lower().replace("-", " "))]
    # One letter per word: the phrases an acronym could abbreviate are where its letters occur in this string,
    # found by a string search instead of joining every window of words.
    initials = "".join(w[0] for w in words)
    found: dict[str, str] = {}
    for acronym, count in caps.items():
        n = len(acronym)
        if count < 2 or n < 3:
            continue
        letters = acronym.lower()
        phrases = Counter(
            " ".join(words[i : i + n]) for i in _occurrences(initials, letters)
            if len(words[i]) > 2 and len(words[i + n - 1]) > 2
        )
        if phrases:
            phrase, seen = phrases.most_common(1)[0]
            if seen >= 2:
                found[phrase] = letters
    return found


def _occurrences(text: str, part: str) -> Iterator[int]:
    """Every start of ``part`` in ``text``, overlapping ones included, in order."""
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


@lru_cache(maxsize=50_000)
def _stems(word: str) -> tuple[str, ...]:
    """A word's stems; the same few thousand words recur across an account's records."""
    return tuple(tokenize(word))


@lru_cache(maxsize=1024)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(phrase)}\b")


class Vocabulary:
    def __init__(self, records: Iterable[Record]) -> None:
        records = list(records)
        texts = [f"{r.title or ''}\n{r.text}" for r in records]
        self.aliases = acronyms(texts)
        self.expansions = {v: k for k, v in self.aliases.items()}
        self._df: Counter[str] = Counter()
        self._surface: dict[str, Counter[str]] = {}
        for text in texts:
            self._df.update(terms(self.normalize(text)))
        # Each distinct word stemmed once, with its count: a Counter keeps first-seen order, so ties in
        # display() still go to the form met first.
        for word, count in Counter(w for text in texts for w in _SURFACE.findall(text)).items():
            for stem in _stems(word):
                self._surface.setdefault(stem, Counter())[word if word.isupper() else word.lower()] += count
        self._n = max(1, len(texts))
        self.account_terms = {t for r in records[:1] for t in tokenize(r.account)}

    def df(self, term: str) -> int:
        """In how many of the account's records the term occurs."""
        return self._df.get(term, 0)

    def normalize(self, text: str) -> str:
        text = text.lower().replace("-", " ")
        for phrase, acronym in self.aliases.items():
            text = _phrase_re(phrase).sub(acronym, text)
        return text

    def terms(self, text: str) -> set[str]:
        return terms(self.normalize(text))

    def idf(self, term: str) -> float:
        return math.log((self._n + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def display(self, stem: str) -> str:
        if stem in self.expansions:
            return self.expansions[stem]
        surface = self._surface.get(stem)
        return surface.most_common(1)[0][0] if surface else stem

    def name_terms(self, people: People) -> set[str]:
        return {t for name in people.names() for t in tokenize(name)}
