"""The terminal report of `relbot eval briefs`."""

from __future__ import annotations

from relbot.eval.brief_eval import BriefReport
from relbot.eval.brief_scoring import METRICS, AccountScore, Tally


def _cell(tally: Tally) -> str:
    return f"{tally.found}/{tally.total}" + (f" {tally.rate:.2f}" if tally.rate is not None else "")


def _row(score: AccountScore) -> str:
    return f"{score.account[:24]:<24} " + " ".join(f"{_cell(getattr(score, m)):>12}" for m in METRICS)


def print_brief_report(report: BriefReport) -> None:
    heads = ("commit rec", "commit prec", "concerns", "people", "sides", "last contact", "ask")
    print(f"{'account':<24} " + " ".join(f"{h:>12}" for h in heads))
    for score in report.accounts:
        print(_row(score))
    print(_row(report.overall))
    for score in report.accounts:
        for kind, items in score.missed.items():
            print(f"  {score.account}: missed {kind}: {', '.join(items)}")
        for line in score.false_positives:
            print(f"  {score.account}: false positive: {line[:140]}")
        for line in score.wrong_sides:
            print(f"  {score.account}: wrong side: {line}")
