"""Ingest throughput as a ratio to the raw embedder's throughput on the same texts, in the same run.

    .venv/bin/python bench/ingest.py [--meetings 12]

Uses real meeting transcripts from ../shared/data/qmsum-val written as `Speaker: text` files, ingests
them through the real pipeline (loader, chunking, dedupe check, embedding, Chroma add) into a fresh data
dir, then embeds exactly the same record texts with the bare embedder. Target: ratio >= 0.85.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from relbot.config import load_settings
from relbot.ingest.chunking import embed_text
from relbot.services import build_services

QMSUM = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "qmsum-val"


def write_transcripts(folder: Path, count: int) -> list[Path]:
    paths = []
    for source in sorted(QMSUM.glob("*.json"))[:count]:
        turns = json.loads(source.read_text())["meeting_transcripts"]
        path = folder / f"{source.stem}.txt"
        path.write_text("\n".join(f"{t['speaker']}: {t['content']}" for t in turns) + "\n")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        paths = write_transcripts(root / "src", args.meetings)
        svc = build_services(load_settings(data_dir=root / "data"))
        svc.embedder.embed(["warm up the session"])
        svc.store.count_records()  # open Chroma before the clock starts, as a running server would

        start = time.perf_counter()
        report = svc.ingestor.ingest_paths(paths, account="Bench")
        ingest_s = time.perf_counter() - start
        assert report.ok, report.failed

        texts = [embed_text(r) for r in svc.store.account_records("Bench")]
        start = time.perf_counter()
        svc.embedder.embed(texts)
        embed_s = time.perf_counter() - start

    records = report.added
    ingest_rate, embed_rate = records / ingest_s, len(texts) / embed_s
    print(f"files                 {len(paths)}")
    print(f"records               {records}")
    print(f"ingest (end to end)   {ingest_s:7.2f} s  {ingest_rate:7.1f} records/s")
    print(f"raw embedder          {embed_s:7.2f} s  {embed_rate:7.1f} records/s")
    print(f"ratio                 {ingest_rate / embed_rate:7.3f}  (target >= 0.85)")


if __name__ == "__main__":
    main()
