"""The agency playbook in knowledge/: its sections (cited by id), checklist items and tier cadences."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from relbot.errors import ConfigError
from relbot.ingest.loaders.frontmatter import read_front_matter
from relbot.models import GuidanceSection, Tier
from relbot.resources import bundled_dir

_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*$", re.M)


def default_knowledge_dir() -> Path:
    """The bundled playbook (installed package or checkout); RELBOT_KNOWLEDGE_DIR replaces it (Services)."""
    return bundled_dir("knowledge")


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    section: str
    keywords: list[str]
    question: str


class Cadence(BaseModel):
    contact_days: dict[Tier, int]
    status_report_days: dict[Tier, int]


def slug(heading: str) -> str:
    """GitHub-style anchor: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


def _split(path: Path) -> tuple[dict[str, Any], str]:
    try:
        data, body = read_front_matter(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path}: its front matter is not valid YAML ({str(exc).splitlines()[0]}); fix it") from None
    return {str(k): v for k, v in (data or {}).items()}, body


def load_sections(knowledge_dir: Path) -> list[GuidanceSection]:
    sections: list[GuidanceSection] = []
    for path in sorted(knowledge_dir.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        _, body = _split(path)
        headings = list(_HEADING.finditer(body))
        topic = next((m.group(2) for m in headings if m.group(1) == "#"), path.stem)
        subs = [m for m in headings if m.group(1) == "##"]
        for index, match in enumerate(subs):
            end = subs[index + 1].start() if index + 1 < len(subs) else len(body)
            text = body[match.end() : end].strip()
            sections.append(
                GuidanceSection(
                    id=f"{path.stem}#{slug(match.group(2))}",
                    topic=topic,
                    heading=match.group(2),
                    text=text,
                    source=f"knowledge/{path.name}",
                )
            )
    return sections


@cache
def load_checklist(knowledge_dir: Path) -> tuple[ChecklistItem, ...]:
    path = knowledge_dir / "expectation-setting.md"
    if not path.is_file():
        raise ConfigError(f"The playbook file {path} is missing; the checklist is defined there.")
    data, _ = _split(path)
    return tuple(ChecklistItem.model_validate(item) for item in data.get("checklist", []))


@cache
def load_cadence(knowledge_dir: Path) -> Cadence:
    path = knowledge_dir / "customer-tiers.md"
    if not path.is_file():
        raise ConfigError(f"The playbook file {path} is missing; tier cadences are defined there.")
    data, _ = _split(path)
    return Cadence(contact_days=data["contact_cadence_days"], status_report_days=data["status_report_days"])
