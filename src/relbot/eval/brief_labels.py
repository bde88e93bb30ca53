"""Hand labels of real correspondence (the schema of ../shared/data/enron-dev/labels.yaml): what a brief of each
labelled account should contain. Unknown keys are allowed (labellers add notes); the fields scored are typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from relbot.errors import RelbotError


class LabelsError(RelbotError):
    """The labels file is missing or does not follow the schema."""


class LabelledItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    message: str | None = None
    messages: list[str] = Field(default_factory=list)
    key_words: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_list(self) -> LabelledItem:
        if self.message and self.message not in self.messages:
            self.messages = [self.message, *self.messages]
        if not self.messages:
            raise ValueError("an item needs `message` or `messages`")
        self.key_words = [str(k).lower() for k in self.key_words]
        return self


class LabelledCommitment(LabelledItem):
    id: str
    owner: str | None = None
    side: str | None = None
    what: str = ""


class LabelledConcern(LabelledItem):
    id: str
    what: str = ""


class LabelledPerson(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    aliases: list[str] = Field(default_factory=list)
    side: str  # ours | client | third-party
    core: bool = True


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    question: str
    answer: str
    message: str


class LabelledAccount(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    folder: str
    our_domains: list[str] = Field(default_factory=list)
    counterparty_domains: list[str] = Field(default_factory=list)
    last_contact: dt.date
    as_of: dt.date
    commitments: list[LabelledCommitment] = Field(default_factory=list)
    acceptable: list[LabelledItem] = Field(default_factory=list)
    concerns: list[LabelledConcern] = Field(default_factory=list)
    acceptable_concerns: list[LabelledItem] = Field(default_factory=list)
    people: list[LabelledPerson] = Field(default_factory=list)
    questions: list[LabelledQuestion] = Field(default_factory=list)


class Labels(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: int
    accounts: list[LabelledAccount]
    root: Path = Path(".")  # the folder the account folders are relative to (the labels file's own)


def load_labels(path: Path) -> Labels:
    if not path.is_file():
        raise LabelsError(f"No labels file at {path}; pass the labels.yaml of a labelled set (--labels FILE).")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = Labels.model_validate({**(data or {}), "root": path.parent})
    except yaml.YAMLError as exc:
        raise LabelsError(f"{path} is not valid YAML ({exc}).") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LabelsError(f"{path} does not follow the labels schema: {where}: {first['msg']}.") from None
    missing = [a.folder for a in labels.accounts if not (labels.root / a.folder).is_dir()]
    if missing:
        raise LabelsError(f"{path}: account folder(s) not found beside it: {', '.join(missing)}.")
    return labels
