"""Citation check for LLM drafts: every account claim must cite records that were actually retrieved.

The walk is generic over pydantic models, so a new draft model is checked without changes here:

- a *claim* is any model with a ``citations`` field (Claim, Commitment, Question, HealthFactor, Contact…);
  it is dropped when it has no valid citation at all, or when any citation of its own is invalid — a
  fabricated id is a sign the whole statement was made up, not just its reference;
- a citation is valid when its ``record_id`` is one of ``allowed_ids``, or, without a record id, when it names
  a playbook ``section`` (checked against ``allowed_sections`` when given);
- an invalid citation in an optional field of a non-claim (e.g. ``Snapshot.last_contact_citation``) is
  cleared; one in a required field takes its model with it;
- a list item whose own evidence list was emptied by drops (a Concern with no mentions left, a "documented"
  ChecklistEntry with no quote left) goes too, uncounted: its claims were counted already.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from relbot.models import Citation

M = TypeVar("M", bound=BaseModel)
# Whether a claim may stand on the citations it kept (e.g. every figure in it is in one of them).
ClaimCheck = Callable[[BaseModel, list[Citation]], bool]


class _Checker:
    def __init__(
        self, allowed_ids: AbstractSet[str], allowed_sections: AbstractSet[str] | None, known: Mapping[str, Citation],
        claim_ok: ClaimCheck | None = None,
    ) -> None:
        self.claim_ok = claim_ok
        self.allowed_ids = allowed_ids
        self.allowed_sections = allowed_sections
        self.known = known
        self.dropped = 0

    def citation(self, citation: Citation) -> Citation | None:
        """The citation to keep (canonical when known), or None when it points at nothing retrieved."""
        record_id = (citation.record_id or "").strip()
        section = (citation.section or "").strip()
        if record_id:
            if record_id not in self.allowed_ids:
                return None
            # A record citation is never also a playbook one; the record's own source/date beat the model's copy.
            return self.known.get(record_id) or citation.model_copy(update={"record_id": record_id, "section": None})
        if section:
            if self.allowed_sections is not None and section not in self.allowed_sections:
                return None
            return self.known.get(section) or citation.model_copy(update={"record_id": None, "section": section})
        return None

    def model(self, model: BaseModel, *, in_list: bool) -> dict[str, Any] | None:
        """Cleaned field values of `model`, or None when it must go."""
        fields = type(model).model_fields
        is_claim = "citations" in fields
        data: dict[str, Any] = {}
        own: list[Citation] = []  # the claim's own citations that passed
        failed = False  # the model's own citations are bad: counted as a dropped claim
        gone = False  # it lost something it cannot stand without: not counted again
        for name, info in fields.items():
            value = getattr(model, name)
            if isinstance(value, Citation):
                fixed = self.citation(value)
                if fixed is not None:
                    own.append(fixed)
                elif is_claim or info.is_required():
                    failed = True
                else:
                    self.dropped += 1
                data[name] = fixed
            elif isinstance(value, BaseModel):
                sub = self.model(value, in_list=False)
                gone = gone or (sub is None and info.is_required())
                data[name] = sub
            elif isinstance(value, list | tuple):
                kept: list[Any] = []
                for item in value:
                    if isinstance(item, Citation):
                        fixed = self.citation(item)
                        if fixed is not None:
                            own.append(fixed)
                            kept.append(fixed)
                        elif is_claim:
                            failed = True
                        else:
                            self.dropped += 1
                    elif isinstance(item, BaseModel):
                        sub = self.model(item, in_list=True)
                        if sub is not None:
                            kept.append(sub)
                    else:
                        kept.append(item)
                gone = gone or (in_list and bool(value) and not kept)
                data[name] = kept
            else:
                data[name] = value
        if is_claim and not own:
            failed = True
        if is_claim and not failed and self.claim_ok is not None and not self.claim_ok(model, own):
            failed = True
        if failed:
            self.dropped += 1
            return None
        return None if gone else data


def check_citations(
    draft: M,
    allowed_ids: AbstractSet[str],
    *,
    allowed_sections: AbstractSet[str] | None = None,
    known: Mapping[str, Citation] | None = None,
    claim_ok: ClaimCheck | None = None,
) -> tuple[M, int]:
    """A new, validated draft of the same class without the claims that fail the check, and how many went.

    `known` maps record ids (and playbook section ids) to their true citations: a kept citation is replaced
    by it, so the source and date shown are the store's, not the model's copy. `claim_ok` may refuse a claim on
    the citations it kept (drafting/facts.py: a figure none of them states). `dropped_claims` is set on the
    result when the model has that field.
    """
    checker = _Checker(allowed_ids, allowed_sections, known or {}, claim_ok)
    data = checker.model(draft, in_list=False)
    if data is None:
        raise ValueError("the draft cannot stand without the claims whose citations failed the check")
    if "dropped_claims" in type(draft).model_fields:
        data["dropped_claims"] = checker.dropped
    try:
        return type(draft).model_validate(data), checker.dropped
    except ValidationError as exc:
        # Only locations and error types: the values may be record text.
        where = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:5])
        raise ValueError(f"the draft is no longer valid after dropping uncited claims ({where})") from None
