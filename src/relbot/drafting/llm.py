"""LLM drafter: any OpenAI-compatible server, structured output into the draft models, citations checked.

Every failure becomes a `DraftingError` whose message is short and safe to show ("timed out after 20 s");
the caller falls back to the extractive draft. Details go to the log at WARNING, never record text or keys.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, SecretStr, ValidationError

from relbot.config import Settings
from relbot.drafting.citations import ClaimCheck, check_citations
from relbot.drafting.prompts import load_prompt
from relbot.errors import ConfigError, DraftingError
from relbot.models import Citation

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable
    from langchain_openai import ChatOpenAI

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

# Fields the drafter owns, whatever the model put in them.
_CONTROL_FIELDS = {"generated_by": "llm", "notice": None, "dropped_claims": 0}
# A local server without authentication still needs some key: the openai client refuses to start without one.
_NO_KEY = SecretStr("unused")


class LlmDraftError(DraftingError):
    """A failed LLM draft; `reason` is the short phrase ("timed out after 20 s") for the fallback notice."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The LLM draft failed: {reason}.")


class LlmDrafter:
    """Drafts through `ChatOpenAI`; one chat model per drafter, one structured runnable per draft class."""

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_enabled:
            raise ConfigError("LLM drafting needs OPENAI_API_KEY or OPENAI_BASE_URL; unset, relbot drafts offline.")
        self._settings = settings
        self._lock = threading.Lock()
        self._chat: ChatOpenAI | None = None
        self._runnables: dict[type[BaseModel], Runnable[Any, Any]] = {}

    def draft(
        self,
        model_cls: type[T],
        *,
        prompt_name: str,
        variables: dict[str, str],
        allowed_ids: AbstractSet[str],
        allowed_sections: AbstractSet[str] | None = None,
        known_citations: Mapping[str, Citation] | None = None,
        claim_ok: ClaimCheck | None = None,
    ) -> tuple[T, int]:
        """The draft and how many of its claims were dropped for lacking a valid citation.

        `allowed_ids` are the ids of the records in the prompt; `allowed_sections` (optional) the playbook
        section ids; `known_citations` (optional) the true citation per record/section id, which replaces the
        model's copy. A bad prompt file or variables raise `PromptError` (a configuration bug, not a fallback).
        """
        messages = load_prompt(prompt_name, self._settings.prompts_dir).render(variables)
        runnable = self._structured(model_cls)
        started = time.monotonic()
        context = {"prompt": prompt_name, "draft": model_cls.__name__}
        try:
            result = runnable.invoke(messages)
        except Exception as exc:  # every failure falls back to extractive; the reason says which
            raise self._failure(_reason(exc, self._settings.llm_timeout_s), exc, context, started) from None
        parsed = self._parsed(model_cls, result, context, started)
        parsed = parsed.model_copy(update={k: v for k, v in _CONTROL_FIELDS.items() if k in model_cls.model_fields})
        try:
            checked, dropped = check_citations(
                parsed, allowed_ids, allowed_sections=allowed_sections, known=known_citations, claim_ok=claim_ok
            )
        except ValueError as exc:
            raise self._failure("no valid citations", exc, context, started) from None
        if dropped:
            log.info("LLM draft %s: dropped %d claim(s) without a valid citation or with a figure, date or name "
                     "their records do not state", model_cls.__name__, dropped)
        return checked, dropped

    def _parsed(self, model_cls: type[T], result: Any, context: dict[str, str], started: float) -> T:
        raw, parsed, error = result.get("raw"), result.get("parsed"), result.get("parsing_error")
        kwargs = getattr(raw, "additional_kwargs", {}) or {}
        finish = (getattr(raw, "response_metadata", {}) or {}).get("finish_reason")
        if kwargs.get("refusal") or finish == "content_filter":
            raise self._failure("the model refused", None, context, started)
        if isinstance(parsed, model_cls):
            return parsed
        reason = "output cut off (length limit)" if finish == "length" else "malformed output"
        # What came back instead, by shape only: the arguments themselves may quote records.
        if getattr(raw, "invalid_tool_calls", None):
            context = {**context, "output": "unparseable tool-call arguments"}
        elif not getattr(raw, "tool_calls", None):
            context = {**context, "output": "no tool call"}
        raise self._failure(reason, error, context, started)

    def _failure(
        self, reason: str, exc: BaseException | None, context: dict[str, str], started: float
    ) -> LlmDraftError:
        log.warning(
            "LLM draft failed: %s (prompt=%s draft=%s model=%s error=%s%s%s elapsed=%.1fs)",
            reason, context["prompt"], context["draft"], self._settings.llm_model,
            type(exc).__name__ if exc else "-", _details(exc),
            f" output={context['output']}" if "output" in context else "", time.monotonic() - started,
        )
        return LlmDraftError(reason)

    def _structured(self, model_cls: type[BaseModel]) -> Runnable[Any, Any]:
        with self._lock:
            runnable = self._runnables.get(model_cls)
            if runnable is None:
                # function_calling: a forced tool call is the structured-output mechanism most OpenAI-compatible
                # servers implement, and langchain parses its arguments inside the include_raw fallback, so bad
                # JSON or a schema mismatch comes back as parsing_error instead of an exception mid-call.
                runnable = self._chat_model().with_structured_output(
                    model_cls, method="function_calling", include_raw=True
                )
                self._runnables[model_cls] = runnable
            return runnable

    def _chat_model(self) -> ChatOpenAI:
        # Called under self._lock. Imported here: langchain_openai costs ~2 s, and most commands never draft.
        if self._chat is None:
            from langchain_openai import ChatOpenAI

            settings = self._settings
            try:
                self._chat = ChatOpenAI(
                    model=settings.llm_model,
                    base_url=settings.openai_base_url,
                    api_key=settings.openai_api_key or _NO_KEY,
                    timeout=settings.llm_timeout_s,  # ChatOpenAI waits forever by default
                    max_retries=settings.llm_max_retries,
                    use_responses_api=False,  # compatible servers implement chat completions, rarely Responses
                )
            except Exception as exc:  # a setting the client rejects: say which settings, not the values
                raise ConfigError(
                    f"Cannot set up the LLM client ({type(exc).__name__}); check OPENAI_BASE_URL and RELBOT_LLM_MODEL."
                ) from None
        return self._chat


def _reason(exc: BaseException, timeout_s: float) -> str:
    """A short, user-safe reason for a failed call."""
    import openai
    from langchain_core.exceptions import ContextOverflowError, OutputParserException

    if isinstance(exc, openai.APITimeoutError):  # before APIConnectionError, its base class
        return f"timed out after {timeout_s:g} s"
    if isinstance(exc, openai.APIConnectionError):
        return "could not reach the LLM server"
    if isinstance(exc, openai.RateLimitError):
        return "rate limited (429)"
    if isinstance(exc, openai.InternalServerError):
        return f"server error ({exc.status_code})"
    if isinstance(exc, openai.AuthenticationError):
        return "the API key was refused (401)"
    if isinstance(exc, ContextOverflowError):
        return "the prompt is too long for the model"
    if isinstance(exc, openai.APIStatusError):
        return f"request rejected ({exc.status_code})"
    if isinstance(exc, ValidationError | OutputParserException | ValueError):
        return "malformed output"
    if isinstance(exc, openai.APIResponseValidationError | TypeError | KeyError | IndexError | AttributeError):
        # Raised while reading a 200 reply that lacks the chat.completion shape (no choices, wrong types).
        return "malformed response from the server"
    return f"unexpected error ({type(exc).__name__})"


def _details(exc: BaseException | None) -> str:
    """Status, request id and validation locations: enough to debug, never the payload or record text."""
    if exc is None:
        return ""
    parts = []
    status = getattr(exc, "status_code", None)
    if status is not None:
        parts.append(f"status={status}")
    request_id = getattr(exc, "request_id", None)
    if request_id:
        parts.append(f"request_id={request_id}")
    if isinstance(exc, ValidationError):
        where = ",".join(".".join(map(str, e["loc"])) + ":" + e["type"] for e in exc.errors()[:5])
        parts.append(f"invalid={where}")
    return "".join(" " + part for part in parts)
