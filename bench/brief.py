"""Brief latency with 50k records over 100 accounts, as a ratio to one filtered Chroma query in the same run.

    .venv/bin/python bench/brief.py [--accounts 100] [--per-account 500] [--samples 20]

The store is filled from the demo workspace: each bench account is a copy of a demo account's records
(texts suffixed so every id is new, dates kept) with the demo vectors reused, because embedding 50k
texts would take this 2-core machine most of an hour and tells nothing about brief latency.
Target: median extractive brief <= 20x the median filtered top-8 Chroma query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from relbot.config import load_settings
from relbot.demo import build_demo
from relbot.services import Services, build_services

AS_OF = dt.date(2026, 11, 23)


def fill(svc: Services, accounts: int, per_account: int) -> list[str]:
    demo = [a for a in svc.state.list_accounts()]
    sources = {}
    for account in demo:
        got = svc.store.records.get(where={"account": account.name}, include=["embeddings", "documents", "metadatas"])
        sources[account.name] = got
    names = []
    batch: dict[str, list[Any]] = {"ids": [], "embeddings": [], "documents": [], "metadatas": []}
    for i in range(accounts):
        template = demo[i % len(demo)]
        name = f"Bench {i:03d} {template.name}"
        names.append(name)
        svc.state.upsert_account(template.model_copy(update={"name": name, "aliases": [], "team": []}))
        got = sources[template.name]
        for k in range(per_account):
            j = k % len(got["ids"])
            batch["ids"].append(f"bench-{i}-{k}")
            batch["embeddings"].append(got["embeddings"][j])
            batch["documents"].append(f"{got['documents'][j]} (ref {k // len(got['ids'])})")
            batch["metadatas"].append({**got["metadatas"][j], "account": name, "position": k})
            if len(batch["ids"]) >= 5000:
                svc.store.records.upsert(**batch)
                batch = {key: [] for key in batch}
    if batch["ids"]:
        svc.store.records.upsert(**batch)
    return names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--per-account", type=int, default=500)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        svc = build_services(load_settings(data_dir=Path(tmp) / "data"))
        build_demo(svc)
        start = time.perf_counter()
        names = fill(svc, args.accounts, args.per_account)
        fill_s = time.perf_counter() - start
        total = svc.store.count_records()
        sample = random.Random(7).sample(names, min(args.samples, len(names)))

        vector = svc.embedder.embed(["what did we promise the client about the report"])[0]
        query_ms = []
        for name in sample:
            t = time.perf_counter()
            svc.store.records.query(query_embeddings=[vector], n_results=8, where={"account": name})
            query_ms.append((time.perf_counter() - t) * 1000)

        brief_ms = []
        for name in sample:  # first brief of each account: nothing cached for it yet
            t = time.perf_counter()
            svc.drafts.brief(name, as_of=AS_OF, use_llm=False, save_snapshot=False)
            brief_ms.append((time.perf_counter() - t) * 1000)
        warm_ms = []
        for name in sample[:5]:
            t = time.perf_counter()
            svc.drafts.brief(name, as_of=AS_OF, use_llm=False, save_snapshot=False)
            warm_ms.append((time.perf_counter() - t) * 1000)

    q, b, w = statistics.median(query_ms), statistics.median(brief_ms), statistics.median(warm_ms)
    print(f"records in store        {total} over {len(names)} bench accounts (+ demo), filled in {fill_s:.1f} s")
    print(f"filtered Chroma query   p50 {q:8.1f} ms")
    print(f"brief, first per acct   p50 {b:8.1f} ms   p95 {sorted(brief_ms)[int(0.95 * (len(brief_ms) - 1))]:8.1f} ms")
    print(f"brief, repeated         p50 {w:8.1f} ms")
    print(f"ratio (first brief / query)  {b / q:6.1f}x  (target <= 20x)")


if __name__ == "__main__":
    main()
