"""The optional LLM pass over an extractive draft: same evidence in, same model out, citations checked by
the LLM drafter; any failure returns the extractive draft with a notice saying why."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from relbot.analysis.text import is_instruction, split_sentences
from relbot.config import Settings
from relbot.drafting.citations import ClaimCheck
from relbot.drafting.facts import TEXT_FIELDS, FactCheck
from relbot.drafting.models import Brief, DraftBase
from relbot.errors import ConfigError, DraftingError
from relbot.models import Citation, Record, SearchHit

if TYPE_CHECKING:
    from relbot.drafting.context import DraftContext
    from relbot.drafting.llm import LlmDrafter

log = logging.getLogger(__name__)
D = TypeVar("D", bound=DraftBase)
MAX_RECORDS = 80  # evidence lines in one prompt: the records the draft cites, then the latest others
_drafters: dict[int, LlmDrafter] = {}
_lock = threading.Lock()


def _drafter(settings: Settings) -> LlmDrafter:
    from relbot.drafting.llm import LlmDrafter

    with _lock:  # one chat client per settings object: building it imports langchain (~2 s)
        if id(settings) not in _drafters:
            _drafters[id(settings)] = LlmDrafter(settings)
        return _drafters[id(settings)]


def _cited(model: Any) -> list[Citation]:
    """Every citation anywhere in a draft."""
    if isinstance(model, Citation):
        return [model]
    if isinstance(model, list):
        return [c for item in model for c in _cited(item)]
    if isinstance(model, BaseModel):
        return [c for name in type(model).model_fields for c in _cited(getattr(model, name))]
    return []


def _evidence(draft: DraftBase, records: Sequence[Record | SearchHit]) -> list[Record | SearchHit]:
    cited = {c.record_id for c in _cited(draft) if c.record_id}
    first = [r for r in records if r.id in cited]
    rest = sorted((r for r in records if r.id not in cited), key=lambda r: r.date or dt.date.min, reverse=True)
    return [_without_instructions(r) for r in [*first, *rest][:MAX_RECORDS]]


def _without_instructions(record: Record | SearchHit) -> Record | SearchHit:
    """Defence in depth: the prompt marks records as data, and lines addressed to a model are not sent at all."""
    if not is_instruction(record.text):
        return record
    kept = [s for line in record.text.splitlines() for s in [_clean_line(line)] if s]
    return record.model_copy(update={"text": "\n".join(kept)})


def _clean_line(line: str) -> str:
    if not is_instruction(line):
        return line
    return " ".join(s for s in split_sentences(line) if not is_instruction(s)) or "[instruction-like text removed]"


def _variables(names: Sequence[str], draft: DraftBase, evidence: list[Record | SearchHit], *, account: str,
               as_of: dt.date, ctx: DraftContext | None, extra: dict[str, str], knowledge_dir: Path
               ) -> dict[str, str]:
    from relbot.drafting.prompts import format_guidance, format_records
    from relbot.knowledge import load_sections

    sections = [c.section for c in _cited(draft) if c.section]
    guidance = [s for s in load_sections(knowledge_dir) if s.id in sections or not sections]
    as_json = draft.model_dump_json(exclude={"generated_by", "notice", "dropped_claims"})
    available = {
        "account": account,
        "as_of": as_of.isoformat(),
        "records": format_records(evidence),
        "playbook": format_guidance(guidance),
        "extractive_draft": as_json,
        "signals": as_json,  # the questions prompt reads relbot's findings: the extractive draft carries them
        "snapshot": draft.snapshot.model_dump_json() if isinstance(draft, Brief) else "{}",
        "previous_brief": json.dumps(ctx.previous, default=str) if ctx and ctx.previous else "none",
        "items": "\n".join(f"{i.id} | {i.label} | expectation-setting#{i.section} | knowledge/expectation-setting.md | "
                           f"{i.question}" for i in (ctx.items if ctx else ())),
        **extra,
    }
    return {name: available.get(name, "") for name in names}


def _facts_backed(evidence: Sequence[Record | SearchHit], account: str, ctx: DraftContext | None,
                  as_of: dt.date) -> ClaimCheck:
    """A model's claim stands only if every figure, date and name in it is in a record it cites: a model that
    invents "$48,000", "2026-12-15" or "Jordan Blake" loses that claim, counted with the uncited ones."""
    registry = [account, *([*ctx.account.aliases, ctx.account.client_contact or "", ctx.account.account_manager or ""]
                           if ctx else [])]
    check = FactCheck([_as_record(r) for r in evidence], registry=registry, as_of=as_of)

    def backed(claim: BaseModel, citations: list[Citation]) -> bool:
        fields = type(claim).model_fields
        text = next((str(getattr(claim, f)) for f in TEXT_FIELDS if f in fields and getattr(claim, f)), "")
        ids = [c.record_id for c in citations if c.record_id]
        return not check.violations(text, ids, [c.section for c in citations if c.section])

    return backed


def _as_record(item: Record | SearchHit) -> Record:
    if isinstance(item, Record):
        return item
    return Record(id=item.id, account=item.account, kind=item.kind, source=item.source, position=item.position,
                  text=item.text, date=item.date, author=item.author, title=item.title)


def refine(settings: Settings, draft: D, *, prompt: str, account: str, as_of: dt.date, knowledge_dir: Path,
           records: Sequence[Record | SearchHit], context: DraftContext | None = None,
           extra: dict[str, str] | None = None) -> D:
    """The LLM's version of ``draft``, or ``draft`` itself with a notice when the model is unavailable."""
    try:
        from relbot.drafting.prompts import load_prompt

        evidence = _evidence(draft, records)
        names = load_prompt(prompt, settings.prompts_dir).variables
        variables = _variables(names, draft, evidence, account=account, as_of=as_of, ctx=context, extra=extra or {},
                               knowledge_dir=knowledge_dir)
        known = {r.id: r.citation() for r in evidence}
        sections = {c.section for c in _cited(draft) if c.section}
        result, dropped = _drafter(settings).draft(
            type(draft), prompt_name=prompt, variables=variables, allowed_ids=set(known),
            allowed_sections=sections or None, known_citations=known,
            claim_ok=_facts_backed(evidence, account, context, as_of),
        )
    except (DraftingError, ConfigError) as exc:
        reason = getattr(exc, "reason", None) or str(exc).rstrip(".")  # LlmDraftError carries the short phrase
        log.warning("LLM %s draft unavailable, using the extractive draft: %s", prompt, reason)
        return draft.model_copy(update={
            "generated_by": "extractive",
            "notice": f"The language model was unavailable ({reason}); this is the offline draft.",
        })
    update: dict[str, Any] = {"account": account, "as_of": as_of, "generated_by": "llm", "dropped_claims": dropped}
    if isinstance(draft, Brief):
        update["snapshot"] = draft.snapshot  # computed from the registry and records, not drafted
    return result.model_copy(update=update)
