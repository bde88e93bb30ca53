"""Prompt templates for the LLM drafter: validated YAML files in prompts/, rendered into chat messages.

Templates own every delimiter (`<records>` … `</records>`); variable values are data and are neutralised so
that text inside a record can never close a block or open a new one.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol, TypedDict

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from relbot.errors import ConfigError
from relbot.models import GuidanceSection
from relbot.resources import bundled_dir

PROMPT_NAMES = ("brief", "questions", "checklist", "ask", "digest")
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_FORMATTER = string.Formatter()

# A tag-like sequence (`<records>`, `< /records >`, `<system>`): its angle brackets become look-alikes.
# A space may only precede a slash, so comparisons such as "a < b and c > d" are left alone.
_TAG = re.compile(r"<(\s*/\s*[A-Za-z][^<>]{0,200}|[A-Za-z!?][^<>]{0,200})>")
# Any leftover `<` that starts something tag-like but never closes (`</records` at the end of a text).
_OPEN = re.compile(r"<(?=\s*/\s*[A-Za-z]|[A-Za-z!?])")


class PromptError(ConfigError):
    """A prompt file is invalid, or a prompt was rendered with the wrong variables."""


class Message(TypedDict):
    role: Literal["system", "user"]
    content: str


class RecordLike(Protocol):
    """What a prompt needs from a retrieved record (`Record` and `SearchHit` both fit)."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> dt.date | None: ...
    @property
    def kind(self) -> object: ...
    @property
    def source(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def author(self) -> str | None: ...


def _placeholders(template: str) -> set[str]:
    """Names used as `{name}` in a template; anything fancier is refused so values stay plain text."""
    names: set[str] = set()
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:  # a lone `{` or `}`: literal braces must be doubled
        raise ValueError(f"unbalanced braces ({exc}); write literal braces as {{{{ and }}}}") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a plain {{name}} with no format spec")
        names.add(field)
    return names


class PromptTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    system: str
    user: str
    variables: list[str]

    @model_validator(mode="after")
    def _variables_match_placeholders(self) -> PromptTemplate:
        if len(set(self.variables)) != len(self.variables):
            raise ValueError("variables lists a name twice")
        used = _placeholders(self.system) | _placeholders(self.user)
        declared = set(self.variables)
        if used != declared:
            raise ValueError(
                f"variables must match the placeholders: undeclared {sorted(used - declared)}, "
                f"unused {sorted(declared - used)}"
            )
        return self

    def render(self, variables: Mapping[str, str]) -> list[Message]:
        """System and user messages with every variable filled in; the values are neutralised data."""
        given, declared = set(variables), set(self.variables)
        if given != declared:
            raise PromptError(
                f"Prompt '{self.name}' needs {sorted(declared)}: "
                f"missing {sorted(declared - given)}, unknown {sorted(given - declared)}."
            )
        # str.format inserts values verbatim and never re-reads them, so braces inside a value stay literal.
        values = {key: neutralise(str(value)) for key, value in variables.items()}
        return [
            {"role": "system", "content": self.system.format_map(values)},
            {"role": "user", "content": self.user.format_map(values)},
        ]


def neutralise(text: str) -> str:
    """Make delimiter-like sequences inert: `</records>` becomes `‹/records›`, which closes nothing."""
    return _OPEN.sub("‹", _TAG.sub(r"‹\1›", text))


def _one_line(text: str) -> str:
    # One record per line: a newline inside a record could otherwise start a forged `[id] …` line.
    return " ".join(text.split())


def format_records(records: Iterable[RecordLike]) -> str:
    """Evidence lines for the `records` variable: `[id] date kind source (author): text`."""
    lines = []
    for record in records:
        when = record.date.isoformat() if record.date else "undated"
        kind = getattr(record.kind, "value", record.kind)
        by = f" ({_one_line(record.author)})" if record.author else ""
        lines.append(f"[{record.id}] {when} {kind} {_one_line(record.source)}{by}: {_one_line(record.text)}")
    return "\n".join(lines) if lines else "(no records)"


def format_guidance(sections: Iterable[GuidanceSection]) -> str:
    """Playbook lines for the `playbook` variable: `[section-id] heading: text`; cite them by `section`."""
    lines = [f"[{s.id}] {_one_line(s.heading)}: {_one_line(s.text)}" for s in sections]
    return "\n".join(lines) if lines else "(no playbook sections)"


def default_prompts_dir() -> Path:
    """The bundled prompts (installed package or checkout); RELBOT_PROMPTS_DIR replaces them."""
    return bundled_dir("prompts")


def load_prompt(name: str, prompts_dir: Path | None = None) -> PromptTemplate:
    """The validated prompt `name` from `prompts_dir` (settings.prompts_dir) or the bundled prompts/."""
    return _load(name, (prompts_dir or default_prompts_dir()).resolve())


@lru_cache(maxsize=64)
def _load(name: str, directory: Path) -> PromptTemplate:
    if not _NAME.match(name):
        raise PromptError(f"'{name}' is not a prompt name (lowercase letters, digits, '-' and '_').")
    path = directory / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"No prompt file {path}; set RELBOT_PROMPTS_DIR to a folder with {name}.yaml.") from None
    except yaml.YAMLError as exc:
        raise PromptError(f"The prompt file {path} is not valid YAML: {exc}") from None
    try:
        template = PromptTemplate.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise PromptError(f"The prompt file {path} is invalid: {problems}") from None
    if template.name != name:
        raise PromptError(f"The prompt file {path} is named '{template.name}'; expected '{name}'.")
    return template
