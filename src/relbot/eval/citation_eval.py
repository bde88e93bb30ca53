"""`relbot eval citations`: citation precision of every account's drafts and digest entry, beside a random-citation
control."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from pydantic import BaseModel

from relbot.digest.content import build_digest
from relbot.digest.models import AccountDigest
from relbot.digest.weeks import IsoWeek
from relbot.drafting.facts import FactCheck
from relbot.eval.citation_support import (
    SUPPORT_AT_LEAST,
    CitedLine,
    Judgement,
    SupportJudge,
    cited_lines,
    precision,
)
from relbot.knowledge import load_sections
from relbot.services import Services


class Unsupported(BaseModel):
    account: str
    section: str
    line: str
    record_id: str
    support: float


class FactViolation(BaseModel):
    account: str
    section: str
    line: str
    fact: str
    kind: str  # money, percent, number, date, name


class CitationReport(BaseModel):
    accounts: int
    lines: int
    citations: int
    threshold: float = SUPPORT_AT_LEAST
    precision: float  # share of (line, cited record) pairs where the record supports the line
    control: float  # the same with each citation swapped for a random record of the account
    by_section: dict[str, tuple[int, float]]  # section -> (citations, precision)
    unsupported: list[Unsupported]
    # Figures, dates and names a line states that none of its cited records (nor the registry) does.
    fact_violations: list[FactViolation] = []

    @property
    def facts_by_section(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for v in self.fact_violations:
            counts[v.section] += 1
        return dict(sorted(counts.items()))


def _digest_lines(entry: AccountDigest) -> list[CitedLine]:
    lines = [replace(line, section=f"digest_{line.section}") for line in cited_lines(entry)]
    ids = tuple(c.record_id for c in entry.summary_citations if c.record_id)
    # A quiet account's one line joins separate facts with " · ", each backed by its own citation.
    summary = CitedLine("digest_summary", entry.summary.replace(" · ", "; "), ids)
    return [*lines, summary] if ids else lines


# What account teams ask most (the agent view's suggested prompts among them): their answers are checked too.
ASKED = ("What was decided at the last meeting?", "What did the client say about the budget?",
         "What did the client say about reporting and results?")


def measure(services: Services, accounts: Sequence[str], *, as_of: dt.date, use_llm: bool = False) -> CitationReport:
    """Every account of one workspace, as of one day."""
    return measure_parts([(services, account, as_of, ASKED) for account in accounts], use_llm=use_llm)


def measure_parts(parts: Sequence[tuple[Services, str, dt.date, Sequence[str]]], *,
                  use_llm: bool = False) -> CitationReport:
    """Each (workspace, account, day, questions asked): a labelled corpus puts each account in its own
    workspace and day, with its labelled questions."""
    judged: list[tuple[str, Judgement]] = []
    control: list[Judgement] = []
    violations: list[FactViolation] = []
    lines = 0
    digests: dict[tuple[int, dt.date], dict[str, AccountDigest]] = {}
    for services, account, as_of, asked in parts:
        playbook = load_sections(services.knowledge_dir)
        key = (id(services), as_of)
        if key not in digests:
            built = build_digest(services, recipient=None, week=IsoWeek.of(as_of), today=as_of, use_llm=use_llm)
            digests[key] = {d.account: d for d in built.accounts}
        records = services.store.account_records(account)
        judge = SupportJudge(records, playbook)
        facts = FactCheck(records, registry=_registry(services, account), as_of=as_of,
                          playbook={p.id: f"{p.heading} {p.text}" for p in playbook})
        found = [
            line
            for draft in (
                services.drafts.brief(account, as_of=as_of, use_llm=use_llm, save_snapshot=False),
                services.drafts.questions(account, as_of=as_of, use_llm=use_llm),
                services.drafts.checklist(account, as_of=as_of, use_llm=use_llm),
            )
            for line in cited_lines(draft)
        ]
        for question in asked:
            answer = services.drafts.ask(account, question, as_of=as_of, use_llm=use_llm)
            found += [replace(line, section="answers") for line in cited_lines(answer)]
        if account in digests[key]:
            found += _digest_lines(digests[key][account])
        lines += len(found)
        violations += [FactViolation(account=account, section=line.section, line=line.text, fact=f.text, kind=f.kind)
                       for line in found for f in facts.violations(line.text, line.record_ids, line.playbook)]
        judged.extend((account, j) for j in judge.judge(found))
        control.extend(judge.control(found))
    sections: dict[str, list[Judgement]] = defaultdict(list)
    for _, j in judged:
        sections[j.line.section].append(j)
    return CitationReport(
        accounts=len(parts),
        lines=lines,
        citations=len(judged),
        precision=round(precision([j for _, j in judged]), 3),
        control=round(precision(control), 3),
        by_section={s: (len(js), round(precision(js), 3)) for s, js in sorted(sections.items())},
        unsupported=[
            Unsupported(account=a, section=j.line.section, line=j.line.text, record_id=j.record_id,
                        support=round(j.support, 2))
            for a, j in judged
            if not j.supported
        ],
        fact_violations=violations,
    )


def _registry(services: Services, account: str) -> list[str]:
    found = services.state.resolve_account(account)
    return [found.name, *found.aliases, found.client_contact or "", found.account_manager or ""]
