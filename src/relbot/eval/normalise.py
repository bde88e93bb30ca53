"""The one text normalisation every score uses, for relbot and the baseline alike.

Transcripts carry annotation marks (``{vocalsound}``, ``{disfmarker}``) and systems may re-punctuate
or re-space text, so passages and gold turns are compared as lower-case word sequences without marks
or punctuation. Budgets are counted in the same words, so a mark costs nothing and a speaker label
costs what it costs a reader.
"""

from __future__ import annotations

import re

_MARK = re.compile(r"\{[^{}]*\}")
_NON_WORD = re.compile(r"[^\w\s]|_")


def normal_words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", _MARK.sub(" ", text.lower())).split()


def normalise(text: str) -> str:
    return " ".join(normal_words(text))
