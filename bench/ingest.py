"""Ingest throughput as a ratio to the raw embedder's throughput on the same texts, in the same run.

    .venv/bin/python bench/ingest.py [--meetings 12]

Uses real meeting transcripts from ../shared/data/qmsum-val written as `Speaker: text` files, ingests
them through the real pipeline (loader, chunking, dedupe check, embedding, Chroma add) into a fresh data
dir, then embeds exactly the same record texts with the bare embedder. One untimed warm-up round, then
``--rounds`` measured ones; the median ratio is reported. Target: ratio >= 0.85.
"""

from __future__ import annotations

import argparse
import json
import statistics
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


def one_round(paths: list[Path], data_dir: Path) -> tuple[int, float, float]:
    """(records, ingest seconds, raw-embedder seconds) with a fresh data dir."""
    svc = build_services(load_settings(data_dir=data_dir))
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
    return report.added, ingest_s, embed_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds after one untimed warm-up round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        paths = write_transcripts(root / "src", args.meetings)
        one_round(paths, root / "warm")  # first-use costs (ONNX arenas, page cache) land in no figure
        rounds = [one_round(paths, root / f"data{n}") for n in range(args.rounds)]

    print(f"files                 {len(paths)}")
    print(f"records               {rounds[0][0]}")
    for n, (records, ingest_s, embed_s) in enumerate(rounds, 1):
        print(f"round {n}: ingest {ingest_s:6.2f} s ({records / ingest_s:5.1f} rec/s), raw embedder {embed_s:6.2f} s "
              f"({records / embed_s:5.1f} rec/s), ratio {embed_s / ingest_s:.3f}")
    ratio = statistics.median(embed_s / ingest_s for _, ingest_s, embed_s in rounds)
    print(f"ratio (median)        {ratio:7.3f}  (target >= 0.85)")


if __name__ == "__main__":
    main()
