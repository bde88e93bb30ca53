"""Rendering an EvalReport for a terminal: relbot and the baseline side by side, per domain."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from relbot.eval.runner import EvalReport


def print_report(report: EvalReport, console: Console | None = None) -> None:
    console = console or Console()
    names = list(report.systems)
    table = Table(title=f"Gold turns covered within {report.budget_words:,} retrieved words (QMSum)")
    table.add_column("domain")
    table.add_column("queries", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    if len(names) == 2:
        table.add_column(f"{names[0]} − {names[1]}", justify="right")
    rows = [("overall", report.queries, {n: s.overall for n, s in report.systems.items()})]
    rows += [
        (domain, count, {n: s.domains.get(domain, 0.0) for n, s in report.systems.items()})
        for domain, count in report.domains.items()
    ]
    for label, count, scores in rows:
        cells = [label, str(count), *(f"{scores[n]:.3f}" for n in names)]
        if len(names) == 2:
            cells.append(f"{scores[names[0]] - scores[names[1]]:+.3f}")
        table.add_row(*cells, style="bold" if label == "overall" else None)
    console.print(table)
    for name, score in report.systems.items():
        console.print(f"{name}: indexed in {score.index_seconds:.0f} s, searched in {score.search_seconds:.1f} s")
    console.print(f"{report.accounts} accounts, {report.queries} queries, {report.seconds:.0f} s in all")
