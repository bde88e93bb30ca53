"""Real-correspondence gate: offline briefs of five enron-dev accounts (54 real messages) scored against their
hand labels by `relbot eval briefs`. Each floor is one item under what was measured when it was set
(docs/BENCHMARKS.md), so a change that loses a commitment, a concern, a person or an answer more than that
fails here; a change that finds more should raise them."""

from __future__ import annotations

from pathlib import Path

import pytest

from relbot.eval.brief_eval import BriefReport

ENRON_DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "enron-dev"
SUBSET = ("carr-futures", "superior-natural-gas", "vitol", "transalta", "quadra-energy")
# Measured on the subset: commitments 13/18 found at 17/17 precision, concerns 9/14, people 35/38 with every
# side right, last contact 5/5, the answer phrase shown for 20 of 23 questions.
PRECISION_AT_LEAST = 0.85  # measured 17/17 on the subset
FLOORS = {"commitment_recall": 12, "commitment_precision": 16, "concern_recall": 8, "people_recall": 34,
          "side_accuracy": 34, "last_contact": 5, "ask": 19}


@pytest.fixture(scope="module")
def report(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BriefReport:
    if not (ENRON_DEV / "labels.yaml").is_file():
        pytest.skip("../shared/data/enron-dev is not beside the repo")
    from relbot.eval.brief_eval import evaluate
    from relbot.eval.brief_labels import load_labels

    with pytest.MonkeyPatch.context() as mp:
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RELBOT_CHROMA_URL"):
            mp.delenv(name, raising=False)
        mp.setenv("RELBOT_MODELS_DIR", str(models_dir))
        return evaluate(load_labels(ENRON_DEV / "labels.yaml"), tmp_path_factory.mktemp("briefs"), only=SUBSET)


@pytest.mark.slow
@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_briefs_of_real_mail_hold_their_measured_floor(report: BriefReport, metric: str) -> None:
    tally = getattr(report.overall, metric)
    assert tally.found >= FLOORS[metric], (metric, tally, [a.missed for a in report.accounts])


@pytest.mark.slow
def test_most_commitments_the_brief_lists_are_labelled_ones(report: BriefReport) -> None:
    precision = report.overall.commitment_precision
    misses = [a.false_positives for a in report.accounts]
    assert precision.rate is not None and precision.rate >= PRECISION_AT_LEAST, misses


@pytest.mark.slow
def test_every_side_the_brief_states_is_right(report: BriefReport) -> None:
    assert report.overall.side_accuracy.found == report.overall.side_accuracy.total, \
        [s for a in report.accounts for s in a.wrong_sides]


def test_a_missing_or_malformed_labels_file_is_a_specific_error(tmp_path: Path) -> None:
    from relbot.eval.brief_labels import LabelsError, load_labels

    with pytest.raises(LabelsError, match="No labels file"):
        load_labels(tmp_path / "labels.yaml")
    bad = tmp_path / "labels.yaml"
    bad.write_text("version: 1\naccounts:\n- id: x\n  name: X\n", encoding="utf-8")
    with pytest.raises(LabelsError, match=r"does not follow the labels schema: accounts\.0\.folder"):
        load_labels(bad)
