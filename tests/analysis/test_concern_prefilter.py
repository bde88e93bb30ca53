"""The concern cue's word-stem shortcut must change no result: every sentence of the labelled training data
and of the demo workspace reads the same with and without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from relbot.analysis import sentiment as signals

REPO = Path(__file__).resolve().parents[2]


def _full_read(text: str) -> tuple[str, int, str] | None:
    if signals._NOT_A_CONCERN.search(text):
        return None
    best: tuple[str, int, str] | None = None
    for pattern, level, weight in signals._CONCERN_RE:
        for match in pattern.finditer(text):
            phrase = match.group(0).lower()
            if not phrase.startswith("not ") and signals.negated(text, match.start(), window=3):
                continue
            if best is None or weight > best[1]:
                best = (level, weight, phrase)
    return best


def test_the_stem_shortcut_changes_no_concern_reading() -> None:
    rows = (REPO / "data" / "training" / "email_sentences.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(row)["text"] for row in rows if row.strip()]
    for path in (REPO / "demo").rglob("*"):
        if path.is_file() and path.suffix in {".md", ".txt", ".mbox", ".srt", ".vtt", ".csv", ".json"}:
            texts += re.split(r"(?<=[.!?])\s+|\n", path.read_text(encoding="utf-8"))
    differ = [t for t in texts if signals.concern_cue(t) != _full_read(t)]
    assert len(texts) > 5000 and not differ, differ[:5]
