"""Which of many texts contain a word: one substring search over all of them at once instead of a regex per
text. Used as a cheap necessary condition before running keyword regexes sentence by sentence."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate


class WordIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        lowered = [t.lower() for t in texts]
        self.size = len(texts)
        self._text = "\n".join(lowered)  # a word never holds "\n", so no hit spans two texts
        self._starts = [0, *accumulate(len(t) + 1 for t in lowered)][:-1] if lowered else []
        # Lowercasing is exactly a regex's IGNORECASE folding only for ASCII ("ſ" matches "s"): a non-ASCII
        # text is always a candidate.
        self._unsure = frozenset(i for i, t in enumerate(texts) if not t.isascii())
        self._cache: dict[str, frozenset[int]] = {}

    def containing(self, word: str) -> frozenset[int]:
        """Indexes of the texts whose lowercase form contains ``word`` (lowercase ASCII), plus unsure ones."""
        if word not in self._cache:
            found: set[int] = set(self._unsure)
            at = self._text.find(word)
            while at >= 0:
                i = bisect_right(self._starts, at) - 1
                found.add(i)
                # The next hit that can add a text starts after this text ends.
                at = self._text.find(word, self._starts[i + 1] if i + 1 < self.size else len(self._text))
            self._cache[word] = frozenset(found)
        return self._cache[word]

    def containing_all(self, words: Iterable[str]) -> frozenset[int]:
        """Texts holding every word; every text when ``words`` is empty (nothing to rule one out by)."""
        out: frozenset[int] | None = None
        for word in words:
            out = self.containing(word) if out is None else out & self.containing(word)
        return frozenset(range(self.size)) if out is None else out
