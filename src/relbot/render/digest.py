"""The weekly digest in the terminal: exceptions first with their cited reasons, quiet accounts one line each."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from relbot.digest.models import AccountDigest, Digest, Severity
from relbot.render.terminal import cites

_MARK = {Severity.ATTENTION: "[red]![/red]", Severity.WATCH: "[yellow]·[/yellow]"}


def render_digest(digest: Digest, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    who = f"for {digest.recipient}" if digest.recipient else "all accounts"
    by = "with an LLM summary" if digest.generated_by == "llm" else "offline"
    console.print(f"[bold]Weekly digest {digest.week}[/bold] ({digest.week_start} – {digest.week_end}) · {who} · "
                  f"as of {digest.as_of}, compared with {digest.compared_with}  [dim]({by})[/dim]")
    if digest.notice:
        console.print(f"[yellow]{escape(digest.notice)}[/yellow]")
    if digest.feedback:
        console.print(escape(_feedback_line(digest)))
    if digest.narrative:
        console.print("\n[bold]Summary[/bold]")
        for line in digest.narrative:
            console.print(f"  • {escape(line.account)}: {escape(line.text)} {cites(line.citations)}")
        if digest.dropped_claims:
            console.print(f"  [dim]{digest.dropped_claims} line(s) dropped for lacking a valid citation.[/dim]")
    console.print(f"\n[bold]Needs attention ({len(digest.exceptions)})[/bold]")
    if not digest.exceptions:
        console.print("  [dim]Nothing needs attention this week.[/dim]")
    for rank, account in enumerate(digest.exceptions, 1):
        _exception(console, rank, account)
    console.print(f"\n[bold]Quiet ({len(digest.quiet)})[/bold]")
    if not digest.accounts:
        console.print("  [dim]No accounts visible to this recipient.[/dim]")
    for account in digest.quiet:
        console.print(f"  {escape(account.account)} — {escape(account.summary)} {cites(account.summary_citations, 1)}")


def _feedback_line(d: Digest) -> str:
    """ "Feedback this week: 12 up, 3 down (2 on answers, 1 on briefs) · 2 reasons: relbot feedback …" """
    f = d.feedback
    if f is None:
        return ""
    line = f"Feedback this week: {f.up} up, {f.down} down"
    on = f.down_on()
    if on:
        line += f" ({', '.join(on)})"
    if f.reasons:
        line += f" · {f.reasons} reason{'s' * (f.reasons != 1)}: relbot feedback --since {d.week_start}"
    return line


def _exception(console: Console, rank: int, a: AccountDigest) -> None:
    delta = a.health - a.health_week_before
    moved = f" ({delta:+d} this week)" if delta else ""
    console.print(f"\n {rank}. [bold]{escape(a.account)}[/bold] — {a.tier.value} · {a.stage.value} · "
                  f"health {a.health}{moved}")
    for item in a.items:
        console.print(f"    {_MARK[item.severity]} {escape(item.text)} {cites(item.citations, 3)}")
