"""Retrieval: account scoping inside the store query, hybrid fusion, recency, context windows."""

from __future__ import annotations

import datetime as dt

from relbot.ingest.chunking import chunk_items
from relbot.models import SourceItem, SourceKind
from relbot.retrieval import RetrievalOptions, Retriever

DAY = dt.date(2026, 6, 1)


def _note(text: str, source: str, position: int = 0, date: dt.date = DAY) -> SourceItem:
    return SourceItem(text=text, kind=SourceKind.NOTE, source=source, position=position, date=date, thread=source)


def _store(services, account: str, items: list[SourceItem]) -> None:
    services.state.ensure_account(account)
    services.ingestor.store_records(chunk_items(items, account=account))


def test_query_for_one_account_never_returns_another(services) -> None:
    _store(services, "Alpha Co", [_note("Weekly sync about the website footer colours.", "a1.md")])
    _store(services, "Beta Co", [
        _note("The client is furious about the invoice dispute and threatens to cancel.", f"b{i}.md")
        for i in range(5)
    ])
    hits = services.retriever.search("Alpha Co", "client furious invoice dispute cancel", limit=10)
    assert hits, "the only Alpha record should still be returned"
    assert {h.account for h in hits} == {"Alpha Co"}
    assert all("footer" in h.text for h in hits)


# A labelled set where each half fails somewhere: exact identifiers defeat the dense half,
# paraphrases with no shared words defeat the lexical half.
CORPUS = {
    "po": "Finance confirmed purchase order PO-4471 covers the October retainer.",
    "kestrel": "Project Kestrel kickoff moved to the second week of July.",
    "sku": "The SKU list for the feed is in sheet tab QX-17; Dana owns it.",
    "worry": "Priya said she is anxious that leads have become far too expensive lately.",
    "holiday": "They want the festive season campaign to feel warmer and more family oriented.",
    "approve": "Legal must sign off every ad before it goes live; allow three working days.",
    "report": "We agreed to send a status report every Friday afternoon.",
    "site": "The new homepage hero image tested well with returning visitors.",
    "budget": "Budget for Q4 media is capped at 120k with a 10 percent contingency.",
    "contact": "From October, Priya replaces Dana as the day-to-day contact.",
    "offsite": "Team lunch after the workshop was a nice touch; the client enjoyed it.",
    "churn": "Subscriber churn rose to 4.1 percent in September.",
}
QUERIES = {
    "PO-4471": "po",
    "Kestrel kickoff date": "kestrel",
    "QX-17": "sku",
    "client concerned cost per lead rising": "worry",
    "christmas campaign tone": "holiday",
    "who needs to approve creative and how long": "approve",
    "how often do we send updates": "report",
    "spending limit for ads this quarter": "budget",
    "who is our main person at the client now": "contact",
    "customers cancelling subscriptions": "churn",
}


def _mrr(retriever: Retriever) -> float:
    total = 0.0
    for query, key in QUERIES.items():
        hits = retriever.search("Gamma", query, limit=5, as_of=DAY)
        ranks = [i for i, h in enumerate(hits, 1) if CORPUS[key] in h.text]
        total += 1.0 / ranks[0] if ranks else 0.0
    return total / len(QUERIES)


def test_hybrid_beats_each_half(services) -> None:
    _store(services, "Gamma", [_note(text, f"{key}.md") for key, text in CORPUS.items()])
    store, embedder = services.store, services.embedder
    no_context = {"context": 0, "recency_weight": 0.0}
    hybrid = _mrr(Retriever(store, embedder, RetrievalOptions(**no_context)))
    dense = _mrr(Retriever(store, embedder, RetrievalOptions(lexical_weight=0.0, **no_context)))
    lexical = _mrr(Retriever(store, embedder, RetrievalOptions(dense_weight=0.0, **no_context)))
    assert hybrid > dense
    assert hybrid > lexical


def test_recent_record_wins_a_tie(services) -> None:
    text = "Status call: the client asked for the revised media plan."
    _store(services, "Delta", [
        _note(text, "old.md", date=dt.date(2026, 1, 5)),
        _note(text + " ", "new.md", date=dt.date(2026, 11, 1)),
    ])
    hits = services.retriever.search("Delta", "revised media plan", limit=2, as_of=dt.date(2026, 11, 23))
    assert [h.date for h in hits] == [dt.date(2026, 11, 1), dt.date(2026, 1, 5)]


def test_transcript_hit_carries_neighbouring_turns(services) -> None:
    turns = [
        ("Sam", "Let's start with the dashboard status. " + "Some filler words here. " * 30),
        ("Priya", "When exactly will the dashboard land? " + "We need it for the board. " * 30),
        ("Sam", "You will have the dashboard by October 15, that's a promise. " + "Noted and agreed. " * 30),
        ("Priya", "Fine. Next topic is the newsletter redesign. " + "More talk about layout. " * 30),
    ]
    items = [
        SourceItem(text=t, kind=SourceKind.TRANSCRIPT, source="call.vtt", position=i, date=DAY, author=a,
                   thread="call.vtt")
        for i, (a, t) in enumerate(turns)
    ]
    _store(services, "Epsilon", items)
    hits = services.retriever.search("Epsilon", "promise dashboard October 15", limit=1)
    assert "by October 15" in hits[0].text
    assert "When exactly will the dashboard land?" in hits[0].text  # the turn before, as context
    assert hits[0].text.count("Sam:") >= 1 and "Priya:" in hits[0].text


def test_unknown_account_lists_closest_names(services) -> None:
    import pytest

    from relbot.errors import UnknownAccountError

    services.state.ensure_account("Lumen Health")
    services.state.ensure_account("Harbor Foods")
    with pytest.raises(UnknownAccountError) as err:
        services.state.resolve_account("lumen helth")
    assert err.value.suggestions == ["Lumen Health"]
    assert "Did you mean: Lumen Health" in str(err.value)
