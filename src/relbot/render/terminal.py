"""Terminal rendering of the drafts (rich): one small function per draft type, every claim followed by its
compact citations, e.g. ``[email 2026-10-20 · emails/dashboard.mbox]``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from relbot.cli_support import print_json
from relbot.domain import Claim, Commitment, Concern
from relbot.drafting.models import Answer, Brief, Checklist, DraftBase, QuestionSet
from relbot.models import Citation
from relbot.services import Services

MAX_CITES = 2  # per claim; the rest are counted ("+3 more")
_STATUS = {"overdue": "red", "open": "yellow", "kept": "green", "documented": "green", "contradicted": "red",
           "missing": "yellow"}
_TREND = {"growing": "▲ growing", "new": "● new", "steady": "■ steady", "easing": "▼ easing"}


def _console() -> Console:
    # No wrapping by rich: the terminal wraps long lines itself, and piped output keeps each claim on one line.
    return Console(highlight=False, soft_wrap=True)


def cite(citation: Citation) -> str:
    if citation.section:
        return f"playbook {citation.section}"
    source = citation.source
    if source.startswith("slack-export://"):
        source = "Slack #" + source.removeprefix("slack-export://").split("/", 1)[0]
    else:
        source = "/".join(source.split("/")[-2:])
    kind = citation.kind.value if citation.kind else "record"
    return f"{kind} {citation.date or 'undated'} · {source}"


def cites(citations: Sequence[Citation], limit: int = MAX_CITES) -> str:
    shown = " ".join(f"[{escape(cite(c))}]" for c in citations[:limit])
    more = f" +{len(citations) - limit} more" if len(citations) > limit else ""
    return f"[dim]{escape(shown)}{more}[/dim]" if shown else ""


def _claim(console: Console, claim: Claim, bullet: str = "•") -> None:
    console.print(f"  {bullet} {escape(claim.text)} {cites(claim.citations)}")


def _heading(console: Console, title: str, items: Sequence[object], empty: str) -> bool:
    console.print(f"\n[bold]{title}[/bold]")
    if not items:
        console.print(f"  [dim]{empty}[/dim]")
    return bool(items)


def _header(console: Console, draft: DraftBase, title: str) -> None:
    by = "LLM draft" if draft.generated_by == "llm" else "offline draft"
    console.print(f"[bold]{escape(draft.account)}[/bold] — {title}, as of {draft.as_of}  [dim]({by})[/dim]")
    if draft.notice:
        console.print(f"[yellow]{escape(draft.notice)}[/yellow]")
    if draft.dropped_claims:
        console.print(f"[dim]{draft.dropped_claims} statement(s) dropped for lacking a valid citation.[/dim]")


def _snapshot(console: Console, brief: Brief) -> None:
    s = brief.snapshot
    console.print(f"{s.tier.value} · {s.stage.value} · {s.relationship_type.value}    "
                  f"client: {escape(s.client_contact or '—')}    agency: {escape(s.account_manager or '—')}")
    if s.last_contact:
        ago = f" ({s.days_since_contact} days ago)" if s.days_since_contact is not None else ""
        where = [s.last_contact_citation] if s.last_contact_citation else []
        console.print(f"Last contact {s.last_contact}{ago} {cites(where)}")
    console.print(f"\n[bold]Health {s.health.score}/100[/bold]")
    for f in s.health.factors:
        score = f"{f.points:>4g}/{f.max_points:<3g}"
        console.print(f"  {escape(f.name):18} {score} {escape(f.detail)} {cites(f.citations)}")


def _commitment(console: Console, c: Commitment) -> None:
    due = f", due {c.due}" if c.due else ", no date"
    extra = f"; delivered {c.fulfilled_on}" if c.fulfilled_on else (
        f"; chased or slipped on {c.chases} day(s)" if c.chases else "")
    color = _STATUS[c.status.value]
    proof = f"  [dim]{'kept' if c.fulfilled_on else 'chased'}[/dim] {cites(c.evidence, 1)}" if c.evidence else ""
    who = escape(c.owner or "owner unknown") + (f", asked by {escape(c.asked_by)}" if c.asked_by else "")
    status = f"[{color}]{c.status.value.upper():7}[/{color}]"
    promised = f"[dim]{'asked' if c.asked_by else 'promised'}[/dim] {cites(c.citations, 1)}"
    console.print(f"  {status} {escape(c.what)} — {who}{due}{extra}  {promised}{proof}")


def _concern(console: Console, concern: Concern) -> None:
    console.print(f"  [bold]{escape(concern.topic)}[/bold] — {_TREND[concern.trend.value]}")
    for mention in concern.mentions[-4:]:
        when = mention.citations[0].date if mention.citations else ""
        console.print(f"      {when}  {escape(mention.text)} {cites(mention.citations, 1)}")


def render_brief(brief: Brief, console: Console | None = None) -> None:
    console = console or _console()
    _header(console, brief, "account brief")
    _snapshot(console, brief)
    sections: list[tuple[str, Sequence[Claim], str]] = [
        ("Recent interactions", brief.recent_interactions, "No interactions on record."),
    ]
    for title, claims, empty in sections:
        if _heading(console, title, claims, empty):
            for claim in claims:
                _claim(console, claim)
    if _heading(console, "Commitments", brief.commitments, "No open or recent commitments found."):
        for commitment in brief.commitments:
            _commitment(console, commitment)
    if _heading(console, "Risks and concerns", brief.risks, "No concern raised lately."):
        for concern in brief.risks:
            _concern(console, concern)
    for title, claims, empty in (
        ("Decisions", brief.decisions, "No recent decisions on record."),
        ("Changes since the last brief", brief.changes_since_last_brief,
         "Nothing to compare with yet (first brief), or nothing changed."),
        ("Talking points", brief.talking_points, "Nothing pressing."),
    ):
        if _heading(console, title, claims, empty):
            for claim in claims:
                _claim(console, claim)
    if _heading(console, "People", brief.contacts, "No people found."):
        for p in brief.contacts[:10]:
            seen = f", last seen {p.last_seen}" if p.last_seen else ""
            role = f" — {escape(p.role)}" if p.role else ""
            console.print(f"  {p.side:6} {escape(p.name)}{role}{seen} {cites(p.citations, 1)}")


def render_questions(draft: QuestionSet, console: Console | None = None) -> None:
    console = console or _console()
    _header(console, draft, "feedback questions")
    for n, q in enumerate(draft.questions, 1):
        console.print(f"\n[bold]{n}. {escape(q.question)}[/bold]")
        guide = [q.playbook] if q.playbook else []
        console.print(f"   [dim]why:[/dim] {escape(q.why)} {cites(q.citations)} {cites(guide)}")


def render_checklist(draft: Checklist, console: Console | None = None) -> None:
    console = console or _console()
    _header(console, draft, "expectation checklist")
    for e in draft.entries:
        color = _STATUS[e.status.value]
        status = f"[{color}]{e.status.value.upper():12}[/{color}]"
        console.print(f"\n  {status} [bold]{escape(e.label)}[/bold] {cites([e.playbook])}")
        for claim in e.evidence:
            console.print(f"      {escape(claim.text)} {cites(claim.citations)}")
        if e.question:
            console.print(f"      [italic]Ask:[/italic] {escape(e.question)}")


def render_answer(draft: Answer, console: Console | None = None) -> None:
    console = console or _console()
    _header(console, draft, "answer")
    console.print(f"\n[bold]Q:[/bold] {escape(draft.question)}")
    if not draft.found:
        console.print(f"[yellow]{escape(draft.answer)}[/yellow]")
        return
    for claim in draft.claims or [Claim(text=draft.answer)]:
        _claim(console, claim, "›")


def render(draft: DraftBase) -> None:
    renderers = {Brief: render_brief, QuestionSet: render_questions, Checklist: render_checklist, Answer: render_answer}
    renderers[type(draft)](draft)  # type: ignore[operator]


def print_brief(svc: Services, account: str, *, as_of: dt.date, as_json: bool) -> None:
    """The offline brief for ``account`` (used by `relbot demo`)."""
    brief = svc.drafts.brief(account, as_of=as_of, use_llm=False)
    if as_json:
        print_json(brief.model_dump(mode="json"))
    else:
        render_brief(brief)
