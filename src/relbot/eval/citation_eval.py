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


class CitationReport(BaseModel):
    accounts: int
    lines: int
    citations: int
    threshold: float = SUPPORT_AT_LEAST
    precision: float  # share of (line, cited record) pairs where the record supports the line
    control: float  # the same with each citation swapped for a random record of the account
    by_section: dict[str, tuple[int, float]]  # section -> (citations, precision)
    unsupported: list[Unsupported]


def _digest_lines(entry: AccountDigest) -> list[CitedLine]:
    lines = [replace(line, section=f"digest_{line.section}") for line in cited_lines(entry)]
    ids = tuple(c.record_id for c in entry.summary_citations if c.record_id)
    # A quiet account's one line joins separate facts with " · ", each backed by its own citation.
    summary = CitedLine("digest_summary", entry.summary.replace(" · ", "; "), ids)
    return [*lines, summary] if ids else lines


def measure(services: Services, accounts: Sequence[str], *, as_of: dt.date, use_llm: bool = False) -> CitationReport:
    playbook = load_sections(services.knowledge_dir)
    judged: list[tuple[str, Judgement]] = []
    control: list[Judgement] = []
    lines = 0
    digest = {d.account: d for d in build_digest(services, recipient=None, week=IsoWeek.of(as_of), today=as_of,
                                                  use_llm=use_llm).accounts}
    for account in accounts:
        judge = SupportJudge(services.store.account_records(account), playbook)
        found = [
            line
            for draft in (
                services.drafts.brief(account, as_of=as_of, use_llm=use_llm),
                services.drafts.questions(account, as_of=as_of, use_llm=use_llm),
                services.drafts.checklist(account, as_of=as_of, use_llm=use_llm),
            )
            for line in cited_lines(draft)
        ]
        if account in digest:
            found += _digest_lines(digest[account])
        lines += len(found)
        judged.extend((account, j) for j in judge.judge(found))
        control.extend(judge.control(found))
    sections: dict[str, list[Judgement]] = defaultdict(list)
    for _, j in judged:
        sections[j.line.section].append(j)
    return CitationReport(
        accounts=len(accounts),
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
    )
