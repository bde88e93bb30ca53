"""The retrieval choices the QMSum experiments settled on, pinned in small cases (docs/BENCHMARKS.md)."""

from __future__ import annotations

import datetime as dt

from relbot.ingest.chunking import chunk_items, embed_text, join_lines
from relbot.lexical import LexicalIndex, query_focus
from relbot.models import SourceItem, SourceKind
from relbot.retrieval import RetrievalOptions

DAY = dt.date(2026, 6, 1)


def test_question_frame_is_dropped_from_the_query() -> None:
    assert query_focus("What did Dana think of the media plan when discussing Q3?") == "Dana of the media plan when Q3?"
    assert query_focus("Summarise the discussion about the retainer.") == "the about the retainer."
    assert query_focus("What?") == "What?"  # nothing left: the question itself


def test_lexical_index_ranks_matches_only() -> None:
    index = LexicalIndex(["the retainer is 16,500 a month", "lunch was nice", "retainer review in December"])
    found = index.search("retainer review", 10)
    assert [i for i, _ in found] == [2, 0]
    assert index.search("unrelated words", 10) == []


def test_transcript_noise_is_not_embedded_but_still_shown() -> None:
    items = [SourceItem(text="Um the {vocalsound} budget is [laughter] fine", kind=SourceKind.TRANSCRIPT,
                        source="call.txt", position=0, date=DAY, author="Sam", thread="call.txt")]
    (record,) = chunk_items(items, account="A")
    assert record.text == "Sam: Um the {vocalsound} budget is [laughter] fine"
    assert embed_text(record) == "Sam: the budget is fine"


def test_a_turn_cut_in_pieces_reads_as_one_turn() -> None:
    joined = join_lines(["Sam: part one.", "Sam: part two.", "Priya: ok then."])
    assert joined == "Sam: part one. part two.\nPriya: ok then."


def test_conversations_get_more_context_after_a_hit_than_before(services) -> None:  # type: ignore[no-untyped-def]
    turns = [f"Filler turn number {n} about the weather and lunch plans." for n in range(10)]
    turns[3] = "The dashboard launch date moves to October 15."
    items = [
        SourceItem(text=t, kind=SourceKind.TRANSCRIPT, source="call.txt", position=i, date=DAY,
                   author="Sam" if i % 2 else "Priya", thread="call.txt")
        for i, t in enumerate(turns)
    ]
    services.state.ensure_account("Zeta")
    services.ingestor.store_records(chunk_items(items, account="Zeta", target_words=5))  # a record per turn
    (hit,) = services.retriever.search("Zeta", "when does the dashboard launch?", limit=1, as_of=DAY)
    assert "October 15" in hit.text
    shown = [n for n in range(10) if f"number {n} " in hit.text]
    assert shown == [2, 4, 5, 6, 7]  # one turn before the hit, four after
    assert RetrievalOptions().window(SourceKind.EMAIL) == (0, 0)
    assert RetrievalOptions().window(SourceKind.NOTE) == (1, 1)
