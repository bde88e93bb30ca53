"""The client's own signs of satisfaction ("really pleased", "landed really well"), newest last."""

from __future__ import annotations

import datetime as dt

from relbot.analysis.people import People
from relbot.analysis.sentiment import satisfied
from relbot.analysis.text import Sentence, all_sentences
from relbot.models import Record


def praise(records: list[Record], people: People, as_of: dt.date) -> list[Sentence]:
    """Sentences where the client says, or is reported to say, that they are pleased."""
    clients = [n for n in people.names() if people.side(n) == "client"]
    found = []
    for s in all_sentences(r for r in records if r.date and r.date <= as_of):
        if not satisfied(s):
            continue
        if people.side(s.speaker) == "client" or any(n.split()[0] in s.text for n in clients):
            found.append(s)
    return sorted(found, key=lambda s: s.record.date or dt.date.min)
