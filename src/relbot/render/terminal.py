"""Plain terminal rendering of an account brief (to be replaced by the full drafts)."""

from __future__ import annotations

import datetime as dt

from relbot.cli_support import print_json
from relbot.services import Services

SECTIONS = {
    "Recent interactions": "latest meeting call email update",
    "Commitments": "we will send deliver promise by date action",
    "Concerns": "worried concerned unhappy frustrated risk escalate",
}


def print_brief(svc: Services, account: str, *, as_of: dt.date, as_json: bool) -> None:
    found = {
        title: svc.retriever.search(account, query, limit=4, as_of=as_of) for title, query in SECTIONS.items()
    }
    if as_json:
        sections = {t: [h.model_dump(mode="json") for h in hits] for t, hits in found.items()}
        print_json({"account": account, "as_of": as_of, **sections})
        return
    print(f"Brief: {account} (as of {as_of})")
    for title, hits in found.items():
        print(f"\n{title}")
        for hit in hits:
            first = hit.text.splitlines()[0][:160]
            print(f"  - {first}  [{hit.kind.value} {hit.date} · {hit.source}]")
