"""Sentence detectors on hand-labelled real e-mail (data/training/email_sentences.jsonl, from enron-pool):
relbot's rules against a logistic regression over the MiniLM sentence vectors relbot already computes
(5-fold cross-validation grouped by message, so no thread is on both sides), and the two combined.

    .venv/bin/python -m bench.detectors [--no-classifier]

Prints precision / recall / F1 per detector for the labels `commitment`, `request` and `concern`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from relbot.analysis.commissives import commissive
from relbot.analysis.requests import request
from relbot.analysis.sentiment import concern_cue

DATA = Path(__file__).resolve().parent.parent / "data" / "training" / "email_sentences.jsonl"
Detector = Callable[[str], bool]


def _rules() -> dict[str, Detector]:
    return {
        "commitment": lambda t: (c := commissive(t)) is not None and not c.hedged,
        "request": lambda t: request(t) is not None,
        "concern": lambda t: concern_cue(t) is not None,
    }


def _prf(truth: Sequence[bool], guess: Sequence[bool]) -> tuple[float, float, float, int, int]:
    tp = sum(t and g for t, g in zip(truth, guess, strict=True))
    fp = sum(g and not t for t, g in zip(truth, guess, strict=True))
    fn = sum(t and not g for t, g in zip(truth, guess, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), tp + fp, tp + fn


def _classifier_scores(texts: list[str], labels: list[str], groups: list[str], wanted: str) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from relbot.config import load_settings
    from relbot.embeddings import OnnxMiniLM

    vectors = OnnxMiniLM(load_settings().models_dir).embed(texts)
    y = np.array([label == wanted for label in labels])
    scores = np.zeros(len(texts))
    for train, test in GroupKFold(n_splits=5).split(vectors, y, groups):
        model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(vectors[train], y[train])
        scores[test] = model.predict_proba(vectors[test])[:, 1]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-classifier", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    groups = [r["source"] for r in rows]
    print(f"{len(rows)} sentences from {len(set(groups))} messages")
    print(f"{'label':<11} {'detector':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'predicted':>9} {'true':>5}")
    for wanted, rule in _rules().items():
        truth = [label == wanted for label in labels]
        by_rule = [rule(t) for t in texts]
        results = {"rules": by_rule}
        if not args.no_classifier:
            scores = _classifier_scores(texts, labels, groups, wanted)
            results["classifier (p>=0.5)"] = list(scores >= 0.5)
            results["classifier (p>=0.8)"] = list(scores >= 0.8)
            results["rules and p>=0.3"] = [r and s >= 0.3 for r, s in zip(by_rule, scores, strict=True)]
        for name, guess in results.items():
            p, r, f1, predicted, true = _prf(truth, guess)
            print(f"{wanted:<11} {name:<22} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {predicted:>9} {true:>5}")


if __name__ == "__main__":
    main()
