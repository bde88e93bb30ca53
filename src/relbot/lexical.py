"""Lexical (BM25) index over one account's records.

A small inverted index in numpy rather than a library: an account holds thousands of records, not
millions, and `relbot search` is a cold process, so importing scipy (which bm25s needs) cost more than
scoring ever does.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import snowballstemmer

from relbot.wordlists import SEARCH_STOP_WORDS

# Words for the analysis (topics, vocabulary, answer matching): Unicode letters and digits, so "Müller" is one
# word, not "m" and "ller"; an apostrophe's tail kept ("client's").
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# The most common English words (bm25s' list): BM25 already weighs common words down, and dropping all function
# words from the index lost on QMSum val (0.530 -> 0.505: "what"/"how" carry a question's intent).
_STOP = SEARCH_STOP_WORDS
K1 = 1.5
B = 0.75


# Stems by word. A vocabulary is small next to the words read (an account's 500 records hold ~45k words but a
# few thousand distinct ones), and stemming was a fifth of a brief's time before this memo.
_STEMS: dict[str, str] = {}
_STEMS_MAX = 200_000


def tokenize(text: str) -> list[str]:
    """The analysis's words: lower-cased, stop words dropped, ending-folded (``_fold_ending``)."""
    stems = _STEMS
    out = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        stem = stems.get(word)
        if stem is None:
            if len(stems) >= _STEMS_MAX:
                stems.clear()
            stem = stems[word] = _fold_ending(word)
        out.append(stem)
    return out


def _fold_ending(word: str) -> str:
    """Drops one -ing, -ed, -es or -s ending from a word of more than 3 letters besides it: "promised" and
    "promises" both become "promis" and "meetings" "meeting" — but "promise" stays "promise". The analysis was
    tuned with this fold; the search index uses a real stemmer (``index_terms``). Snowball here too was measured
    (it renamed concern topics and halved enron-dev's digest items): not kept."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# The index's words: Unicode letters and digits ("Müller", "Zoë" stay whole), an apostrophe's tail kept.
_INDEX_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_INDEX_TERMS: dict[str, str] = {}
_local = threading.local()  # a Snowball stemmer keeps state while it stems: one per thread


def _snowball(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def index_terms(text: str) -> list[str]:
    """What the BM25 index matches on: Snowball (Porter 2) English stems of the words, stop words left out,
    so "promise", "promised" and "promises" are one term, and "meetings" is "meeting"."""
    memo = _INDEX_TERMS
    out = []
    for word in _INDEX_WORD.findall(text.casefold().replace("’", "'")):
        if word in _STOP:
            continue
        term = memo.get(word)
        if term is None:
            if len(memo) >= _STEMS_MAX:
                memo.clear()
            term = memo[word] = _snowball(word)
        out.append(term)
    return out


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self._size = len(texts)
        docs = [Counter(index_terms(t)) for t in texts]
        lengths = np.array([sum(d.values()) for d in docs], dtype=np.float32)
        average = float(lengths.mean()) if self._size and lengths.mean() > 0 else 1.0
        norms = K1 * (1 - B + B * lengths / average)
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in doc.items():
                postings.setdefault(term, []).append((i, tf))
        # Each posting carries its final BM25 contribution, so a query is only a few numpy adds.
        self._postings: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]] = {}
        for term, entries in postings.items():
            ids = np.array([i for i, _ in entries], dtype=np.int64)
            tfs = np.array([tf for _, tf in entries], dtype=np.float32)
            idf = math.log(1 + (self._size - len(entries) + 0.5) / (len(entries) + 0.5))
            self._postings[term] = (ids, (idf * tfs / (tfs + norms[ids])).astype(np.float32))

    def search(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(position in the indexed texts, score) best first; only documents sharing a query term."""
        terms = [t for t in dict.fromkeys(index_terms(query)) if t in self._postings]
        if not terms or not self._size or limit <= 0:
            return []
        scores = np.zeros(self._size, dtype=np.float32)
        for term in terms:
            ids, weights = self._postings[term]
            scores[ids] += weights
        matched = np.flatnonzero(scores > 0)
        if len(matched) > limit:
            matched = matched[np.argpartition(-scores[matched], limit - 1)[:limit]]
        best = matched[np.lexsort((matched, -scores[matched]))]
        return [(int(i), float(scores[i])) for i in best]


# How people phrase a question about a conversation ("What did Dana think of...", "Summarise the
# discussion about..."): these words say what kind of answer is wanted, not what it is about, and in
# call transcripts they match every chunk where someone thinks, says or discusses anything.
_QUESTION_FRAME = re.compile(
    r"^\s*(?:(?:please\s+)?(?:summari[sz]e|describe|explain|tell\s+me|list)\b"
    r"|(?:what|why|how|who|when|where|which)(?:\s+(?:is|are|was|were|do|does|did|has|have|had|would|should"
    r"|could|can|will)\b)?)",
    re.IGNORECASE,
)
_ASKING_WORDS = re.compile(
    r"\b(?:think|thinks|thought|say|says|said|mention(?:s|ed)?|discuss(?:es|ed|ing)?|discussions?"
    r"|talk(?:s|ed|ing)?\s+about|opinions?|views?)\b",
    re.IGNORECASE,
)


def query_focus(query: str) -> str:
    """The part of a question that names its subject; the question itself when nothing is left."""
    focused = " ".join(_ASKING_WORDS.sub(" ", _QUESTION_FRAME.sub(" ", query)).split())
    return focused if _WORD.search(focused.lower()) else query
