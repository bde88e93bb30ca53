"""`relbot eval briefs --labels FILE`: ingest each labelled account into a scratch data dir, draft its offline
brief and answer its questions as of the labelled day, and score them (relbot.eval.brief_scoring)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from relbot.config import load_settings
from relbot.eval.brief_labels import LabelledAccount, Labels
from relbot.eval.brief_scoring import AccountScore, overall, score
from relbot.services import Services, build_services

log = logging.getLogger(__name__)


class BriefReport(BaseModel):
    labels: str
    accounts: list[AccountScore]
    overall: AccountScore


def evaluate_account(labels: Labels, account: LabelledAccount, scratch: Path) -> AccountScore:
    drafts = labelled_workspace(labels, account, scratch).drafts
    brief = drafts.brief(account.name, as_of=account.as_of, use_llm=False, save_snapshot=False)
    answers = [drafts.ask(account.name, q.question, as_of=account.as_of, use_llm=False) for q in account.questions]
    return score(account, brief, answers)


def labelled_workspace(labels: Labels, account: LabelledAccount, scratch: Path) -> Services:
    """A scratch workspace holding one labelled account. Our side's domains come from the labels, as an
    operator sets RELBOT_AGENCY_DOMAINS; the client's as `relbot accounts add NAME --domains` would."""
    settings = load_settings(data_dir=scratch, models_dir_override=load_settings().models_dir,
                             agency_domains=account.our_domains, openai_api_key=None, openai_base_url=None)
    services = build_services(settings)
    folder = labels.root / account.folder
    report = services.ingestor.ingest_paths([folder], account=account.name, source_root=folder)
    if report.failed:
        log.warning("%d file(s) of %s failed to ingest", len(report.failed), account.name)
    stored = services.state.resolve_account(account.name)
    services.state.upsert_account(stored.model_copy(update={"domains": account.counterparty_domains}))
    return services


def evaluate(
    labels: Labels, scratch: Path, *, only: Sequence[str] = (), on_account: Callable[[str], None] | None = None
) -> BriefReport:
    chosen = [a for a in labels.accounts if not only or a.id in only or a.name in only]
    scores = []
    for account in chosen:
        if on_account:
            on_account(account.name)
        scores.append(evaluate_account(labels, account, scratch / account.id))
    return BriefReport(labels=str(labels.root), accounts=scores, overall=overall(scores))
