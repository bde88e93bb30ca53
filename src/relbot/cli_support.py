"""Argument types and output helpers shared by the CLI commands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from relbot.config import load_settings, parse_domains
from relbot.models import SourceKind
from relbot.services import Services, build_services


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD") from None



def moment(value: str) -> dt.datetime:
    """An ISO date-time argument (``--now``); a time without zone is UTC."""
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date-time; use e.g. 2026-11-23T09:00+00:00") from None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)

def domain_list(value: str) -> list[str]:
    try:
        domains = parse_domains(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not domains:
        raise argparse.ArgumentTypeError("no domain given; use e.g. --domains client.com,client.co.uk")
    return domains


def field_mapping(value: str) -> tuple[str, str]:
    field, sep, column = value.partition("=")
    if not sep or not field.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"'{value}' is not a mapping; use FIELD=Column, e.g. body='Call notes'")
    return field.strip().lower(), column.strip()


def source_kind(value: str) -> SourceKind:
    try:
        return SourceKind(value)
    except ValueError:
        choices = "|".join(k.value for k in SourceKind)
        raise argparse.ArgumentTypeError(f"unknown kind '{value}'; use one of {choices}") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def services() -> Services:
    return build_services(load_settings())
